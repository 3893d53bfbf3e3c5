// The tasks of this instance: each runs its body with a request_context of its own, so a tool
// cannot tell a task from a request; progress becomes the status message, input requests park
// the task in input_required until tasks/update answers them, and the finished task is kept
// for its ttl. Plain C++ driven from one thread (the task actor).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/host.hpp"
#include "protocol/request_table.hpp"
#include "protocol/tasks.hpp"

namespace tmcp {

struct task_book_options {
  std::chrono::milliseconds default_ttl{std::chrono::minutes(30)};
  std::chrono::milliseconds max_ttl{std::chrono::hours(6)};
  std::chrono::milliseconds poll_interval{500};
  // Tasks kept at most; beyond it the oldest finished one goes, and with none finished a new
  // task is refused.
  std::size_t max_tasks = 1000;
  int busy_retry_seconds = 5;
  std::size_t page_size = 100; // tasks/list
  std::function<int64_t()> unix_ms;
};

class task_book : public std::enable_shared_from_this<task_book> {
public:
  task_book(host_ptr host, task_book_options opts);
  ~task_book();

  expected<task_view, rpc_error> start(task_origin origin, task_body body);
  // Answers now, or (tasks/result of an unfinished task) once the task ends.
  void query(const task_query& q, task_done done);
  // Drops the tasks whose ttl ran out (a running one is cancelled first).
  void expire();
  // Cancels every running task (the server stops).
  void cancel_all();
  std::size_t size() const { return tasks_.size(); }

  // Entry points of a task's request_context (on the book's thread); the id is the task's.
  void complete(const std::string& id, std::string result);
  void complete_error(const std::string& id, rpc_error err);
  void send_progress(const std::string& id, double value, std::optional<double> total,
                     const std::string& message);
  void send_log(const std::string&, log_level, const std::string&, const std::string&) {}
  void send_client_request(const std::string& id, const std::string& method,
                           const std::string& params, std::chrono::milliseconds timeout,
                           client_reply done);
  void request_input(const std::string& id, std::vector<input_request> asks,
                     std::chrono::milliseconds timeout, input_reply done);
  void set_cache_hint(const std::string&, cache_hint) {}
  void close_request_stream(const std::string&) {}
  void add_cancel_hook(const std::string& id, std::function<void()> fn);
  void start_task(const std::string&, task_body body, ctx_ptr self) { body(std::move(self)); }

private:
  struct record {
    task_view view;
    std::string owner;
    client_view client;
    std::shared_ptr<context_flags> flags = std::make_shared<context_flags>();
    std::vector<std::function<void()>> cancel_hooks;
    std::vector<input_request> pending; // asks the client has not answered yet
    input_answers answers;
    input_reply waiting;
    std::vector<task_done> result_waiters;
  };

  record* find(const std::string& id, const std::string& owner);
  void settle(record& r, task_status status);
  void cancel(record& r);
  bool make_room();
  std::string new_id() const;

  host_ptr host_;
  task_book_options opts_;
  std::map<std::string, record> tasks_;
  std::deque<std::string> order_; // ids by creation
};

} // namespace tmcp

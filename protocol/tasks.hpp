// Tasks: tool calls that outlive their request (the experimental tasks of 2025-11-25 and the
// io.modelcontextprotocol/tasks extension of 2026-07-28). What both eras share: a task's state,
// the service that keeps the tasks, and each era's wire shape of a task.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/expected.hpp"
#include "protocol/request_context.hpp"

namespace tmcp {

constexpr const char* tasks_extension = "io.modelcontextprotocol/tasks";

enum class task_status { working, input_required, completed, failed, cancelled };
const char* to_string(task_status s);
bool is_terminal(task_status s);

// A task as a client may see it.
struct task_view {
  std::string id;
  task_status status = task_status::working;
  std::string message; // statusMessage: the latest progress
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t ttl_ms = 0;  // kept this long after creation
  int64_t poll_ms = 0; // suggested polling interval
  std::string result;  // completed: the tool result (JSON text)
  std::optional<rpc_error> error;    // failed: the protocol error
  std::string input_requests;       // input_required: the pending asks (JSON object text)
};

// Who starts a task and how it wants it kept.
struct task_origin {
  // Legacy: the MCP session (only it sees the task). Modern: empty (the unguessable id is the
  // handle; any request may poll it, on any connection).
  std::string owner;
  client_view client;
  int64_t ttl_ms = 0; // asked for (2025-11-25 `task.ttl`); 0: the server's default
};

enum class task_op { get, update, cancel, result, list };

struct task_query {
  task_op op = task_op::get;
  std::string id;
  std::string owner;
  input_answers answers; // update
  std::string cursor;    // list
};

struct task_answer {
  std::vector<task_view> tasks; // one, except for list
  std::string next_cursor;      // list
};

using task_done = std::function<void(expected<task_answer, rpc_error>)>;
using task_body = std::function<void(ctx_ptr)>;

// Keeps the tasks of this instance. `done` may be called on any thread.
class task_service {
public:
  virtual ~task_service() = default;
  // Creates a task running `body`; `done` gets the new task once tasks/get can find it.
  virtual void start(task_origin origin, task_body body, task_done done) = 0;
  // tasks/get, tasks/update, tasks/cancel, tasks/result (answers once terminal), tasks/list.
  virtual void query(task_query q, task_done done) = 0;
};

using task_service_ptr = std::shared_ptr<task_service>;

// True when the client capabilities (JSON text) declare the tasks extension.
bool declares_tasks_extension(const std::string& capabilities);

// 2026-07-28 wire: CreateTaskResult (resultType "task") and tasks/get's DetailedTask.
std::string modern_created(const task_view& t);
std::string modern_detail(const task_view& t);
// 2025-11-25 wire: the Task object, CreateTaskResult {task}, and tasks/result's answer.
std::string legacy_task(const task_view& t);
std::string legacy_created(const task_view& t);
expected<std::string, rpc_error> legacy_result(const task_view& t);

// The task methods each era answers: 2026-07-28 tasks/get, tasks/update, tasks/cancel (the
// extension dropped tasks/list and tasks/result); 2025-11-25 tasks/get, tasks/result,
// tasks/list, tasks/cancel.
bool is_task_method(const std::string& method, bool modern);
// Serves one of them through `ctx`; `owner` is the legacy session (empty when modern).
void serve_task_method(task_service& tasks, const std::string& method, const json::value* params,
                       const std::string& owner, bool modern, const ctx_ptr& ctx);

// RFC 3339 UTC time of a Unix time in milliseconds.
std::string iso_time(int64_t unix_ms);

} // namespace tmcp

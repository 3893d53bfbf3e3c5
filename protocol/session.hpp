// One legacy MCP session (2025-11-25 and older): the lifecycle, the session-only methods
// (initialize, logging/setLevel, subscriptions), and the glue between the shared method
// dispatch, the request table and the stream book. Plain C++ driven from one thread (the
// session actor); timers and cross-thread completions come back through `session_host::post`.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "protocol/admission.hpp"
#include "protocol/catalog.hpp"
#include "protocol/host.hpp"
#include "protocol/inbound.hpp"
#include "protocol/request_context.hpp"
#include "protocol/request_table.hpp"
#include "protocol/stream_book.hpp"
#include "protocol/tasks.hpp"

namespace tmcp {

struct session_options {
  server_identity identity;
  // SSE `retry:` hint sent with each stream's priming event.
  std::chrono::milliseconds sse_retry{1000};
  // Events kept per stream for Last-Event-ID replay; 0 disables replay (stdio).
  std::size_t replay_events = 256;
  // Streams that ended while their client was away, kept for resumption.
  std::size_t replay_streams = 32;
  // Time source, injectable so deterministic tests control idleness.
  std::function<std::chrono::steady_clock::time_point()> now = [] {
    return std::chrono::steady_clock::now();
  };
  // Experimental tasks (2025-11-25); none: the server does not offer them.
  task_service_ptr tasks;
  // Requests of this session in flight at once (0 = no bound); beyond it: "server busy".
  std::size_t max_in_flight = 64;
  // The server-wide bound on requests in flight, shared by every session; none = unbounded.
  admission_ptr admission;
  // The Retry-After of a busy answer.
  int busy_retry_seconds = 1;
};

class session : public std::enable_shared_from_this<session> {
public:
  using clock = std::chrono::steady_clock;

  session(std::string id, catalog_ptr cat, host_ptr host, session_options opts);
  ~session();

  const std::string& id() const { return id_; }

  // One transport message (POST, GET or DELETE) of this session.
  void handle(inbound in);

  // Server-side events, delivered on the standalone stream.
  void notify_list_changed(const std::string& kind);
  void notify_resource_updated(const std::string& uri);
  // notifications/tasks/status for a task of this session that ended (2025-11-25 tasks).
  void notify_task_status(const task_view& task);
  void set_catalog(catalog_ptr cat) { catalog_ = std::move(cat); }

  // Cancels in-flight work and closes every stream; the session is then ended.
  void terminate();
  // The same, answering every in-flight request with `why` first (the session is lost).
  void abort(const rpc_error& why);
  // Ends the session once its in-flight requests are answered (graceful shutdown).
  void drain();

  bool ended() const { return ended_; }
  bool initialized() const { return initialized_; }
  std::size_t in_flight() const { return requests_.size(); }
  // Idle = nothing in flight and no open standalone stream.
  bool idle() const;
  clock::time_point last_activity() const { return last_activity_; }
  const std::string& protocol_version() const { return client_.protocol_version; }
  log_level level() const { return level_; }
  const std::set<std::string>& subscriptions() const { return subscriptions_; }

  // Entry points of a request_context (already on the session's thread).
  void complete(const std::string& req_id, std::string result);
  void complete_error(const std::string& req_id, rpc_error err);
  void send_progress(const std::string& req_id, double value, std::optional<double> total,
                     const std::string& message);
  void send_log(const std::string& req_id, log_level lvl, const std::string& logger,
                const std::string& data);
  void send_client_request(const std::string& req_id, const std::string& method,
                           const std::string& params, std::chrono::milliseconds timeout,
                           client_reply done);
  void close_request_stream(const std::string& req_id);
  void add_cancel_hook(const std::string& req_id, std::function<void()> fn);
  void request_input(const std::string& req_id, std::vector<input_request> asks,
                     std::chrono::milliseconds timeout, input_reply done);
  void set_cache_hint(const std::string&, cache_hint) {} // legacy results carry no hints
  void start_task(const std::string& req_id, task_body body, ctx_ptr self);
  bool request_alive(const std::string& req_id) const { return requests_.contains(req_id); }
  host_ptr host() const { return host_; }

private:
  void on_request(message msg, sink_ptr sink, bool json_only);
  // A place for one more handler request, or false after refusing it as "server busy".
  bool admit(const message& msg, const sink_ptr& sink, admission_slot& slot);
  void on_notification(const message& msg);
  void on_response(const message& msg);
  void on_get(const std::string& last_event_id, sink_ptr sink);
  void on_delete(sink_ptr sink);

  // The methods only a session has; the shared ones live in method_dispatch.
  expected<std::string, rpc_error> do_initialize(const json::value* params);
  expected<std::string, rpc_error> do_set_level(const json::value* params);
  expected<std::string, rpc_error> do_subscribe(const json::value* params, bool on);

  bool priming() const;
  void end_request(const std::string& req_id, std::string response);
  ctx_ptr make_context(const in_flight_request& r);

  std::string id_;
  catalog_ptr catalog_;
  host_ptr host_;
  session_options opts_;
  client_view client_;
  bool initialize_answered_ = false;
  bool initialized_ = false;
  bool draining_ = false;
  bool ended_ = false;
  log_level level_ = log_level::info;
  std::set<std::string> subscriptions_;
  request_table requests_;
  stream_book streams_;
  clock::time_point last_activity_;
};

using session_ptr = std::shared_ptr<session>;

} // namespace tmcp

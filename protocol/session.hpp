// One MCP session's protocol logic (2025-11-25 and older): lifecycle, method dispatch,
// in-flight requests with cancellation, server->client requests, and the SSE streams with
// their replay buffers. Plain C++ driven from one thread (the session actor); timers and
// cross-thread completions come back through `session_host::post`.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "protocol/catalog.hpp"
#include "protocol/inbound.hpp"
#include "protocol/request_context.hpp"

namespace tmcp {

class session_host {
public:
  virtual ~session_host() = default;
  // Runs `fn` on the session's thread after `delay`; thread-safe; dropped once the session ended.
  virtual void post(std::function<void()> fn, std::chrono::milliseconds delay) = 0;
};

using host_ptr = std::shared_ptr<session_host>;

struct server_identity {
  std::string name = "twenty-mcp-server";
  std::string title = "Twenty CRM";
  std::string version = "0.1.0";
};

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
  void set_catalog(catalog_ptr cat) { catalog_ = std::move(cat); }

  // Cancels in-flight work and closes every stream; the session is then ended.
  void terminate();
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
  struct request_state;
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
  bool request_alive(const std::string& req_id) const { return requests_.count(req_id) > 0; }
  host_ptr host() const { return host_; }

private:
  struct stream_state {
    sink_ptr sink;
    std::deque<std::pair<uint64_t, std::string>> events; // seq -> JSON-RPC message
    uint64_t next_seq = 1;
    uint64_t delivered = 0; // last seq handed to a connected sink
    bool finished = false;  // the request's response was emitted
  };
  struct pending_client_request {
    client_reply done;
    std::string req_id;
  };

  void on_request(message msg, sink_ptr sink, bool json_only);
  void on_notification(const message& msg);
  void on_response(const message& msg);
  void on_get(const std::string& last_event_id, sink_ptr sink);
  void on_delete(sink_ptr sink);

  // Method handlers; synchronous ones return the result JSON or an error.
  expected<std::string, rpc_error> do_initialize(const json::value* params);
  expected<std::string, rpc_error> do_set_level(const json::value* params);
  expected<std::string, rpc_error> do_list(const std::string& method, const json::value* params);
  expected<std::string, rpc_error> do_subscribe(const json::value* params, bool on);
  void do_call_tool(request_state& rs, const json::value* params);
  void do_read_resource(request_state& rs, const json::value* params);
  void do_get_prompt(request_state& rs, const json::value* params);
  void do_complete(request_state& rs, const json::value* params);

  // Streams.
  uint64_t open_stream(sink_ptr sink, const std::string& session_header);
  void emit(uint64_t stream, const std::string& data);
  void finish_stream(uint64_t stream);
  void prune_streams();
  std::string event_id(uint64_t stream, uint64_t seq) const;

  void end_request(const std::string& req_id, std::string response);
  ctx_ptr make_context(const std::string& req_id);

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
  std::map<std::string, std::unique_ptr<request_state>> requests_;
  std::map<uint64_t, stream_state> streams_; // 0 is the standalone (GET) stream
  uint64_t next_stream_ = 1;
  std::map<std::string, pending_client_request> pending_;
  uint64_t next_client_request_ = 1;
  clock::time_point last_activity_;
};

using session_ptr = std::shared_ptr<session>;

} // namespace tmcp

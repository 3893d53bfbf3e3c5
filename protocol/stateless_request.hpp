// One request of the modern, stateless era (MCP 2026-07-28): checks its per-request _meta and
// routing headers, answers server/discover, lists and handler methods through the shared
// method dispatch, turns requests to the client into input_required results, and serves a
// subscriptions/listen stream. It holds nothing about the client beyond this one request.
// Plain C++ driven from one thread (its request actor), like the legacy session.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "protocol/catalog.hpp"
#include "protocol/host.hpp"
#include "protocol/inbound.hpp"
#include "protocol/request_table.hpp"
#include "protocol/tasks.hpp"

namespace tmcp {

struct stateless_options {
  server_identity identity;
  // HMAC key of requestState; instances sharing it can resume each other's requests.
  std::string state_key;
  std::chrono::milliseconds state_lifetime{std::chrono::minutes(10)};
  // Freshness of the catalog-derived answers (lists, discover): the time left until the
  // catalog may next change.
  std::function<cache_hint()> catalog_freshness = [] { return cache_hint{}; };
  std::function<int64_t()> unix_ms; // wall clock for requestState expiry
  // The io.modelcontextprotocol/tasks extension; none: the server does not offer it.
  task_service_ptr tasks;
};

class stateless_request : public std::enable_shared_from_this<stateless_request> {
public:
  stateless_request(catalog_ptr cat, host_ptr host, stateless_options opts);
  ~stateless_request();

  void handle(inbound in);

  // Change events, for a subscriptions/listen stream.
  void notify_list_changed(const std::string& kind);
  void notify_resource_updated(const std::string& uri);
  // The client closed the response stream (the modern era's cancellation) or the server stops.
  // `answer`: a request the server stops still gets an answer; one the client withdrew does not.
  void cancel(bool answer = true);

  bool ended() const { return ended_; }
  bool listening() const { return listening_; }

  // Entry points of its request_context (on the owner's thread).
  void complete(const std::string& id, std::string result);
  void complete_error(const std::string& id, rpc_error err);
  void send_progress(const std::string& id, double value, std::optional<double> total,
                     const std::string& message);
  void send_log(const std::string& id, log_level lvl, const std::string& logger,
                const std::string& data);
  void send_client_request(const std::string& id, const std::string& method,
                           const std::string& params, std::chrono::milliseconds timeout,
                           client_reply done);
  void request_input(const std::string& id, std::vector<input_request> asks,
                     std::chrono::milliseconds timeout, input_reply done);
  void set_cache_hint(const std::string&, cache_hint hint) { hint_ = hint; }
  void close_request_stream(const std::string&) {} // no resumption in this era
  void add_cancel_hook(const std::string& id, std::function<void()> fn);
  void start_task(const std::string& id, task_body body, ctx_ptr self);

private:
  std::optional<rpc_error> check_envelope(const inbound& in, const json::value* params);
  void run(const json::value* params);
  void start_handler(const json::value* params);
  ctx_ptr make_context();
  bool follows_tasks() const;
  void listen(const json::value* params);
  std::string discover() const;

  // Sends `response` (a whole JSON-RPC message) and ends the request.
  void finish(std::string response);
  // An error answer, or a refusal, before any stream: the transport picks the status.
  void fail(fault f);
  void send_notification(const std::string& note);
  std::string stamp(std::string result, bool cacheable) const;

  catalog_ptr catalog_;
  host_ptr host_;
  stateless_options opts_;
  sink_ptr sink_;
  message msg_;
  client_view client_;
  std::optional<log_level> level_; // no log messages unless the request asked for them
  progress_tracker progress_;
  std::shared_ptr<context_flags> flags_ = std::make_shared<context_flags>();
  std::vector<std::function<void()>> cancel_hooks_;
  std::optional<cache_hint> hint_;
  std::string target_; // params.name or params.uri
  input_answers answers_;
  std::size_t auto_inputs_ = 0;
  bool streaming_ = false;
  // The client accepts only application/json: the response is the one message it gets.
  bool json_only_ = false;
  bool ended_ = false;
  // subscriptions/listen
  bool listening_ = false;
  std::string subscription_id_;
  std::set<std::string> kinds_; // "tools", "prompts", "resources"
  std::set<std::string> uris_;
};

using stateless_ptr = std::shared_ptr<stateless_request>;

} // namespace tmcp

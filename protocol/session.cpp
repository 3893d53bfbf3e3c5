#include "protocol/session.hpp"

#include "protocol/json_rpc.hpp"
#include "protocol/mcp_version.hpp"
#include "protocol/method_dispatch.hpp"

namespace tmcp {

namespace {

// A 2025-11-25 task-augmented request: params.task asks the server to run it as a task.
bool wants_task(const json::value* params) {
  auto t = params ? json::find(*params, "task") : nullptr;
  return t && t->IsObject();
}

} // namespace

session::session(std::string id, catalog_ptr cat, host_ptr host, session_options opts)
  : id_(std::move(id)),
    catalog_(std::move(cat)),
    host_(std::move(host)),
    opts_(std::move(opts)),
    streams_(stream_book_options{opts_.replay_events, opts_.replay_streams, opts_.sse_retry}) {
  last_activity_ = opts_.now();
}

session::~session() = default;

bool session::idle() const {
  return requests_.empty() && !streams_.standalone_connected();
}

bool session::priming() const {
  // Clients older than 2025-11-25 cannot parse the empty data of a priming event.
  auto version = client_.protocol_version.empty() ? std::string(latest_protocol_version)
                                                  : client_.protocol_version;
  return version_at_least(version, "2025-11-25");
}

void session::handle(inbound in) {
  last_activity_ = opts_.now();
  if (ended_) {
    in.sink->refuse(make_fault(fault_kind::session_not_found,
                               "Session not found: it was terminated; initialize again"));
    return;
  }
  switch (in.verb) {
    case inbound_verb::get:
      on_get(in.last_event_id, std::move(in.sink));
      return;
    case inbound_verb::del:
      on_delete(std::move(in.sink));
      return;
    case inbound_verb::post:
      break;
  }
  if (!in.msg) {
    in.sink->refuse(fault{fault_kind::malformed,
                          make_rpc_error(rpc_errc::invalid_request, "Invalid Request: empty body")});
    return;
  }
  if (in.msg->is_request()) {
    on_request(std::move(*in.msg), std::move(in.sink), in.json_only);
    return;
  }
  // Notifications and responses are acknowledged before they are processed (202, no body).
  in.sink->respond(202, "");
  if (in.msg->is_notification())
    on_notification(*in.msg);
  else
    on_response(*in.msg);
}

bool session::admit(const message& msg, const sink_ptr& sink, admission_slot& slot) {
  auto retry = opts_.busy_retry_seconds;
  if (opts_.max_in_flight > 0 && requests_.size() >= opts_.max_in_flight) {
    sink->refuse(busy_fault(std::to_string(requests_.size())
                              + " requests of this session are already in flight "
                                "(MCP_MAX_IN_FLIGHT_PER_SESSION)",
                            retry, msg.id));
    return false;
  }
  if (opts_.admission && !opts_.admission->try_enter(slot)) {
    sink->refuse(busy_fault(std::to_string(opts_.admission->limit())
                              + " requests are already in flight on this server "
                                "(MCP_MAX_IN_FLIGHT)",
                            retry, msg.id));
    return false;
  }
  return true;
}

void session::on_request(message msg, sink_ptr sink, bool json_only) {
  // Work that stays in flight is bounded before anything is opened for it.
  admission_slot slot;
  bool runs = dispatch::is_handler_method(msg.method)
              || (opts_.tasks && is_task_method(msg.method, false));
  if (runs && !requests_.contains(msg.id) && !admit(msg, sink, slot))
    return;
  auto stream = streams_.open(std::move(sink),
                              msg.method == "initialize" ? id_ : std::string{}, priming());
  auto answer = [&](expected<std::string, rpc_error> r) {
    streams_.emit(stream, r ? make_response(msg.id, *r) : make_error_response(msg.id, r.error()));
    streams_.finish(stream);
  };
  if (requests_.contains(msg.id)) {
    answer(make_unexpected(make_rpc_error(
      rpc_errc::invalid_request, "Invalid Request: id " + msg.id + " is already in flight")));
    return;
  }
  if (draining_) {
    answer(make_unexpected(
      make_rpc_error(rpc_errc::internal_error, "Server is shutting down; retry shortly")));
    return;
  }
  const auto& m = msg.method;
  const auto* params = msg.params();
  if (m == "initialize") {
    answer(do_initialize(params));
    return;
  }
  if (m == "ping") {
    answer(std::string("{}"));
    return;
  }
  if (!initialize_answered_) {
    answer(make_unexpected(make_rpc_error(
      rpc_errc::invalid_request, "Invalid Request: the session is not initialized; send "
                                 "'initialize' first")));
    return;
  }
  if (m == "logging/setLevel")
    return answer(do_set_level(params));
  if (dispatch::is_list_method(m))
    return answer(dispatch::list(*catalog_, m, params));
  if (m == "resources/subscribe" || m == "resources/unsubscribe")
    return answer(do_subscribe(params, m == "resources/subscribe"));
  bool task_method = opts_.tasks && is_task_method(m, false);
  if (!dispatch::is_handler_method(m) && !task_method) {
    answer(make_unexpected(
      make_rpc_error(rpc_errc::method_not_found, "Method not found: '" + m + "'")));
    return;
  }
  if (m == "tools/call" && !wants_task(params))
    if (auto name = params ? json::get_string(*params, "name") : std::nullopt)
      if (auto tool = catalog_->find_tool(*name);
          tool && tool->spec.tasks == task_support::required) {
        answer(make_unexpected(make_rpc_error(
          rpc_errc::method_not_found, "Tool '" + *name + "' runs only as a task: call it "
                                      "with params.task (2025-11-25 tasks)")));
        return;
      }
  // Handler methods: the request stays in flight until its context replies.
  auto r = std::make_unique<in_flight_request>();
  r->id = msg.id;
  r->method = m;
  r->stream = stream;
  r->msg = msg;
  r->json_only = json_only;
  r->slot = std::move(slot);
  r->progress.token = progress_token_of(params);
  if (json_only && !r->progress.token.empty()) {
    answer(make_unexpected(make_rpc_error(
      rpc_errc::invalid_request,
      "Invalid Request: params._meta.progressToken asks for progress notifications, which need "
      "an SSE stream, but this POST's Accept lists only application/json; accept "
      "text/event-stream too, or send the request without a progressToken")));
    return;
  }
  auto& ref = requests_.add(std::move(r));
  auto ctx = make_context(ref);
  if (task_method)
    return serve_task_method(*opts_.tasks, m, ref.msg.params(), id_, false, ctx);
  auto cat = catalog_;
  dispatch::start(*cat, m, ref.msg.params(), ctx);
}

void session::on_notification(const message& msg) {
  const auto& m = msg.method;
  if (m == "notifications/initialized") {
    initialized_ = true;
    return;
  }
  if (m == "notifications/cancelled") {
    auto params = msg.params();
    auto rid = params ? json::find(*params, "requestId") : nullptr;
    if (!rid || !(rid->IsString() || rid->IsInt64()))
      return; // malformed cancellations are ignored, as the spec allows
    auto r = requests_.take(json::stringify(*rid));
    if (!r)
      return; // already answered or unknown: nothing to stop
    r->cancel();
    // A cancelled request gets no response; its stream just ends.
    streams_.finish(r->stream);
    return;
  }
  // roots/list_changed, progress from the client and unknown notifications need no action.
}

void session::on_response(const message& msg) {
  auto done = requests_.take_outbound(msg.id);
  if (!done)
    return; // late answer to a request that timed out
  if (msg.kind == message_kind::response) {
    (*done)(json::stringify(*msg.result()));
    return;
  }
  const auto& e = *msg.error();
  rpc_error err;
  err.code = static_cast<int>(json::get_int(e, "code").value_or(-32603));
  err.message = json::get_string(e, "message").value_or("client error");
  (*done)(make_unexpected(std::move(err)));
}

void session::on_get(const std::string& last_event_id, sink_ptr sink) {
  if (!streams_.attach(last_event_id, sink, priming()))
    sink->refuse(make_fault(fault_kind::conflict,
                            "Conflict: only one standalone SSE stream is allowed per session"));
}

void session::on_delete(sink_ptr sink) {
  terminate();
  sink->respond(200, "");
}

void session::terminate() {
  if (ended_)
    return;
  ended_ = true;
  requests_.cancel_all();
  streams_.close_all();
  requests_.clear_outbound();
}

void session::abort(const rpc_error& why) {
  if (ended_)
    return;
  for (auto& r : requests_.take_all()) {
    r->cancel();
    streams_.emit(r->stream, make_error_response(r->id, why));
    streams_.finish(r->stream);
  }
  terminate();
}

void session::drain() {
  draining_ = true;
  if (requests_.empty())
    terminate();
}

void session::notify_list_changed(const std::string& kind) {
  if (!initialized_ || ended_)
    return;
  streams_.emit(0, make_notification("notifications/" + kind + "/list_changed", ""));
}

void session::notify_task_status(const task_view& task) {
  if (!initialized_ || ended_)
    return;
  streams_.emit(0, make_notification("notifications/tasks/status", legacy_task(task)));
}

void session::notify_resource_updated(const std::string& uri) {
  if (!initialized_ || ended_ || !subscriptions_.count(uri))
    return;
  streams_.emit(0, make_notification("notifications/resources/updated",
                                     "{\"uri\":" + json::quote(uri) + "}"));
}

// -- request completion, on the session's thread ------------------------------------------

void session::end_request(const std::string& req_id, std::string response) {
  auto r = requests_.take(req_id);
  if (!r)
    return; // cancelled or already answered
  r->flags->done = true;
  streams_.emit(r->stream, response);
  streams_.finish(r->stream);
  if (draining_ && requests_.empty())
    terminate();
}

void session::complete(const std::string& req_id, std::string result) {
  end_request(req_id, make_response(req_id, result));
}

void session::complete_error(const std::string& req_id, rpc_error err) {
  end_request(req_id, make_error_response(req_id, err));
}

void session::send_progress(const std::string& req_id, double value,
                            std::optional<double> total, const std::string& text) {
  auto r = requests_.find(req_id);
  if (!r)
    return;
  if (auto note = r->progress.next(value, total, text))
    streams_.emit(r->stream, *note);
}

void session::send_log(const std::string& req_id, log_level lvl, const std::string& logger,
                       const std::string& data) {
  if (lvl < level_)
    return;
  auto r = requests_.find(req_id);
  // A JSON-only request's stream carries its response alone; its logs go to the GET stream.
  streams_.emit(r && !r->json_only ? r->stream : 0, make_log_notification(lvl, logger, data));
}

void session::send_client_request(const std::string& req_id, const std::string& method,
                                   const std::string& params, std::chrono::milliseconds timeout,
                                   client_reply done) {
  auto r = requests_.find(req_id);
  if (!r) {
    done(make_unexpected(make_rpc_error(rpc_errc::request_cancelled, "request was cancelled")));
    return;
  }
  if (auto needs = capability_for_client_method(method); needs && !client_.supports(needs)) {
    done(make_unexpected(make_rpc_error(
      rpc_errc::method_not_found,
      std::string("the client did not declare the '") + needs + "' capability")));
    return;
  }
  if (r->json_only) {
    done(make_unexpected(make_rpc_error(
      rpc_errc::invalid_request,
      "cannot send " + method + " to the client: its request accepted only application/json, "
      "and a server request needs an SSE stream (Accept: application/json, text/event-stream)")));
    return;
  }
  auto id = requests_.add_outbound(std::move(done));
  streams_.emit(r->stream, make_request(id, method, params));
  std::weak_ptr<session> weak = shared_from_this();
  host_->post(
    [weak, id, timeout] {
      auto self = weak.lock();
      if (!self)
        return;
      if (auto late = self->requests_.take_outbound(id))
        (*late)(make_unexpected(make_rpc_error(
          rpc_errc::request_timeout,
          "the client did not answer within " + std::to_string(timeout.count()) + " ms")));
    },
    timeout);
}

void session::close_request_stream(const std::string& req_id) {
  if (auto r = requests_.find(req_id))
    streams_.detach(r->stream);
}

void session::add_cancel_hook(const std::string& req_id, std::function<void()> fn) {
  if (auto r = requests_.find(req_id))
    r->cancel_hooks.push_back(std::move(fn));
}

} // namespace tmcp

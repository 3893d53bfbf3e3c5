#include "protocol/session.hpp"

#include "protocol/json_rpc.hpp"
#include "protocol/mcp_version.hpp"
#include "protocol/session_request.hpp"

namespace tmcp {

session::session(std::string id, catalog_ptr cat, host_ptr host, session_options opts)
  : id_(std::move(id)), catalog_(std::move(cat)), host_(std::move(host)), opts_(std::move(opts)) {
  last_activity_ = opts_.now();
}

session::~session() = default;

bool session::idle() const {
  if (!requests_.empty())
    return false;
  auto it = streams_.find(0);
  return it == streams_.end() || !it->second.sink || !it->second.sink->connected();
}

void session::handle(inbound in) {
  last_activity_ = opts_.now();
  auto error_body = [](rpc_errc code, const std::string& text) {
    return make_error_response("null", make_rpc_error(code, text));
  };
  if (ended_) {
    in.sink->respond(404, error_body(rpc_errc::session_not_found,
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
    in.sink->respond(400, error_body(rpc_errc::invalid_request, "Invalid Request: empty body"));
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

void session::on_request(message msg, sink_ptr sink, bool json_only) {
  auto stream = open_stream(std::move(sink), msg.method == "initialize" ? id_ : std::string{});
  auto answer = [&](expected<std::string, rpc_error> r) {
    emit(stream, r ? make_response(msg.id, *r) : make_error_response(msg.id, r.error()));
    finish_stream(stream);
  };
  if (requests_.count(msg.id)) {
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
  if (m == "tools/list" || m == "resources/list" || m == "resources/templates/list"
      || m == "prompts/list")
    return answer(do_list(m, params));
  if (m == "resources/subscribe" || m == "resources/unsubscribe")
    return answer(do_subscribe(params, m == "resources/subscribe"));
  using handler = void (session::*)(request_state&, const json::value*);
  handler h = nullptr;
  if (m == "tools/call")
    h = &session::do_call_tool;
  else if (m == "resources/read")
    h = &session::do_read_resource;
  else if (m == "prompts/get")
    h = &session::do_get_prompt;
  else if (m == "completion/complete")
    h = &session::do_complete;
  if (!h) {
    answer(make_unexpected(
      make_rpc_error(rpc_errc::method_not_found, "Method not found: '" + m + "'")));
    return;
  }
  // Asynchronous methods: the request stays in flight until its context replies.
  auto rs = std::make_unique<request_state>();
  rs->id = msg.id;
  rs->method = m;
  rs->stream = stream;
  rs->msg = msg;
  rs->json_only = json_only;
  if (params)
    if (auto meta = json::find(*params, "_meta"))
      if (auto tok = json::find(*meta, "progressToken"); tok && (tok->IsString() || tok->IsInt64()))
        rs->progress_token = json::stringify(*tok);
  if (json_only && !rs->progress_token.empty()) {
    answer(make_unexpected(make_rpc_error(
      rpc_errc::invalid_request,
      "Invalid Request: params._meta.progressToken asks for progress notifications, which need "
      "an SSE stream, but this POST's Accept lists only application/json; accept "
      "text/event-stream too, or send the request without a progressToken")));
    return;
  }
  auto& ref = *rs;
  requests_.emplace(msg.id, std::move(rs));
  ref.ctx = make_context(ref.id);
  (this->*h)(ref, params);
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
    auto key = json::stringify(*rid);
    auto it = requests_.find(key);
    if (it == requests_.end())
      return; // already answered or unknown: nothing to stop
    auto rs = std::move(it->second);
    requests_.erase(it);
    rs->cancelled = true;
    if (rs->ctx_state)
      rs->ctx_state->cancelled = true;
    for (auto& fn : rs->cancel_hooks)
      fn();
    // A cancelled request gets no response; its stream just ends.
    finish_stream(rs->stream);
    return;
  }
  // roots/list_changed, progress from the client and unknown notifications need no action.
}

void session::on_response(const message& msg) {
  auto it = pending_.find(msg.id);
  if (it == pending_.end())
    return; // late answer to a request that timed out
  auto p = std::move(it->second);
  pending_.erase(it);
  if (msg.kind == message_kind::response) {
    p.done(json::stringify(*msg.result()));
    return;
  }
  const auto& e = *msg.error();
  rpc_error err;
  err.code = static_cast<int>(json::get_int(e, "code").value_or(-32603));
  err.message = json::get_string(e, "message").value_or("client error");
  p.done(make_unexpected(std::move(err)));
}

void session::on_get(const std::string& last_event_id, sink_ptr sink) {
  uint64_t stream = 0;
  uint64_t after = 0;
  bool resume = false;
  if (!last_event_id.empty()) {
    auto sep = last_event_id.find('_');
    try {
      if (sep != std::string::npos) {
        stream = std::stoull(last_event_id.substr(0, sep));
        after = std::stoull(last_event_id.substr(sep + 1));
        resume = streams_.count(stream) > 0;
      }
    } catch (...) {
      resume = false;
    }
    if (!resume) {
      stream = 0;
      after = 0;
    }
  }
  auto& st = streams_[stream];
  if (stream == 0 && !resume && st.sink && st.sink->connected()) {
    sink->respond(409, make_error_response(
                         "null", make_rpc_error(rpc_errc::transport_error,
                                                "Conflict: only one standalone SSE stream is "
                                                "allowed per session")));
    return;
  }
  if (st.sink && st.sink != sink)
    st.sink->close();
  st.sink = std::move(sink);
  st.sink->open(stream_open{{}, opts_.sse_retry});
  if (version_at_least(client_.protocol_version, "2025-11-25"))
    st.sink->event(event_id(stream, after), "");
  // Replay what the client missed: after its Last-Event-ID, or everything undelivered.
  auto from = resume ? after : st.delivered;
  for (const auto& [seq, data] : st.events)
    if (seq > from) {
      st.sink->event(event_id(stream, seq), data);
      st.delivered = seq;
    }
  if (st.finished) {
    st.sink->close();
    streams_.erase(stream);
  }
}

void session::on_delete(sink_ptr sink) {
  terminate();
  sink->respond(200, "");
}

void session::terminate() {
  if (ended_)
    return;
  ended_ = true;
  auto requests = std::move(requests_);
  requests_.clear();
  for (auto& [id, rs] : requests) {
    rs->cancelled = true;
    if (rs->ctx_state)
      rs->ctx_state->cancelled = true;
    for (auto& fn : rs->cancel_hooks)
      fn();
  }
  for (auto& [no, st] : streams_)
    if (st.sink)
      st.sink->close();
  streams_.clear();
  pending_.clear();
}

void session::drain() {
  draining_ = true;
  if (requests_.empty())
    terminate();
}

void session::notify_list_changed(const std::string& kind) {
  if (!initialized_ || ended_)
    return;
  emit(0, make_notification("notifications/" + kind + "/list_changed", ""));
}

void session::notify_resource_updated(const std::string& uri) {
  if (!initialized_ || ended_ || !subscriptions_.count(uri))
    return;
  emit(0, make_notification("notifications/resources/updated",
                            "{\"uri\":" + json::quote(uri) + "}"));
}

} // namespace tmcp

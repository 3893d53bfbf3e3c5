// Streams and request completion: event ids, replay buffers, progress, logging and
// server->client requests, all on the session's thread.
#include "protocol/json_rpc.hpp"
#include "protocol/mcp_version.hpp"
#include "protocol/session.hpp"
#include "protocol/session_request.hpp"

#include <cmath>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tmcp {

namespace {

std::string number(double v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  // JSON has no NaN or infinity; and casting a double out of int64 range is undefined.
  if (!std::isfinite(v))
    return "0";
  if (std::fabs(v) < 9e15 && v == std::trunc(v))
    w.Int64(static_cast<int64_t>(v));
  else
    w.Double(v);
  return buf.GetString();
}

} // namespace

std::string session::event_id(uint64_t stream, uint64_t seq) const {
  return std::to_string(stream) + "_" + std::to_string(seq);
}

uint64_t session::open_stream(sink_ptr sink, const std::string& session_header) {
  auto no = next_stream_++;
  auto& st = streams_[no];
  st.sink = std::move(sink);
  st.sink->open(stream_open{session_header, opts_.sse_retry});
  // Priming event (SEP-1699): gives the client a resumption point before any message.
  auto version = client_.protocol_version.empty() ? std::string(latest_protocol_version)
                                                  : client_.protocol_version;
  if (version_at_least(version, "2025-11-25"))
    st.sink->event(event_id(no, 0), "");
  return no;
}

void session::emit(uint64_t no, const std::string& data) {
  auto it = streams_.find(no);
  if (it == streams_.end()) {
    if (no != 0)
      return; // the stream was already pruned
    it = streams_.emplace(0, stream_state{}).first;
  }
  auto& st = it->second;
  auto seq = st.next_seq++;
  if (st.sink && st.sink->connected()) {
    st.sink->event(event_id(no, seq), data);
    st.delivered = seq;
  }
  if (opts_.replay_events > 0) {
    st.events.emplace_back(seq, data);
    if (st.events.size() > opts_.replay_events)
      st.events.pop_front();
  }
}

void session::finish_stream(uint64_t no) {
  auto it = streams_.find(no);
  if (it == streams_.end())
    return;
  auto& st = it->second;
  st.finished = true;
  // Delivered to a live connection: nothing left to resume, free it now.
  if (st.sink && st.sink->connected()) {
    st.sink->close();
    streams_.erase(it);
    return;
  }
  st.sink = nullptr;
  if (opts_.replay_events == 0)
    streams_.erase(it);
  prune_streams();
}

void session::prune_streams() {
  std::size_t finished = 0;
  for (auto& [no, st] : streams_)
    finished += st.finished ? 1 : 0;
  for (auto it = streams_.begin(); finished > opts_.replay_streams && it != streams_.end();) {
    if (it->second.finished) {
      it = streams_.erase(it);
      --finished;
    } else {
      ++it;
    }
  }
}

void session::end_request(const std::string& req_id, std::string response) {
  auto it = requests_.find(req_id);
  if (it == requests_.end())
    return; // cancelled or already answered
  auto rs = std::move(it->second);
  requests_.erase(it);
  if (rs->ctx_state)
    rs->ctx_state->done = true;
  emit(rs->stream, response);
  finish_stream(rs->stream);
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
  auto it = requests_.find(req_id);
  if (it == requests_.end() || it->second->progress_token.empty())
    return;
  auto& rs = *it->second;
  // Progress MUST increase; a stale or repeated value is dropped rather than sent.
  if (rs.sent_progress && value <= rs.last_progress)
    return;
  rs.sent_progress = true;
  rs.last_progress = value;
  std::string params = "{\"progressToken\":" + rs.progress_token + ",\"progress\":" + number(value);
  if (total)
    params += ",\"total\":" + number(*total);
  if (!text.empty())
    params += ",\"message\":" + json::quote(text);
  params += '}';
  emit(rs.stream, make_notification("notifications/progress", params));
}

void session::send_log(const std::string& req_id, log_level lvl, const std::string& logger,
                       const std::string& data) {
  if (lvl < level_)
    return;
  auto it = requests_.find(req_id);
  // A JSON-only request's stream carries its response alone; its logs go to the GET stream.
  auto stream = it == requests_.end() || it->second->json_only ? 0 : it->second->stream;
  std::string params = std::string("{\"level\":\"") + to_string(lvl) + "\"";
  if (!logger.empty())
    params += ",\"logger\":" + json::quote(logger);
  params += ",\"data\":" + (data.empty() ? std::string("null") : data) + "}";
  emit(stream, make_notification("notifications/message", params));
}

void session::send_client_request(const std::string& req_id, const std::string& method,
                                   const std::string& params, std::chrono::milliseconds timeout,
                                   client_reply done) {
  auto it = requests_.find(req_id);
  if (it == requests_.end()) {
    done(make_unexpected(make_rpc_error(rpc_errc::request_cancelled, "request was cancelled")));
    return;
  }
  const char* needs = method == "sampling/createMessage" ? "sampling"
                      : method == "elicitation/create"  ? "elicitation"
                      : method == "roots/list"          ? "roots"
                                                        : nullptr;
  if (needs && !client_.supports(needs)) {
    done(make_unexpected(make_rpc_error(
      rpc_errc::method_not_found,
      std::string("the client did not declare the '") + needs + "' capability")));
    return;
  }
  if (it->second->json_only) {
    done(make_unexpected(make_rpc_error(
      rpc_errc::invalid_request,
      "cannot send " + method + " to the client: its request accepted only application/json, "
      "and a server request needs an SSE stream (Accept: application/json, text/event-stream)")));
    return;
  }
  auto id = std::to_string(next_client_request_++);
  pending_.emplace(id, pending_client_request{std::move(done), req_id});
  emit(it->second->stream, make_request(id, method, params));
  std::weak_ptr<session> weak = shared_from_this();
  host_->post(
    [weak, id, timeout] {
      auto self = weak.lock();
      if (!self)
        return;
      auto p = self->pending_.find(id);
      if (p == self->pending_.end())
        return;
      auto done = std::move(p->second.done);
      self->pending_.erase(p);
      done(make_unexpected(make_rpc_error(
        rpc_errc::request_timeout, "the client did not answer within "
                                     + std::to_string(timeout.count()) + " ms")));
    },
    timeout);
}

void session::close_request_stream(const std::string& req_id) {
  auto it = requests_.find(req_id);
  if (it == requests_.end())
    return;
  auto st = streams_.find(it->second->stream);
  if (st == streams_.end() || !st->second.sink)
    return;
  st->second.sink->close();
  st->second.sink = nullptr;
}

void session::add_cancel_hook(const std::string& req_id, std::function<void()> fn) {
  auto it = requests_.find(req_id);
  if (it != requests_.end())
    it->second->cancel_hooks.push_back(std::move(fn));
}

} // namespace tmcp

#include "protocol/transport/http_session.hpp"

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "protocol/transport/http_sink.hpp"
#include "protocol/transport/sse.hpp"
#include "protocol/transport/validation.hpp"

namespace tmcp::transport {

http_session::http_session(tcp::socket&& socket, std::shared_ptr<server_state> state)
  : state_(std::move(state)), stream_(std::move(socket)) {
  // SSE writes many small chunks: Nagle plus delayed ACKs would hold each one ~40 ms.
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
}

http_session::~http_session() {
  state_->remove(this);
}

void http_session::run() {
  auto limit = state_->options.max_connections;
  over_capacity_ = limit > 0 && state_->connection_count() >= limit;
  state_->add(shared_from_this());
  // We need to be executing within a strand to perform async operations on the I/O
  // objects in this session.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

template <class F>
void http_session::post(F f) {
  if (state_->stopped)
    return;
  net::post(stream_.get_executor(),
            [self = shared_from_this(), f = std::move(f)]() mutable { f(*self); });
}

void http_session::post_open(uint64_t seq, stream_open info) {
  post([seq, info = std::move(info)](http_session& s) { s.on_open(seq, info); });
}

void http_session::post_event(uint64_t seq, std::string event_id, std::string data) {
  post([seq, id = std::move(event_id), data = std::move(data)](http_session& s) {
    s.on_event(seq, id, data);
  });
}

void http_session::post_close(uint64_t seq) {
  post([seq](http_session& s) { s.on_close(seq); });
}

void http_session::post_respond(uint64_t seq, int status, std::string body) {
  post([seq, status, body = std::move(body)](http_session& s) {
    s.on_respond(seq, status, body);
  });
}

void http_session::post_layer_response(uint64_t seq, layer_response r) {
  post([seq, r = std::move(r)](http_session& s) { s.on_layer_response(seq, r); });
}

void http_session::post_rejection(uint64_t seq, rejection r) {
  post([seq, r = std::move(r)](http_session& s) { s.on_rejection(seq, r); });
}

void http_session::post_abandoned(uint64_t seq) {
  // A dropped sink ends the exchange the same way a close() would.
  post_close(seq);
}

void http_session::post_shutdown() {
  post([](http_session& s) { s.on_shutdown(); });
}

// -- reading requests ---------------------------------------------------------------------

void http_session::do_read() {
  if (phase_ == phase::closed)
    return;
  phase_ = phase::reading;
  body_unread_ = false;
  parser_.emplace();
  parser_->body_limit(state_->options.max_body_bytes);
  parser_->header_limit(header_limit);
  stream_.expires_after(state_->options.idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&http_session::on_header,
                                                    shared_from_this()));
}

request_view http_session::view() const {
  return view_of(parser_->get());
}

void http_session::on_header(beast::error_code ec, std::size_t) {
  if (phase_ == phase::closed)
    return;
  if (ec == http::error::end_of_stream)
    return do_close();
  // A Content-Length above the limit fails right after the complete header.
  bool too_large = ec == http::error::body_limit;
  if (ec && !too_large) {
    spdlog::debug("http: read header: {}", ec.message());
    return reject_framing(ec);
  }
  if (shutting_down_)
    return do_close();
  ++seq_;
  const auto& req = parser_->get();
  keep_alive_ = req.keep_alive();
  version_ = req.version();
  if (over_capacity_) {
    keep_alive_ = false;
    body_unread_ = !parser_->is_done();
    return send_rejection(to_rejection(busy_fault(
      std::to_string(state_->options.max_connections)
        + " connections are open, the most this server keeps (MCP_MAX_CONNECTIONS)",
      state_->options.busy_retry_seconds)));
  }
  if (serve_layer())
    return;
  if (auto r = check_headers(view(), state_->routes)) {
    // The body is still unread: the connection cannot carry another request.
    if (!parser_->is_done()) {
      keep_alive_ = false;
      body_unread_ = true;
    }
    return send_rejection(*r);
  }
  if (too_large) {
    keep_alive_ = false;
    body_unread_ = true;
    return send_rejection(too_large_body());
  }
  if (refused_by_layer())
    return;
  read_body();
}

void http_session::read_body() {
  if (parser_->is_done())
    return on_body({}, 0);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_body, shared_from_this()));
}

void http_session::on_body(beast::error_code ec, std::size_t) {
  if (phase_ == phase::closed)
    return;
  if (ec == http::error::body_limit) {
    keep_alive_ = false;
    body_unread_ = true;
    return send_rejection(too_large_body());
  }
  if (ec) {
    spdlog::debug("http: read body: {}", ec.message());
    return reject_framing(ec);
  }
  auto v = view();
  json_only_ = false;
  json_session_id_.clear();
  if (v.method != "POST")
    return forward(route_stream(v));
  auto routed = route_post(v, parser_->get().body());
  if (!routed)
    return send_rejection(routed.error());
  json_only_ = routed->json_only;
  forward(std::move(*routed));
}

void http_session::reject_framing(beast::error_code ec) {
  // Only a request the parser refused deserves an answer; a peer that left or stalled
  // gets none.
  if (ec.category() != http::make_error_code(http::error::bad_method).category()
      || ec == http::error::end_of_stream || ec == http::error::partial_message
      || ec == http::error::short_read || ec == http::error::need_more || shutting_down_)
    return do_close();
  // The rest of the request cannot be located: answer, then close without reading it.
  version_ = 11;
  keep_alive_ = false;
  body_unread_ = true;
  if (ec == http::error::header_limit)
    return send_rejection(to_rejection(make_fault(
      fault_kind::headers_too_large,
      "Request Header Fields Too Large: the request line and headers exceed "
        + std::to_string(header_limit) + " bytes")));
  send_rejection(to_rejection(make_fault(
    fault_kind::malformed, "Bad Request: malformed HTTP request (" + ec.message() + ")")));
}

void http_session::forward(inbound in) {
  phase_ = phase::handling;
  // Answers may take as long as a tool call; SSE streams may stay open indefinitely.
  stream_.expires_never();
  start_watch();
  auto sink = std::make_shared<http_sink>(shared_from_this(), seq_);
  sink_ = sink;
  in.sink = std::move(sink);
  in.principal = principal_;
  in.profile = profile_;
  caf::anon_send(state_->supervisor, atom::inbound_v, std::move(in));
}

// -- sink calls, on the strand ------------------------------------------------------------

void http_session::on_open(uint64_t seq, const stream_open& info) {
  if (seq != seq_ || phase_ != phase::handling)
    return;
  if (json_only_) {
    json_session_id_ = info.session_id;
    return;
  }
  phase_ = phase::streaming;
  auto& res = sse_res_.emplace(http::status::ok, version_);
  res.set(http::field::content_type, "text/event-stream");
  res.set(http::field::cache_control, "no-cache");
  res.set("X-Accel-Buffering", "no");
  if (!info.session_id.empty())
    res.set("Mcp-Session-Id", info.session_id);
  res.keep_alive(keep_alive_);
  res.chunked(true);
  retry_ = info.retry;
  first_event_ = true;
  enqueue(out_item{out_item::header, {}});
}

void http_session::on_event(uint64_t seq, const std::string& event_id,
                            const std::string& data) {
  if (seq == seq_ && json_only_ && phase_ == phase::handling && !data.empty())
    return send_full(200, data, false, json_session_id_);
  if (seq != seq_ || phase_ != phase::streaming)
    return;
  auto retry = first_event_ ? retry_ : std::chrono::milliseconds{0};
  first_event_ = false;
  enqueue(out_item{out_item::chunk, format_sse_event(event_id, data, retry)});
}

void http_session::on_close(uint64_t seq) {
  if (seq != seq_)
    return;
  if (phase_ == phase::streaming) {
    phase_ = phase::finishing;
    enqueue(out_item{out_item::last, {}});
  } else if (phase_ == phase::handling) {
    // Closed (or dropped) before any answer: the client still deserves a response.
    spdlog::warn("http: request {} ended without a response", seq);
    send_rejection(to_rejection(
      make_fault(fault_kind::no_answer, "Internal Server Error: no response was produced")));
  }
}

void http_session::on_rejection(uint64_t seq, const rejection& r) {
  if (seq == seq_ && phase_ == phase::handling)
    return send_rejection(r);
  on_respond(seq, r.status, r.body);
}

void http_session::on_respond(uint64_t seq, int status, const std::string& body) {
  if (seq != seq_)
    return;
  if (phase_ == phase::handling)
    return send_full(status, body);
  if (phase_ == phase::streaming) {
    // Too late for a status line: end the stream rather than leave it hanging.
    spdlog::warn("http: request {} answered with {} after its stream opened", seq, status);
    phase_ = phase::finishing;
    enqueue(out_item{out_item::last, {}});
  }
}

void http_session::on_shutdown() {
  shutting_down_ = true;
  if (phase_ != phase::reading && phase_ != phase::closed) {
    // A write to a peer that no longer reads has no timeout of its own: cut it off.
    shutdown_timer_.emplace(stream_.get_executor());
    shutdown_timer_->expires_after(state_->options.close_timeout);
    shutdown_timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->phase_ != phase::closed) {
        spdlog::debug("http: closing a connection that did not drain on shutdown");
        self->do_close();
      }
    });
  }
  switch (phase_) {
    case phase::reading:
      return do_close();
    case phase::handling:
      mark_disconnected();
      return send_rejection(to_rejection(
        make_fault(fault_kind::unavailable, "Service Unavailable: server is stopping")));
    case phase::streaming:
      mark_disconnected();
      phase_ = phase::finishing;
      return enqueue(out_item{out_item::last, {}});
    case phase::finishing: // closes once written, shutting_down_ is set
    case phase::closed:
      return;
  }
}

} // namespace tmcp::transport

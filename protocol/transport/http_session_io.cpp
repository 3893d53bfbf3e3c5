// The write side of http_session: the response queue, the watch read that notices a peer
// leaving mid-response, and closing.
#include "protocol/transport/http_session.hpp"

#include <spdlog/spdlog.h>

#include "protocol/transport/http_sink.hpp"

namespace tmcp::transport {

namespace {

// Bytes a client may pipeline while its previous request is still answered.
constexpr std::size_t max_early_bytes = 64 * 1024;

// How long a closing connection waits for the peer to finish sending, so an unread body
// does not turn our close into a reset that destroys the response in flight.
constexpr std::chrono::seconds linger_timeout{2};

} // namespace

// -- writing ------------------------------------------------------------------------------

void http_session::send_rejection(const rejection& r) {
  if (r.retry_after_seconds <= 0)
    return send_full(r.status, r.body, r.allow_header);
  layer_response busy{r.status, "application/json", r.body, {}};
  busy.headers.emplace_back("Retry-After", std::to_string(r.retry_after_seconds));
  send_layer(busy);
}

rejection http_session::too_large_body() const {
  return to_rejection(make_fault(fault_kind::too_large,
                                 "Payload Too Large: the body exceeds "
                                   + std::to_string(state_->options.max_body_bytes) + " bytes"));
}

void http_session::send_full(int status, const std::string& body, bool allow_header,
                             const std::string& session_id) {
  layer_response r{status, "application/json", body, {}};
  if (allow_header)
    r.headers.emplace_back("Allow", "GET, POST, DELETE");
  if (!session_id.empty())
    r.headers.emplace_back("Mcp-Session-Id", session_id);
  send_layer(r);
}

void http_session::enqueue(out_item item) {
  queued_bytes_ += item.data.size();
  queue_.push_back(std::move(item));
  if (!writing_)
    return do_write();
  // A client that stops reading must not make us hold its stream in memory: drop it (the
  // session keeps its events for a resumption, within the replay bound).
  auto limit = state_->options.max_stream_buffer_bytes;
  if (limit > 0 && queued_bytes_ > limit) {
    spdlog::warn("http: dropping a stream whose client stopped reading ({} bytes waiting, "
                 "MCP_MAX_STREAM_BUFFER_BYTES {})",
                 queued_bytes_, limit);
    mark_disconnected();
    do_close();
  }
}

void http_session::do_write() {
  if (phase_ == phase::closed)
    return;
  if (queue_.empty()) {
    writing_ = false;
    if (phase_ == phase::finishing)
      on_response_done();
    return;
  }
  writing_ = true;
  current_ = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_ -= current_.data.size();
  auto handler = beast::bind_front_handler(&http_session::on_write, shared_from_this());
  switch (current_.what) {
    case out_item::header:
      sse_sr_.emplace(*sse_res_);
      return http::async_write_header(stream_, *sse_sr_, std::move(handler));
    case out_item::chunk:
      return net::async_write(stream_, http::make_chunk(net::buffer(current_.data)),
                              std::move(handler));
    case out_item::last:
      return net::async_write(stream_, http::make_chunk_last(), std::move(handler));
    case out_item::full:
      return http::async_write(stream_, *full_res_, std::move(handler));
  }
}

void http_session::on_write(beast::error_code ec, std::size_t) {
  if (phase_ == phase::closed)
    return;
  if (ec) {
    spdlog::debug("http: write: {}", ec.message());
    mark_disconnected();
    return do_close();
  }
  do_write();
}

void http_session::on_response_done() {
  sink_.reset();
  sse_sr_.reset();
  sse_res_.reset();
  full_res_.reset();
  if (!keep_alive_ || shutting_down_)
    return do_linger_close();
  phase_ = phase::reading;
  if (!watching_)
    return do_read();
  // The watch read owns the socket's read side; its handler starts the next request read.
  resume_after_watch_ = true;
  beast::error_code ec;
  stream_.socket().cancel(ec);
}

// -- noticing a peer that leaves ----------------------------------------------------------

void http_session::start_watch() {
  watching_ = true;
  stream_.socket().async_read_some(
    buffer_.prepare(4096),
    beast::bind_front_handler(&http_session::on_watch, shared_from_this()));
}

void http_session::on_watch(beast::error_code ec, std::size_t n) {
  watching_ = false;
  if (phase_ == phase::closed)
    return;
  // Early bytes are the client's next request: keep them for the parser.
  buffer_.commit(n);
  if (resume_after_watch_) {
    resume_after_watch_ = false;
    if (ec && ec != net::error::operation_aborted)
      return do_close();
    if (shutting_down_)
      return do_close();
    return do_read();
  }
  if (ec == net::error::operation_aborted)
    return;
  if (ec) {
    spdlog::debug("http: peer left during a response: {}", ec.message());
    mark_disconnected();
    return do_close();
  }
  if (buffer_.size() < max_early_bytes)
    start_watch();
}

// -- closing ------------------------------------------------------------------------------

void http_session::mark_disconnected() {
  if (auto s = sink_.lock())
    s->mark_disconnected();
}

void http_session::do_linger_close() {
  if (!body_unread_)
    return do_close();
  phase_ = phase::closed;
  queue_.clear();
  queued_bytes_ = 0;
  // The linger read has its own deadline.
  if (shutdown_timer_)
    shutdown_timer_->cancel();
  beast::error_code ec;
  // Stop a pending watch read: the linger read below takes over the read side.
  if (watching_)
    stream_.socket().cancel(ec);
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec)
    return stream_.close();
  stream_.expires_after(linger_timeout);
  stream_.async_read_some(net::buffer(linger_buf_),
                          beast::bind_front_handler(&http_session::on_linger,
                                                    shared_from_this()));
}

void http_session::on_linger(beast::error_code ec, std::size_t) {
  if (ec)
    return stream_.close();
  stream_.async_read_some(net::buffer(linger_buf_),
                          beast::bind_front_handler(&http_session::on_linger,
                                                    shared_from_this()));
}

void http_session::do_close() {
  phase_ = phase::closed;
  if (shutdown_timer_)
    shutdown_timer_->cancel();
  queue_.clear();
  queued_bytes_ = 0;
  sink_.reset();
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

} // namespace tmcp::transport

#include "protocol/transport/http_sink.hpp"

#include "protocol/json_limits.hpp"
#include "protocol/transport/http_faults.hpp"
#include "protocol/transport/http_session.hpp"

namespace tmcp::transport {

http_sink::http_sink(std::shared_ptr<http_session> session, uint64_t request_seq)
  : session_(std::move(session)), seq_(request_seq) {
  // nop
}

http_sink::~http_sink() {
  if (!finished_.exchange(true))
    session_->post_abandoned(seq_);
}

void http_sink::open(const stream_open& info) {
  if (!finished_)
    session_->post_open(seq_, info);
}

// Every answer leaves as valid UTF-8, whatever bytes a message quoted (the copy was made
// for the post anyway).
void http_sink::event(const std::string& event_id, const std::string& data) {
  if (!finished_)
    session_->post_event(seq_, event_id, json::to_valid_utf8(data));
}

void http_sink::close() {
  if (!finished_.exchange(true))
    session_->post_close(seq_);
}

void http_sink::respond(int status, const std::string& body) {
  if (!finished_.exchange(true))
    session_->post_respond(seq_, status, json::to_valid_utf8(body));
}

void http_sink::refuse(const fault& f) {
  auto r = to_rejection(f);
  if (r.retry_after_seconds <= 0)
    return respond(r.status, r.body);
  if (!finished_.exchange(true))
    session_->post_rejection(seq_, std::move(r));
}

bool http_sink::connected() const {
  return connected_;
}

void http_sink::on_disconnect(std::function<void()> fn) {
  std::unique_lock<std::mutex> guard{mtx_};
  if (connected_) {
    on_disconnect_ = std::move(fn);
    return;
  }
  guard.unlock();
  fn();
}

void http_sink::mark_disconnected() {
  std::function<void()> fn;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!connected_.exchange(false))
      return;
    fn = std::move(on_disconnect_);
  }
  // Only a peer that left before the answer ended cancels anything.
  if (fn && !finished_)
    fn();
}

} // namespace tmcp::transport

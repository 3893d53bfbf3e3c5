// The stream_sink of one HTTP request: callable from any thread, it forwards every call to
// its connection's strand, tagged with the request number so a late call cannot write into
// the next response on a keep-alive connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "protocol/stream_sink.hpp"

namespace tmcp::transport {

class http_session;

class http_sink final : public stream_sink {
public:
  http_sink(std::shared_ptr<http_session> session, uint64_t request_seq);

  // A sink dropped without an answer would leave the client hanging: tell the connection.
  ~http_sink() override;

  void open(const stream_open& info) override;
  void event(const std::string& event_id, const std::string& data) override;
  void close() override;
  void respond(int status, const std::string& body) override;
  void refuse(const fault& f) override;
  bool connected() const override;
  void on_disconnect(std::function<void()> fn) override;

  // Called by the connection (on its strand) after a write error or peer close.
  void mark_disconnected();

private:
  std::shared_ptr<http_session> session_;
  uint64_t seq_;
  std::atomic<bool> connected_{true};
  // Set by close/respond: later calls are dropped here, before hopping threads.
  std::atomic<bool> finished_{false};
  std::mutex mtx_;
  std::function<void()> on_disconnect_; // guarded by mtx_
};

} // namespace tmcp::transport

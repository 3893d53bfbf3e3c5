// The stdio side of a session: every message is one line on stdout, written under a lock
// and flushed, so concurrent writers never interleave.
#pragma once

#include <atomic>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "protocol/stream_sink.hpp"

namespace tmcp::transport {

class stdio_sink final : public stream_sink {
public:
  explicit stdio_sink(std::ostream& out);

  // Streams have no framing on stdio: open and close do nothing, events are lines.
  void open(const stream_open& info) override;
  void event(const std::string& event_id, const std::string& data) override;
  void close() override;
  void respond(int status, const std::string& body) override;
  void refuse(const fault& f) override;
  bool connected() const override;

  // Writes one message and a newline, flushed; false (and disconnected) once stdout fails.
  bool write_line(std::string_view line);

private:
  std::ostream& out_;
  std::mutex mtx_;
  std::atomic<bool> connected_{true};
};

} // namespace tmcp::transport

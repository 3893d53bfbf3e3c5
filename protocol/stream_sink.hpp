// The connection a session writes to: one HTTP response (POST or GET) or the stdio pipe.
// Implementations are thread-safe: the session calls them from actor threads and they hand
// the work to the connection's own executor.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "protocol/fault.hpp"

namespace tmcp {

struct stream_open {
  // Set on the answer to `initialize`: the transport sends it as `Mcp-Session-Id`.
  std::string session_id;
  // Ask the client to wait this long before reconnecting (SSE `retry:`); zero = none.
  std::chrono::milliseconds retry{0};
};

class stream_sink {
public:
  virtual ~stream_sink() = default;

  // Starts a stream of events (HTTP: 200 + text/event-stream headers). Called at most once,
  // before any event.
  virtual void open(const stream_open& info) = 0;

  // Sends one event; `data` is one JSON-RPC message, or empty for an SSE priming event.
  // `event_id` may be empty (stdio ignores it).
  virtual void event(const std::string& event_id, const std::string& data) = 0;

  // Ends the stream (HTTP: last chunk). Idempotent.
  virtual void close() = 0;

  // Answers without a stream and without an error: `status` is 202 (accepted, empty body) or
  // 200 (a JSON-RPC response, or empty). stdio writes a non-empty body as one line.
  virtual void respond(int status, const std::string& body) = 0;

  // Refuses the message, or answers its request with an error, without a stream; the
  // transport encodes the fault (HTTP: status and error body; stdio: the error line).
  virtual void refuse(const fault& f) = 0;

  // False once the peer has gone away; the session then stops writing to this sink.
  virtual bool connected() const = 0;

  // Runs `fn` (on any thread) once the peer goes away before the answer ended: closing a
  // 2026-07-28 response stream cancels its request. Sinks that cannot tell never call it.
  virtual void on_disconnect(std::function<void()> fn) { (void)fn; }
};

using sink_ptr = std::shared_ptr<stream_sink>;

} // namespace tmcp

// The stdio transport: newline-delimited JSON-RPC on stdin/stdout, one session for the
// process. A reader thread (never an actor or asio thread) blocks on stdin and forwards each
// line to the session supervisor; answers come back through one shared stdio_sink.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <thread>

#include "actors/interfaces.hpp"
#include "protocol/expected.hpp"
#include "protocol/transport/stdio_sink.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace tmcp::transport {

class stdio_transport {
public:
  // `in`/`out` default to std::cin/std::cout; tests pass string streams.
  stdio_transport(caf::actor_system& sys, actors::session_supervisor_actor supervisor);
  stdio_transport(caf::actor_system& sys, actors::session_supervisor_actor supervisor,
                  std::istream& in, std::ostream& out);

  // Joins the reader if it has finished; detaches it if it still blocks on stdin.
  ~stdio_transport();

  stdio_transport(const stdio_transport&) = delete;
  stdio_transport& operator=(const stdio_transport&) = delete;

  // Asks the supervisor for a session (blocking, from the calling thread: never call it
  // on an actor or asio thread), then starts the reader. `on_eof` runs on the reader
  // thread once stdin ends. Returns the session id.
  expected<std::string, std::string> start(std::function<void()> on_eof);

  // Waits for the reader thread (returns after EOF).
  void join();

  const std::shared_ptr<stdio_sink>& sink() const { return sink_; }

private:
  caf::actor_system& sys_;
  actors::session_supervisor_actor supervisor_;
  std::istream& in_;
  std::shared_ptr<stdio_sink> sink_;
  std::shared_ptr<std::atomic<bool>> done_;
  std::thread reader_;
};

} // namespace tmcp::transport

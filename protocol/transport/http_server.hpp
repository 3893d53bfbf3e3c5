// The Streamable HTTP transport (MCP 2025-11-25): one endpoint, Beast on its own threads,
// every accepted message handed to the session supervisor with a sink for the answer.
// Beast stays out of this header so main and tests include it cheaply.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "actors/interfaces.hpp"
#include "protocol/expected.hpp"
#include "protocol/transport/http_options.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace tmcp::transport {

struct server_state;
class listener;

class http_server {
public:
  http_server(caf::actor_system& sys, actors::session_supervisor_actor supervisor,
              http_options options);

  // Stops accepting, ends every connection and joins the threads.
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds, starts the accept loop and `options.threads` I/O threads; the bound port.
  expected<uint16_t, std::string> start();

  // No new connections; open ones keep being served.
  void stop_accepting();

  // Ends every SSE stream with its last chunk, answers requests still waiting with 503,
  // closes idle keep-alive connections, and lets the I/O threads run out of work. Call after
  // the sessions have drained. Implies stop_accepting.
  void close_all();

  // Waits for the I/O threads; they end after close_all.
  void join();

  uint16_t port() const { return port_; }

private:
  caf::actor_system& sys_;
  std::shared_ptr<server_state> state_;
  std::shared_ptr<listener> listener_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool closing_ = false;
};

} // namespace tmcp::transport

// The webhook listener: its own port and I/O thread, one POST path, bodies bounded (413 beyond
// the bound). Each delivery goes to a handler with a callback for the answer; nothing here
// knows what a valid delivery is. Beast stays out of this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "protocol/expected.hpp"

namespace tmcp::transport {

struct webhook_options {
  std::string host = "127.0.0.1";
  uint16_t port = 3002; // 0 picks a free port
  std::string path = "/webhooks/twenty";
  std::size_t max_body_bytes = std::size_t{1} << 20;
  int threads = 1;
  // A connection idle (or slow to send its request) this long is closed.
  std::chrono::seconds read_timeout{10};
};

// Gets every POST to the path; must call `respond` exactly once, from any thread.
using webhook_handler = std::function<void(webhook_delivery)>;

class webhook_server {
public:
  webhook_server(webhook_options options, webhook_handler handler);
  ~webhook_server();

  webhook_server(const webhook_server&) = delete;
  webhook_server& operator=(const webhook_server&) = delete;

  // Binds and starts serving; the bound port.
  expected<uint16_t, std::string> start();

  // Closes the listener and every connection, and joins the I/O threads.
  void stop();

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace tmcp::transport

// Settings of the Streamable HTTP transport; plain data so config/ can fill it from the CLI.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol/transport/route_layer.hpp"

namespace tmcp::transport {

struct http_options {
  std::string host = "127.0.0.1";
  // 0 binds an ephemeral port; http_server::start() returns the bound one.
  uint16_t port = 3001;
  std::string path = "/mcp";
  // `Host` allow-list: "name" matches any port, "name:port" only that port. Empty = the
  // loopback names (localhost, 127.0.0.1, [::1]) with any port plus the bound host:port.
  std::vector<std::string> allowed_hosts;
  // `Origin` allow-list: "scheme://host[:port]" matches exactly, "host[:port]" matches the
  // origin's authority. Empty = origins on the loopback names with any port, plus the
  // bound host:port.
  std::vector<std::string> allowed_origins;
  // Off only behind a proxy that checks Host itself (e.g. bound to 0.0.0.0 in a container).
  bool validate_host = true;
  std::size_t max_body_bytes = std::size_t{4} << 20;
  // Idle keep-alive connections and slow request reads are closed after this.
  std::chrono::seconds idle_timeout{60};
  // close_all gives a connection this long to take its last bytes before cutting it off.
  std::chrono::milliseconds close_timeout{5000};
  // Bytes of a response stream waiting behind a write the client does not take; beyond it the
  // stream is dropped (0 = no bound).
  std::size_t max_stream_buffer_bytes = std::size_t{8} << 20;
  // Open connections at most; a connection beyond it gets its request answered 503 + Retry-After
  // and is closed (0 = no bound).
  std::size_t max_connections = 1024;
  int busy_retry_seconds = 1;
  int threads = 2;
  // Health, metrics, auth: answered or checked before the MCP endpoint; null = none.
  std::shared_ptr<const route_layer> layer;
};

} // namespace tmcp::transport

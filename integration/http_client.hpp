// An asynchronous HTTP/1.1 client for one Twenty base URL, with a bounded keep-alive pool.
// Non-2xx answers are values (`outcome` holds the response); only transport faults (refused,
// reset, TLS, DNS, deadline, oversized body) are `error`s with errc::network_error.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "integration/twenty_types.hpp"
#include "protocol/expected.hpp"

namespace tmcp::twenty {

struct client_options {
  // http:// or https://, optional port and path prefix ("https://crm.example.com/twenty").
  std::string base_url;
  std::string api_key;
  // Extra CA certificates (PEM) trusted besides the system ones.
  std::string ca_file;
  bool verify_tls = true;
  // Connections open at once; requests beyond wait in FIFO order.
  std::size_t max_connections = 8;
  // Idle keep-alive connections are closed after this long.
  std::chrono::seconds idle_timeout{30};
  int io_threads = 1;
  std::size_t max_body_bytes = 64 << 20;
  // Who answers and where its URL is set, as transport errors name them.
  std::string peer = "Twenty";
  std::string url_setting = "TWENTY_API_URL";
};

struct client_stats {
  uint64_t requests = 0;           // send() calls
  uint64_t connections_opened = 0; // TCP connections attempted
  uint64_t reused = 0;             // requests served on an idle keep-alive connection
  uint64_t network_errors = 0;     // requests completed with an error
  uint64_t retries = 0;            // failed attempts on a reused connection retried on a fresh one
  uint64_t stale_replaced = 0;     // idle connections found closed by the server before sending
  uint64_t timeouts = 0;           // requests that hit their deadline
  std::size_t in_flight = 0;       // requests on a connection now
  std::size_t queued = 0;          // requests waiting for a connection now
  std::size_t open_connections = 0;
  std::size_t idle_connections = 0;
};

namespace detail {
struct client_core;
} // namespace detail

class http_client {
public:
  using stats = client_stats;

  // Validates the options (URL, CA file) and starts the I/O threads.
  static expected<std::shared_ptr<http_client>, std::string> create(client_options opts);

  // Calls shutdown().
  ~http_client();

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // Sends `req` to base URL + req.target without blocking. `done` runs exactly once, on an I/O
  // thread; after shutdown() it runs at once on the calling thread with a network_error. It
  // must not throw and should return quickly (it runs on the client's I/O thread).
  // The deadline (req.deadline) counts from this call and covers waiting for a connection,
  // connect, TLS handshake, write and read.
  void send(const request& req, std::function<void(outcome)> done);

  stats get_stats() const;

  // Fails queued and in-flight requests ("shut down"), closes connections and joins the I/O
  // threads (bounded; called from an I/O thread it detaches them instead). Idempotent.
  void shutdown();

private:
  explicit http_client(std::shared_ptr<detail::client_core> core);

  std::shared_ptr<detail::client_core> core_;
};

} // namespace tmcp::twenty

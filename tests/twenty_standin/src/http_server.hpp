// The Beast transport: an async HTTP/1.1 server over `app`, and the webhook delivery workers.
// Only this header's .cpp includes Boost; callers see a plain interface.
#pragma once

#include "app.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace standin {

struct server_settings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int threads = 2;
  int webhook_timeout_ms = 5000;  // Twenty's axios timeout
  int webhook_retries = 3;        // attempts after the first
  int webhook_backoff_ms = 500;   // doubled before each retry
};

class http_server {
public:
  http_server(app& a, server_settings s);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds, listens and starts the I/O threads; false with a message on failure.
  bool start(std::string* err);
  std::uint16_t port() const;
  // Stops accepting, drops connections, joins all threads (webhook workers included).
  void stop();
  // Blocks until SIGINT or SIGTERM.
  static void wait_for_signal();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace standin

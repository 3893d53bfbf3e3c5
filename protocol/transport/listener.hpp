// Accepts connections and starts one http_session for each (Beast's listener shape).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "protocol/expected.hpp"
#include "protocol/transport/net.hpp"
#include "protocol/transport/server_state.hpp"

namespace tmcp::transport {

class listener : public std::enable_shared_from_this<listener> {
public:
  explicit listener(std::shared_ptr<server_state> state);

  // Binds and listens; returns the bound port (useful with port 0).
  expected<uint16_t, std::string> open(const std::string& host, uint16_t port);

  // Starts the accept loop.
  void run();

  // Closes the acceptor from its strand, then runs `then` there: no connection can be
  // accepted after it starts.
  void stop(std::function<void()> then = {});

private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  std::shared_ptr<server_state> state_;
  tcp::acceptor acceptor_;
  bool stopped_ = false;
};

} // namespace tmcp::transport

#include "protocol/transport/listener.hpp"

#include <spdlog/spdlog.h>

#include "protocol/transport/http_session.hpp"

namespace tmcp::transport {

listener::listener(std::shared_ptr<server_state> state)
  : state_(std::move(state)), acceptor_(net::make_strand(state_->ioc)) {
  // nop
}

expected<uint16_t, std::string> listener::open(const std::string& host, uint16_t port) {
  beast::error_code ec;
  tcp::resolver resolver{state_->ioc};
  auto results = resolver.resolve(host, std::to_string(port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service,
                                  ec);
  if (ec || results.empty())
    return make_unexpected("cannot resolve " + host + ": " + ec.message());
  auto endpoint = results.begin()->endpoint();
  auto fail = [&](const char* what) {
    return make_unexpected(std::string(what) + " " + host + ":" + std::to_string(port) + ": "
                           + ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec)
    return fail("open");
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec)
    return fail("set_option");
  if (acceptor_.bind(endpoint, ec); ec)
    return fail("bind");
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec)
    return fail("listen");
  auto bound = acceptor_.local_endpoint(ec);
  if (ec)
    return fail("local_endpoint");
  return bound.port();
}

void listener::run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop(std::function<void()> then) {
  net::post(acceptor_.get_executor(), [self = shared_from_this(), then = std::move(then)] {
    self->stopped_ = true;
    beast::error_code ec;
    self->acceptor_.close(ec);
    if (then)
      then();
  });
}

void listener::do_accept() {
  if (stopped_)
    return;
  // Each connection gets its own strand.
  acceptor_.async_accept(net::make_strand(state_->ioc),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopped_ || ec == net::error::operation_aborted)
    return;
  if (ec)
    spdlog::warn("http: accept: {}", ec.message());
  else
    std::make_shared<http_session>(std::move(socket), state_)->run();
  do_accept();
}

} // namespace tmcp::transport

#include "protocol/transport/http_server.hpp"

#include <spdlog/spdlog.h>

#include "protocol/transport/http_session.hpp"
#include "protocol/transport/listener.hpp"
#include "protocol/transport/validation.hpp"

namespace tmcp::transport {

http_server::http_server(caf::actor_system& sys, actors::session_supervisor_actor supervisor,
                         http_options options)
  : sys_(sys), state_(std::make_shared<server_state>(options.threads)) {
  state_->supervisor = std::move(supervisor);
  state_->options = std::move(options);
}

http_server::~http_server() {
  // Every connection then ends within the linger and shutdown write timeouts.
  close_all();
  join();
}

expected<uint16_t, std::string> http_server::start() {
  if (listener_)
    return make_unexpected(std::string("http_server already started"));
  const auto& opts = state_->options;
  listener_ = std::make_shared<listener>(state_);
  auto bound = listener_->open(opts.host, opts.port);
  if (!bound) {
    listener_.reset();
    return bound;
  }
  port_ = *bound;
  // The default Host allow-list includes the address actually bound (port 0 resolved).
  state_->routes.path = opts.path;
  state_->routes.allowed_hosts = effective_allowed_hosts(opts.allowed_hosts, opts.host, port_);
  state_->routes.allowed_origins = effective_allowed_origins(opts.allowed_origins, opts.host, port_);
  state_->routes.validate_host = opts.validate_host;
  state_->work.emplace(state_->ioc.get_executor());
  listener_->run();
  auto n = opts.threads > 0 ? opts.threads : 1;
  for (int i = 0; i < n; ++i)
    threads_.emplace_back([state = state_] { state->ioc.run(); });
  spdlog::info("http: listening on {}:{}{}", opts.host, port_, opts.path);
  return port_;
}

void http_server::stop_accepting() {
  if (listener_)
    listener_->stop();
}

void http_server::close_all() {
  if (closing_ || state_->stopped)
    return;
  closing_ = true;
  auto shutdown = [state = state_] {
    for (auto& s : state->live_sessions())
      s->post_shutdown();
    state->work.reset();
  };
  // On the acceptor's strand, after closing it: no connection can slip in behind us.
  if (listener_)
    listener_->stop(std::move(shutdown));
  else
    shutdown();
}

void http_server::join() {
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
  state_->stopped = true;
}

} // namespace tmcp::transport

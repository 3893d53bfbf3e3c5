// What the listener, every connection and the server share; the last connection to go
// releases it, so the io_context outlives every socket even when a sink dies on a CAF thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "actors/interfaces.hpp"
#include "protocol/transport/http_options.hpp"
#include "protocol/transport/net.hpp"
#include "protocol/transport/routes.hpp"

namespace tmcp::transport {

class http_session;

struct server_state {
  explicit server_state(int threads) : ioc(threads > 0 ? threads : 1) {}

  net::io_context ioc;
  // Keeps the io_context threads alive while no socket has work; released by close_all.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  http_options options;
  route_config routes;
  actors::session_supervisor_actor supervisor;
  // Set once the io_context threads have ended: posting then would only leak handlers.
  std::atomic<bool> stopped{false};

  void add(const std::shared_ptr<http_session>& s) {
    std::lock_guard<std::mutex> guard{mtx};
    sessions.emplace(s.get(), s);
  }

  void remove(const http_session* s) {
    std::lock_guard<std::mutex> guard{mtx};
    sessions.erase(s);
  }

  std::size_t connection_count() {
    std::lock_guard<std::mutex> guard{mtx};
    return sessions.size();
  }

  std::vector<std::shared_ptr<http_session>> live_sessions() {
    std::vector<std::shared_ptr<http_session>> out;
    std::lock_guard<std::mutex> guard{mtx};
    for (auto& [ptr, weak] : sessions)
      if (auto s = weak.lock())
        out.push_back(std::move(s));
    return out;
  }

private:
  std::mutex mtx;
  std::unordered_map<const http_session*, std::weak_ptr<http_session>> sessions;
};

} // namespace tmcp::transport

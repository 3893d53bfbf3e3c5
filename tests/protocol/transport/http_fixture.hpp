// Shared by the transport.http test files: a fake supervisor behind an http_server on an
// ephemeral port, and small helpers for building and checking requests.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "protocol/json_rpc.hpp"
#include "protocol/transport/http_server.hpp"
#include "tests/protocol/transport/fake_supervisor.hpp"
#include "tests/protocol/transport/test_client.hpp"

namespace tmcp::test {

using namespace std::chrono_literals;
using tmcp::transport::http_options;
using tmcp::transport::http_server;

inline const std::string init_body
  = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":)"
    R"("2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}})";

inline std::string request_body(int id, const std::string& method) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + "\"}";
}

inline std::string notification_body(const std::string& method) {
  return R"({"jsonrpc":"2.0","method":")" + method + "\"}";
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline bool is_transport_error(const test_response& r, const std::string& prefix) {
  return r.header("Content-Type") == "application/json"
         && contains(r.body, R"({"jsonrpc":"2.0","id":null,"error":{"code":-32000,)")
         && contains(r.body, R"("message":")" + prefix);
}

// Polls a condition another thread makes true.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

inline caf::actor_system_config& small_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

struct http_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{small_config(cfg)};
  std::shared_ptr<probe> p = std::make_shared<probe>();
  actors::session_supervisor_actor sup = spawn_fake_supervisor(sys, p);
  std::unique_ptr<http_server> server;
  uint16_t port = 0;

  http_fixture() {
    http_options opts;
    opts.port = 0;
    opts.max_body_bytes = 64 * 1024;
    opts.idle_timeout = 10s;
    server = std::make_unique<http_server>(sys, sup, opts);
    auto bound = server->start();
    if (bound)
      port = *bound;
  }

  ~http_fixture() {
    server->close_all();
    server->join();
    server.reset();
    p->release();
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  }

  // Initializes a session on its own connection and returns the id the fake issued.
  std::string open_session() {
    test_client c{port};
    auto res = c.exchange(post_request(port, init_body));
    return res ? res->header("Mcp-Session-Id") : std::string();
  }
};

} // namespace tmcp::test

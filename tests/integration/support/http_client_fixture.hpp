// Helpers shared by the HTTP client test files: a client bound to a test server, one-shot calls.
#pragma once

#include <functional>
#include <future>
#include <optional>
#include <thread>

#include "integration/http_client.hpp"
#include "tests/integration/support/test_server.hpp"

namespace tmcp::test::http {

using namespace std::chrono_literals;
using namespace tmcp::twenty;
using tmcp::test::reply;
using tmcp::test::seen_request;


inline bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

inline std::shared_ptr<http_client> make_client(const std::string& url, std::size_t max_conn = 8) {
  client_options o;
  o.base_url = url;
  o.api_key = "test-key";
  o.max_connections = max_conn;
  auto c = http_client::create(o);
  CAF_REQUIRE(c.has_value());
  return *c;
}

inline request get(std::string target, std::chrono::milliseconds deadline = 5000ms) {
  request r;
  r.target = std::move(target);
  r.deadline = deadline;
  return r;
}

// Sends one request and waits (bounded) for its outcome.
inline std::optional<outcome> call(http_client& c, const request& r) {
  auto p = std::make_shared<std::promise<outcome>>();
  auto f = p->get_future();
  c.send(r, [p](outcome o) { p->set_value(std::move(o)); });
  if (f.wait_for(10s) != std::future_status::ready)
    return std::nullopt;
  return f.get();
}

inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit = 5000ms) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until)
      return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

inline reply ok(const seen_request&) {
  return reply{};
}

} // namespace tmcp::test::http

// The real server binary over HTTP against hostile clients: it answers them and keeps serving
// everybody else.
#define CAF_SUITE app.hostile_http
#include "caf/test/unit_test.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include "app/child_process.hpp"
#include "protocol/json_limits.hpp"
#include "tests/protocol/transport/test_client.hpp"

using namespace tmcp;
using namespace tmcp::test;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

const std::string init_body
  = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":)"
    R"("2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}})";

std::string ping_body(int id) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"ping"})";
}

bool contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos)
    return true;
  CAF_MESSAGE("'" << needle << "' not in: " << haystack.substr(0, 300));
  return false;
}

struct fixture {
  // stderr joins stdout so the test can read the announced port.
  child_process server{{"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", TMCP_SERVER_BINARY,
                        "--transport", "http", "--http-port", "0", "--log-level", "error"}};
  uint16_t port = 0;

  fixture() {
    for (int i = 0; i < 20 && port == 0; ++i) {
      auto line = server.read_line(10s);
      CAF_REQUIRE(line);
      auto at = line->find("listening on http://127.0.0.1:");
      if (at != std::string::npos)
        port = static_cast<uint16_t>(std::stoi(line->substr(at + 30)));
    }
    CAF_REQUIRE_NOT_EQUAL(port, 0);
  }

  std::string open_session() {
    test_client c{port};
    auto res = c.exchange(post_request(port, init_body));
    CAF_REQUIRE(res);
    CAF_REQUIRE_EQUAL(res->status, 200);
    auto sid = res->header("Mcp-Session-Id");
    CAF_REQUIRE(!sid.empty());
    test_client n{port};
    auto ack = n.exchange(post_request(
      port, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", sid, "2025-11-25"));
    CAF_REQUIRE(ack);
    return sid;
  }

  // One ping on a fresh connection; its status (0 on a transport failure).
  int ping(const std::string& sid, int id) {
    test_client c{port, 10s};
    auto res = c.exchange(post_request(port, ping_body(id), sid, "2025-11-25"));
    return res ? res->status : 0;
  }
};

std::string nested_arrays(std::size_t bytes) {
  return std::string(bytes / 2, '[') + std::string(bytes / 2, ']');
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_http_tests, fixture)

CAF_TEST(two megabytes of nested arrays get 400 and another client is still served) {
  auto sid = open_session();
  test_client attacker{port, 30s};
  auto res = attacker.exchange(post_request(port, nested_arrays(2u << 20)));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 400);
  CAF_CHECK(contains(res->body, R"("code":-32600)"));
  CAF_CHECK(contains(res->body, "nesting deeper than 64 levels"));
  CAF_CHECK(json::is_valid_utf8(res->body));
  CAF_CHECK_EQUAL(ping(sid, 2), 200);
  // A brand-new client too: the process is alive and accepting.
  test_client fresh{port};
  auto init = fresh.exchange(post_request(port, init_body));
  CAF_REQUIRE(init);
  CAF_CHECK_EQUAL(init->status, 200);
}

CAF_TEST(hostile bodies in a loop do not stall another client) {
  auto sid = open_session();
  std::atomic<bool> stop{false};
  std::atomic<int> hostile_answers{0};
  // Alternates the nested body with ~3.5 MB of valid JSON the server must parse whole
  // (a million-element array in a request to a method that does not exist).
  std::string wide = R"({"jsonrpc":"2.0","id":9,"method":"no/such","params":{"a":[)";
  for (int i = 0; i < 1000000; ++i)
    wide += i ? ",1.5" : "1.5";
  wide += "]}}";
  std::thread attacker{[&] {
    for (int i = 0; !stop; ++i) {
      test_client c{port, 30s};
      auto body = i % 2 ? wide : nested_arrays(2u << 20);
      auto r = c.exchange(post_request(port, body, i % 2 ? sid : "", "2025-11-25"));
      if (r && (r->status == 400 || r->status == 200))
        ++hostile_answers;
    }
  }};
  std::chrono::steady_clock::duration worst{0};
  int served = 0;
  for (int i = 0; i < 40; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    if (ping(sid, 100 + i) == 200)
      ++served;
    worst = std::max(worst, std::chrono::steady_clock::now() - t0);
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  attacker.join();
  auto worst_ms = std::chrono::duration_cast<std::chrono::milliseconds>(worst).count();
  CAF_MESSAGE("hostile requests answered: " << hostile_answers << ", worst ping " << worst_ms
                                            << " ms");
  CAF_CHECK_EQUAL(served, 40);
  CAF_CHECK_GREATER(hostile_answers.load(), 1);
  // Seconds would mean a shared thread is blocked; the bound leaves room for a busy CI box.
  CAF_CHECK_LESS(worst_ms, 1500);
}

CAF_TEST(broken framing gets 400 or 431 and the server keeps serving) {
  auto sid = open_session();
  {
    test_client c{port};
    CAF_REQUIRE(c.send_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                           + std::string(20000, 'x') + "\r\n\r\n"));
    auto res = c.receive();
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->status, 431);
  }
  {
    test_client c{port};
    CAF_REQUIRE(c.send_raw("P\x01ST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto res = c.receive();
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->status, 400);
    CAF_CHECK(json::parse(res->body).has_value());
  }
  CAF_CHECK_EQUAL(ping(sid, 3), 200);
}

CAF_TEST_FIXTURE_SCOPE_END()

// Hostile requests at the HTTP layer: broken framing gets 400/431, bad bytes never come back
// as invalid UTF-8, and the server keeps serving the next client.
#define CAF_SUITE transport.hostile_http
#include "caf/test/unit_test.hpp"

#include "protocol/json_limits.hpp"
#include "tests/protocol/transport/http_fixture.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::test;
using namespace tmcp::transport;

namespace {

std::string head(uint16_t port, const std::string& extra) {
  return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
         + "\r\nContent-Type: application/json\r\n"
           "Accept: application/json, text/event-stream\r\n"
         + extra;
}

bool valid_json_utf8(const std::string& body) {
  if (!json::is_valid_utf8(body))
    return false;
  return json::parse(body).has_value();
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(hostile_http, http_fixture)

CAF_TEST(headers beyond the limit get 431 and the server keeps serving) {
  test_client c{port};
  CAF_REQUIRE(c.send_raw(head(port, "X-Big: " + std::string(9000, 'a') + "\r\n\r\n")));
  auto res = c.receive();
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 431);
  CAF_CHECK(is_transport_error(*res, "Request Header Fields Too Large"));
  CAF_CHECK(!res->keep_alive);
  CAF_CHECK(c.server_closed());
  test_client next{port};
  auto ok = next.exchange(post_request(port, init_body));
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->status, 200);
}

CAF_TEST(a header line just under the limit is served) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body).set("X-Big", std::string(7000, 'a')));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
}

CAF_TEST(a malformed request line gets 400) {
  for (std::string line : {"G@T /mcp HTTP/1.1\r\n", "POST /mcp HTTP/9\r\n", "POST\r\n"}) {
    test_client c{port};
    CAF_REQUIRE(c.send_raw(line + "Host: 127.0.0.1\r\n\r\n"));
    auto res = c.receive();
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->status, 400);
    CAF_CHECK(is_transport_error(*res, "Bad Request: malformed HTTP request"));
  }
  CAF_CHECK_EQUAL(p->seen_count(), 0u);
}

CAF_TEST(a bad content length or chunk size gets 400) {
  {
    test_client c{port};
    CAF_REQUIRE(c.send_raw(head(port, "Content-Length: 12x\r\n\r\n{}")));
    auto res = c.receive();
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->status, 400);
  }
  {
    test_client c{port};
    CAF_REQUIRE(c.send_raw(head(port, "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")));
    auto res = c.receive();
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->status, 400);
  }
  CAF_CHECK_EQUAL(p->seen_count(), 0u);
}

CAF_TEST(invalid utf8 in a quoted header comes back as valid utf8 json) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body).set("Origin", "http://\xff\xfe.example"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 403);
  CAF_CHECK(valid_json_utf8(res->body));
  CAF_CHECK(contains(res->body, "\xef\xbf\xbd"));
  test_client v{port};
  auto ver = v.exchange(post_request(port, init_body, "s1", "2025-\xc0\xaf"));
  CAF_REQUIRE(ver);
  CAF_CHECK_EQUAL(ver->status, 400);
  CAF_CHECK(valid_json_utf8(ver->body));
}

CAF_TEST(deeply nested and invalid utf8 bodies get json rpc errors and the server keeps serving) {
  test_client c{port};
  auto deep = c.exchange(post_request(port, std::string(30000, '[') + std::string(30000, ']')));
  CAF_REQUIRE(deep);
  CAF_CHECK_EQUAL(deep->status, 400);
  CAF_CHECK(contains(deep->body, R"("code":-32600)"));
  CAF_CHECK(contains(deep->body, "nesting deeper than 64 levels"));
  auto bad = c.exchange(post_request(port, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}"));
  CAF_REQUIRE(bad);
  CAF_CHECK_EQUAL(bad->status, 400);
  CAF_CHECK(contains(bad->body, R"("code":-32700)"));
  CAF_CHECK(valid_json_utf8(bad->body));
  // Same connection, still usable: the rejections kept the framing intact.
  auto ok = c.exchange(post_request(port, init_body));
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->status, 200);
  CAF_CHECK_EQUAL(p->seen_count(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

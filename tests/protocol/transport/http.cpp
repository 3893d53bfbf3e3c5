// The Streamable HTTP endpoint's status rules end to end: a real Beast client on loopback
// against http_server on an ephemeral port, with a fake session supervisor behind it.
#define CAF_SUITE transport.http
#include "caf/test/unit_test.hpp"

#include "tests/protocol/transport/http_fixture.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::test;
using namespace tmcp::transport;

CAF_TEST_FIXTURE_SCOPE(http_rules, http_fixture)

CAF_TEST(the server binds an ephemeral port) {
  CAF_CHECK_NOT_EQUAL(port, 0);
  CAF_CHECK_EQUAL(server->port(), port);
}

CAF_TEST(a post with a foreign origin is rejected with 403) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body).set("Origin", "http://evil.example.com"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 403);
  CAF_CHECK(is_transport_error(*res, "Forbidden: Origin"));
  CAF_CHECK_EQUAL(p->seen_count(), 0u);
}

CAF_TEST(a post with a foreign host is rejected with 403) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body).set("Host", "evil.example.com"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 403);
  CAF_CHECK(is_transport_error(*res, "Forbidden: Host"));
  CAF_CHECK_EQUAL(p->seen_count(), 0u);
}

CAF_TEST(a post with localhost host and origin is served) {
  auto authority = "localhost:" + std::to_string(port);
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body)
                          .set("Host", authority)
                          .set("Origin", "http://" + authority));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
}

CAF_TEST(a connection beyond the connection bound gets 503 with retry after and the others keep serving) {
  http_options opts;
  opts.port = 0;
  opts.max_connections = 1;
  http_server bounded{sys, sup, opts};
  auto bound = bounded.start();
  CAF_REQUIRE(bound);
  test_client first{*bound};
  auto ok = first.exchange(post_request(*bound, init_body));
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->status, 200);
  test_client second{*bound};
  auto busy = second.exchange(post_request(*bound, init_body));
  CAF_REQUIRE(busy);
  CAF_CHECK_EQUAL(busy->status, 503);
  CAF_CHECK_EQUAL(busy->header("Retry-After"), "1");
  CAF_CHECK(is_transport_error(*busy, "Server busy: 1 connections are open"));
  CAF_CHECK(second.server_closed());
  // The open connection is still served, and a place freed is taken again.
  auto again = first.exchange(post_request(*bound, init_body));
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->status, 200);
  first.close();
  CAF_CHECK(eventually([&] {
    test_client third{*bound};
    auto r = third.exchange(post_request(*bound, init_body));
    return r && r->status == 200;
  }));
}

CAF_TEST(a request to another path gets 404) {
  test_client c{port};
  auto req = post_request(port, init_body);
  req.target = "/other";
  auto res = c.exchange(req);
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 404);
  CAF_CHECK(is_transport_error(*res, "Not Found"));
}

CAF_TEST(a put gets 405 with the allowed methods) {
  test_client c{port};
  auto req = post_request(port, init_body);
  req.method = "PUT";
  auto res = c.exchange(req);
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 405);
  CAF_CHECK_EQUAL(res->header("Allow"), "GET, POST, DELETE");
  CAF_CHECK(is_transport_error(*res, "Method Not Allowed"));
}

CAF_TEST(a post that accepts only json gets its answer as one json body) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body).set("Accept", "application/json"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
  CAF_CHECK_EQUAL(res->header("Content-Type"), "application/json");
  CAF_CHECK_EQUAL(res->body, R"({"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25"}})");
  auto sid = res->header("Mcp-Session-Id");
  CAF_REQUIRE(!sid.empty());
  CAF_CHECK(p->last_seen().method == "initialize");
  // The same keep-alive connection carries the next request.
  auto list = c.exchange(post_request(port, request_body(2, "tools/list"), sid)
                           .set("Accept", "application/json"));
  CAF_REQUIRE(list);
  CAF_CHECK_EQUAL(list->status, 200);
  CAF_CHECK_EQUAL(list->body, R"({"jsonrpc":"2.0","id":2,"result":{"method":"tools/list"}})");
}

CAF_TEST(a post that accepts neither json nor only event streams gets 406) {
  for (auto accept : {"text/event-stream", "text/html, */*"}) {
    test_client c{port};
    auto res = c.exchange(post_request(port, init_body).set("Accept", accept));
    CAF_REQUIRE(res);
    CAF_CHECK_EQUAL(res->status, 406);
    CAF_CHECK(is_transport_error(*res, "Not Acceptable"));
  }
  CAF_CHECK_EQUAL(p->seen_count(), 0u);
}

CAF_TEST(a post with a text body gets 415) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body).set("Content-Type", "text/plain"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 415);
  CAF_CHECK(is_transport_error(*res, "Unsupported Media Type"));
}

CAF_TEST(a post over the body limit gets 413 and the server keeps serving) {
  // Far more than the socket buffers hold: the client only gets to read the 413 if the
  // server drains the unread body instead of resetting the connection.
  test_client c{port};
  auto res = c.exchange(post_request(port, std::string(8 << 20, ' ') + init_body));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 413);
  CAF_CHECK(is_transport_error(*res, "Payload Too Large"));
  CAF_CHECK(!res->keep_alive);
  CAF_CHECK(c.server_closed());
  CAF_CHECK(!open_session().empty());
}

CAF_TEST(a chunked post over the body limit gets 413) {
  auto authority = "127.0.0.1:" + std::to_string(port);
  std::string chunk(48 * 1024, ' ');
  std::ostringstream chunk_size;
  chunk_size << std::hex << chunk.size();
  std::string raw = "POST /mcp HTTP/1.1\r\nHost: " + authority
                    + "\r\nContent-Type: application/json\r\n"
                      "Accept: application/json, text/event-stream\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 2; ++i)
    raw += chunk_size.str() + "\r\n" + chunk + "\r\n";
  raw += "0\r\n\r\n";
  test_client c{port};
  CAF_REQUIRE(c.send_raw(raw));
  auto res = c.receive();
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 413);
  CAF_CHECK_EQUAL(p->seen_count(), 0u);
}

CAF_TEST(an unsupported protocol version on a session gets 400) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body, "s1", "1999-01-01"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 400);
  CAF_CHECK(is_transport_error(*res, "Bad Request: Unsupported protocol version"));
  CAF_CHECK_EQUAL(p->seen_count(), 0u);
}

CAF_TEST(an unparsable body gets 400 with the parse error) {
  test_client c{port};
  auto res = c.exchange(post_request(port, "{\"jsonrpc\":"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 400);
  CAF_CHECK(contains(res->body, R"("id":null)"));
  CAF_CHECK(contains(res->body, R"("code":-32700)"));
  // The connection stays usable after a rejected body.
  CAF_CHECK(res->keep_alive);
  auto next = c.exchange(post_request(port, init_body));
  CAF_REQUIRE(next);
  CAF_CHECK_EQUAL(next->status, 200);
}

CAF_TEST(a post without the session header is rejected with 400) {
  test_client c{port};
  auto res = c.exchange(post_request(port, request_body(2, "tools/list")));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 400);
  CAF_CHECK(is_transport_error(*res, "Bad Request: Mcp-Session-Id header is required"));
  CAF_CHECK_EQUAL(p->seen_count(), 0u);
}

CAF_TEST(an unknown session gets the supervisor 404) {
  test_client c{port};
  auto res = c.exchange(post_request(port, request_body(2, "tools/list"), "no-such-session"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 404);
  CAF_CHECK(contains(res->body, R"("code":-32001)"));
  CAF_CHECK_EQUAL(p->last_seen().session_id, "no-such-session");
}

CAF_TEST(a notification gets 202 with an empty body) {
  auto sid = open_session();
  CAF_REQUIRE(!sid.empty());
  test_client c{port};
  auto res = c.exchange(
    post_request(port, notification_body("notifications/initialized"), sid, "2025-11-25"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 202);
  CAF_CHECK(res->body.empty());
  CAF_CHECK_EQUAL(res->header("Content-Length"), "0");
  auto seen = p->last_seen();
  CAF_CHECK_EQUAL(seen.method, "notifications/initialized");
  CAF_CHECK_EQUAL(seen.protocol_version, "2025-11-25");
}

CAF_TEST(start reports an error when the port is taken) {
  http_options opts;
  opts.port = port;
  http_server second{sys, sup, opts};
  auto bound = second.start();
  CAF_REQUIRE(!bound);
  CAF_CHECK(contains(bound.error(), "bind"));
}

CAF_TEST_FIXTURE_SCOPE_END()

// Streams over the Streamable HTTP endpoint end to end: SSE framing, keep-alive and
// pipelining, GET and DELETE, peers that leave, concurrency, timeouts and shutdown.
#define CAF_SUITE transport.http
#include "caf/test/unit_test.hpp"

#include "tests/protocol/transport/http_fixture.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::test;
using namespace tmcp::transport;

namespace {

// A server of its own and a client that asked it for 16 MiB of events (more than the socket
// buffers hold) and reads none of them.
struct unread_flood {
  std::unique_ptr<http_server> server;
  uint16_t port = 0;
  std::string sid;
  std::unique_ptr<test_client> client;
};

unread_flood start_unread_flood(http_fixture& fx, http_options opts) {
  unread_flood f;
  opts.port = 0;
  f.server = std::make_unique<http_server>(fx.sys, fx.sup, opts);
  auto bound = f.server->start();
  CAF_REQUIRE(bound);
  f.port = *bound;
  f.sid = fx.open_session();
  f.client = std::make_unique<test_client>(f.port);
  CAF_REQUIRE(f.client->send(post_request(f.port, request_body(9, "test/flood"), f.sid)));
  CAF_REQUIRE(f.client->receive_header());
  CAF_REQUIRE(fx.p->wait_for([&] { return !fx.p->held.empty(); }));
  return f;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_streams, http_fixture)

CAF_TEST(pipelined requests are answered in order) {
  auto sid = open_session();
  auto frame = [&](const std::string& body) {
    return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
           + "\r\nContent-Type: application/json\r\n"
             "Accept: application/json, text/event-stream\r\nMcp-Session-Id: "
           + sid + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  test_client c{port};
  CAF_REQUIRE(c.send_raw(frame(request_body(21, "tools/list"))
                         + frame(notification_body("notifications/initialized"))
                         + frame(request_body(22, "ping"))));
  auto first = c.receive();
  auto second = c.receive();
  auto third = c.receive();
  CAF_REQUIRE(first && second && third);
  CAF_CHECK_EQUAL(first->status, 200);
  CAF_CHECK(contains(first->body, R"("id":21)"));
  CAF_CHECK_EQUAL(second->status, 202);
  CAF_CHECK_EQUAL(third->status, 200);
  CAF_CHECK(contains(third->body, R"("id":22)"));
}

CAF_TEST(initialize is answered with a primed sse stream and the session header) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
  CAF_CHECK_EQUAL(res->header("Content-Type"), "text/event-stream");
  CAF_CHECK_EQUAL(res->header("Cache-Control"), "no-cache");
  CAF_CHECK_EQUAL(res->header("X-Accel-Buffering"), "no");
  CAF_CHECK_EQUAL(res->header("Mcp-Session-Id"), "fake-session-1");
  CAF_CHECK(res->chunked);
  auto result = make_response("1", R"({"protocolVersion":"2025-11-25"})");
  CAF_CHECK_EQUAL(res->body, "id: fake-session-1-0\nretry: 1500\ndata: \n\n"
                             "event: message\nid: fake-session-1-1\ndata: "
                               + result + "\n\n");
  auto seen = p->last_seen();
  CAF_CHECK(seen.verb == inbound_verb::post);
  CAF_CHECK(seen.session_id.empty());
  CAF_CHECK(seen.protocol_version.empty());
}

CAF_TEST(a keep alive connection serves the next request after an sse stream) {
  test_client c{port};
  auto init = c.exchange(post_request(port, init_body));
  CAF_REQUIRE(init);
  CAF_CHECK_EQUAL(init->status, 200);
  CAF_CHECK(init->keep_alive);
  auto sid = init->header("Mcp-Session-Id");
  auto note = c.exchange(
    post_request(port, notification_body("notifications/initialized"), sid, "2025-11-25"));
  CAF_REQUIRE(note);
  CAF_CHECK_EQUAL(note->status, 202);
  auto list = c.exchange(post_request(port, request_body(2, "tools/list"), sid, "2025-11-25"));
  CAF_REQUIRE(list);
  CAF_CHECK_EQUAL(list->status, 200);
  CAF_CHECK(contains(list->body, "event: message\nid: e-1\ndata: "
                                   + make_response("2", R"({"method":"tools/list"})")));
  CAF_CHECK_EQUAL(p->seen_count(), 3u);
}

CAF_TEST(a get opens the session stream and forwards last event id) {
  auto sid = open_session();
  test_client c{port};
  auto res = c.exchange(stream_request(port, "GET", sid).set("Last-Event-ID", "ev-41"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
  CAF_CHECK_EQUAL(res->header("Content-Type"), "text/event-stream");
  CAF_CHECK(contains(res->body, "id: g-1\n"));
  CAF_CHECK(contains(res->body, "id: g-3\ndata: {\"jsonrpc\":\"2.0\""));
  auto seen = p->last_seen();
  CAF_CHECK(seen.verb == inbound_verb::get);
  CAF_CHECK_EQUAL(seen.last_event_id, "ev-41");
}

CAF_TEST(a get without event stream accept gets 406 and without session gets 400) {
  auto sid = open_session();
  test_client c{port};
  auto res = c.exchange(stream_request(port, "GET", sid).set("Accept", "application/json"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 406);
  // Without a session id GET and DELETE are a stateless (2026-07-28) client's: 405.
  res = c.exchange(stream_request(port, "GET", ""));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 405);
  res = c.exchange(stream_request(port, "DELETE", ""));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 405);
  // A legacy client that names its version still learns what it forgot.
  res = c.exchange(stream_request(port, "GET", "").set("MCP-Protocol-Version", "2025-11-25"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 400);
  CAF_CHECK(is_transport_error(*res, "Bad Request: Mcp-Session-Id header is required"));
}

CAF_TEST(a delete ends the session and later posts get 404) {
  auto sid = open_session();
  test_client c{port};
  auto res = c.exchange(stream_request(port, "DELETE", sid));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
  CAF_CHECK(p->last_seen().verb == inbound_verb::del);
  res = c.exchange(post_request(port, request_body(3, "tools/list"), sid));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 404);
}

CAF_TEST(a sink dropped without an answer yields 500) {
  auto sid = open_session();
  test_client c{port};
  auto res = c.exchange(post_request(port, request_body(4, "test/drop"), sid));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 500);
  CAF_CHECK(is_transport_error(*res, "Internal Server Error"));
}

CAF_TEST(a respond after open ends the stream instead of leaving it open) {
  auto sid = open_session();
  test_client c{port};
  auto res = c.exchange(post_request(port, request_body(8, "test/misuse"), sid));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
  CAF_CHECK_EQUAL(res->body, "id: m-0\ndata: \n\n");
  // And the connection goes on.
  res = c.exchange(post_request(port, request_body(9, "tools/list"), sid));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
}

CAF_TEST(a client that leaves mid stream marks the sink disconnected) {
  auto sid = open_session();
  {
    test_client c{port};
    CAF_REQUIRE(c.send(post_request(port, request_body(5, "test/hold"), sid)));
    auto head = c.receive_header();
    CAF_REQUIRE(head);
    CAF_CHECK_EQUAL(head->status, 200);
    CAF_CHECK(c.read_body_until("id: hold-0\ndata: \n\n"));
    auto sink = p->held_sink(0);
    CAF_REQUIRE(sink);
    CAF_CHECK(sink->connected());
    c.close();
    CAF_CHECK(eventually([&] { return !sink->connected(); }));
    // Writing to a gone stream is a harmless no-op.
    sink->event("hold-1", request_body(5, "late"));
    sink->close();
  }
  test_client c{port};
  auto res = c.exchange(post_request(port, request_body(6, "tools/list"), sid));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
}

CAF_TEST(three concurrent post streams are served in parallel) {
  auto sid = open_session();
  CAF_REQUIRE(!sid.empty());
  // The fake answers only once all three are in: a server that serialized them would time out.
  std::vector<std::optional<test::test_response>> results(3);
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i)
    clients.emplace_back([&, i] {
      test_client c{port};
      results[i]
        = c.exchange(post_request(port, request_body(10 + i, "test/wait3"), sid, "2025-03-26"));
    });
  for (auto& t : clients)
    t.join();
  for (int i = 0; i < 3; ++i) {
    CAF_REQUIRE(results[i]);
    CAF_CHECK_EQUAL(results[i]->status, 200);
    CAF_CHECK(contains(results[i]->body, "event: message\nid: w-"));
    CAF_CHECK(contains(results[i]->body, "\"id\":" + std::to_string(10 + i)));
  }
}

CAF_TEST(close all ends an open stream with its last chunk) {
  auto sid = open_session();
  test_client c{port};
  CAF_REQUIRE(c.send(post_request(port, request_body(7, "test/hold"), sid)));
  CAF_REQUIRE(c.receive_header());
  CAF_CHECK(c.read_body_until("data: \n\n"));
  server->close_all();
  auto body = c.read_body_to_end();
  CAF_REQUIRE(body);
  CAF_CHECK_EQUAL(*body, "id: hold-0\ndata: \n\n");
  CAF_CHECK(c.server_closed());
  CAF_CHECK(!p->held_sink(0)->connected());
  server->join();
  test_client late{port, 1s};
  CAF_CHECK(!late.connected());
}

CAF_TEST(close all cuts off a client that stopped reading) {
  http_options opts;
  opts.close_timeout = 300ms;
  opts.max_stream_buffer_bytes = 0; // only close_all may end the stream
  auto f = start_unread_flood(*this, opts);
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  f.server->close_all();
  f.server->join();
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - start, 3s);
  CAF_CHECK(!p->held_sink(0)->connected());
}

CAF_TEST(a stream whose client stopped reading is dropped at the buffer bound and the server keeps serving) {
  http_options opts;
  opts.max_stream_buffer_bytes = 1 << 20;
  auto f = start_unread_flood(*this, opts);
  // The server drops the stream rather than hold 16 MiB for it.
  CAF_CHECK(eventually([&] { return !p->held_sink(0)->connected(); }));
  test_client next{f.port};
  auto res = next.exchange(post_request(f.port, request_body(10, "tools/list"), f.sid));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
}

CAF_TEST(an idle keep alive connection is closed after the idle timeout) {
  http_options opts;
  opts.port = 0;
  opts.idle_timeout = 1s;
  http_server short_lived{sys, sup, opts};
  auto bound = short_lived.start();
  CAF_REQUIRE(bound);
  test_client c{*bound, 4s};
  auto res = c.exchange(post_request(*bound, init_body));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 200);
  auto start = std::chrono::steady_clock::now();
  CAF_CHECK(c.server_closed());
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - start, 3s);
}

CAF_TEST_FIXTURE_SCOPE_END()

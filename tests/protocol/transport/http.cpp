// The Streamable HTTP server end to end: a real Beast client on loopback against
// http_server on an ephemeral port, with a fake session supervisor behind it.
#define CAF_SUITE transport.http
#include "caf/test/unit_test.hpp"

#include <sstream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "protocol/json_rpc.hpp"
#include "protocol/transport/http_server.hpp"
#include "tests/protocol/transport/fake_supervisor.hpp"
#include "tests/protocol/transport/test_client.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::transport;
using tmcp::test::post_request;
using tmcp::test::stream_request;
using tmcp::test::test_client;

namespace {

const std::string init_body
  = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":)"
    R"("2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}})";

std::string request_body(int id, const std::string& method) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + "\"}";
}

std::string notification_body(const std::string& method) {
  return R"({"jsonrpc":"2.0","method":")" + method + "\"}";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool is_transport_error(const test::test_response& r, const std::string& prefix) {
  return r.header("Content-Type") == "application/json"
         && contains(r.body, R"({"jsonrpc":"2.0","id":null,"error":{"code":-32000,)")
         && contains(r.body, R"("message":")" + prefix);
}

// Polls a condition another thread makes true.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

caf::actor_system_config& small_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{small_config(cfg)};
  std::shared_ptr<test::probe> p = std::make_shared<test::probe>();
  actors::session_supervisor_actor sup = test::spawn_fake_supervisor(sys, p);
  std::unique_ptr<http_server> server;
  uint16_t port = 0;

  fixture() {
    http_options opts;
    opts.port = 0;
    opts.max_body_bytes = 64 * 1024;
    opts.idle_timeout = 10s;
    server = std::make_unique<http_server>(sys, sup, opts);
    auto bound = server->start();
    if (bound)
      port = *bound;
  }

  ~fixture() {
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

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_tests, fixture)

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

CAF_TEST(a post that does not accept event streams gets 406) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body).set("Accept", "application/json"));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 406);
  CAF_CHECK(is_transport_error(*res, "Not Acceptable"));
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

CAF_TEST(an unsupported protocol version gets 400) {
  test_client c{port};
  auto res = c.exchange(post_request(port, init_body, "", "1999-01-01"));
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
  res = c.exchange(stream_request(port, "GET", ""));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 400);
  CAF_CHECK(is_transport_error(*res, "Bad Request: Mcp-Session-Id header is required"));
  res = c.exchange(stream_request(port, "DELETE", ""));
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->status, 400);
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
  opts.port = 0;
  opts.close_timeout = 300ms;
  auto stuck_server = std::make_unique<http_server>(sys, sup, opts);
  auto bound = stuck_server->start();
  CAF_REQUIRE(bound);
  auto sid = open_session();
  test_client c{*bound};
  CAF_REQUIRE(c.send(post_request(*bound, request_body(9, "test/flood"), sid)));
  CAF_REQUIRE(c.receive_header());
  // 16 MiB cannot fit in the socket buffers of a client that reads nothing more.
  CAF_REQUIRE(p->wait_for([&] { return !p->held.empty(); }));
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  stuck_server->close_all();
  stuck_server->join();
  CAF_CHECK_LESS(std::chrono::steady_clock::now() - start, 3s);
  CAF_CHECK(!p->held_sink(0)->connected());
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

CAF_TEST(start reports an error when the port is taken) {
  http_options opts;
  opts.port = port;
  http_server second{sys, sup, opts};
  auto bound = second.start();
  CAF_REQUIRE(!bound);
  CAF_CHECK(contains(bound.error(), "bind"));
}

CAF_TEST_FIXTURE_SCOPE_END()

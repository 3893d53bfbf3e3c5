// The pooled HTTP client against a scriptable loopback server: keep-alive reuse, the pool
// bound, headers, rate-limit headers, deadlines, stale-connection retries, refused connections,
// the base URL's path prefix, TLS (a self-signed certificate made at test time), shutdown.
#define CAF_SUITE integration.http_client
#include "caf/test/unit_test.hpp"

#include <future>
#include <optional>

#include "integration/http_client.hpp"
#include "integration/http_url.hpp"
#include "tests/integration/support/test_cert.hpp"
#include "tests/integration/support/http_client_fixture.hpp"
#include "tests/integration/support/test_server.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::twenty;
using tmcp::test::reply;
using tmcp::test::seen_request;
using tmcp::test::test_server;

using namespace tmcp::test::http;


CAF_TEST(base urls parse with default ports and path prefixes) {
  auto a = parse_base_url("https://crm.example.com/twenty/");
  CAF_REQUIRE(a.has_value());
  CAF_CHECK(a->tls);
  CAF_CHECK_EQUAL(a->host, "crm.example.com");
  CAF_CHECK_EQUAL(a->port, "443");
  CAF_CHECK_EQUAL(a->prefix, "/twenty");
  CAF_CHECK_EQUAL(a->host_header, "crm.example.com");
  auto b = parse_base_url("http://127.0.0.1:3000");
  CAF_REQUIRE(b.has_value());
  CAF_CHECK(!b->tls);
  CAF_CHECK_EQUAL(b->port, "3000");
  CAF_CHECK_EQUAL(b->prefix, "");
  CAF_CHECK_EQUAL(b->host_header, "127.0.0.1:3000");
  auto c = parse_base_url("http://[::1]:8080/x");
  CAF_REQUIRE(c.has_value());
  CAF_CHECK_EQUAL(c->host, "::1");
  CAF_CHECK_EQUAL(c->host_header, "[::1]:8080");
  CAF_CHECK(!parse_base_url("ftp://x").has_value());
  CAF_CHECK(!parse_base_url("http://").has_value());
  CAF_CHECK(!parse_base_url("http://x:99999").has_value());
  CAF_CHECK(!parse_base_url("http://x/?a=1").has_value());
  CAF_CHECK(!http_client::create(client_options{}).has_value());
}

CAF_TEST(retry after accepts seconds and http dates) {
  auto now = std::chrono::system_clock::from_time_t(1445412480); // Wed, 21 Oct 2015 07:28:00
  CAF_CHECK_EQUAL(parse_retry_after(" 7 ", now).value_or(-1), 7);
  CAF_CHECK_EQUAL(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now).value_or(-1), 30);
  CAF_CHECK(!parse_retry_after("soon", now).has_value());
  CAF_CHECK(!parse_header_int("12x").has_value());
}

CAF_TEST(sequential requests reuse one keep alive connection) {
  test_server server{ok};
  auto client = make_client(server.url());
  for (int i = 0; i < 10; ++i) {
    auto o = call(*client, get("/rest/people?i=" + std::to_string(i)));
    CAF_REQUIRE(o.has_value());
    CAF_REQUIRE(o->has_value());
    CAF_CHECK_EQUAL((*o)->status, 200);
  }
  CAF_CHECK_EQUAL(server.accepted(), 1);
  auto s = client->get_stats();
  CAF_CHECK_EQUAL(s.requests, 10u);
  CAF_CHECK_EQUAL(s.connections_opened, 1u);
  CAF_CHECK_EQUAL(s.reused, 9u);
  CAF_CHECK_EQUAL(s.in_flight, 0u);
  CAF_CHECK_EQUAL(s.idle_connections, 1u);
}

CAF_TEST(concurrent requests beyond the pool bound wait and all complete) {
  test_server server{[](const seen_request&) {
    reply r;
    r.delay = 30ms;
    return r;
  }};
  auto client = make_client(server.url(), 3);
  constexpr int n = 20;
  std::vector<std::future<outcome>> results;
  std::atomic<int> calls{0};
  for (int i = 0; i < n; ++i) {
    auto p = std::make_shared<std::promise<outcome>>();
    results.push_back(p->get_future());
    client->send(get("/rest/companies"), [p, &calls](outcome o) {
      ++calls;
      p->set_value(std::move(o));
    });
  }
  CAF_CHECK(client->get_stats().queued > 0);
  int good = 0;
  for (auto& f : results)
    if (f.wait_for(10s) == std::future_status::ready && f.get().has_value())
      ++good;
  CAF_CHECK_EQUAL(good, n);
  CAF_CHECK_EQUAL(calls.load(), n);
  CAF_CHECK_EQUAL(server.accepted(), 3);
  CAF_CHECK(server.max_concurrent() <= 3);
  auto s = client->get_stats();
  CAF_CHECK_EQUAL(s.connections_opened, 3u);
  CAF_CHECK_EQUAL(s.queued, 0u);
  CAF_CHECK_EQUAL(s.reused, static_cast<uint64_t>(n - 3));
}

CAF_TEST(requests carry authorization content type accept host and user agent) {
  test_server server{ok};
  auto client = make_client(server.url());
  request post;
  post.method = verb::post;
  post.target = "/rest/people";
  post.body = R"({"name":{"firstName":"Ada"}})";
  post.idempotent = false;
  auto o = call(*client, post);
  CAF_REQUIRE(o && o->has_value());
  auto o2 = call(*client, get("/rest/people"));
  CAF_REQUIRE(o2 && o2->has_value());
  auto seen = server.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 2u);
  CAF_CHECK_EQUAL(seen[0].method, "POST");
  CAF_CHECK_EQUAL(seen[0].header("authorization"), "Bearer test-key");
  CAF_CHECK_EQUAL(seen[0].header("content-type"), "application/json");
  CAF_CHECK_EQUAL(seen[0].header("accept"), "application/json");
  CAF_CHECK_EQUAL(seen[0].header("user-agent"), "twenty-mcp-server/0.1");
  CAF_CHECK_EQUAL(seen[0].header("host"), "127.0.0.1:" + std::to_string(server.port()));
  CAF_CHECK_EQUAL(seen[0].body, post.body);
  CAF_CHECK_EQUAL(seen[1].method, "GET");
  CAF_CHECK_EQUAL(seen[1].header("authorization"), "Bearer test-key");
  CAF_CHECK(!seen[1].has_header("content-type"));
}

CAF_TEST(non 2xx answers are values with rate limit headers parsed) {
  test_server server{[](const seen_request&) {
    reply r;
    r.status = 429;
    r.body = R"({"statusCode":429,"error":"RATE_LIMITED","messages":["slow"]})";
    r.headers = {{"Retry-After", "7"},
                 {"X-RateLimit-Limit", "100"},
                 {"X-RateLimit-Remaining", "0"},
                 {"X-RateLimit-Reset", "1760000000"}};
    return r;
  }};
  auto client = make_client(server.url());
  auto o = call(*client, get("/rest/people"));
  CAF_REQUIRE(o && o->has_value());
  auto& r = **o;
  CAF_CHECK_EQUAL(r.status, 429);
  CAF_CHECK(contains(r.body, "RATE_LIMITED"));
  CAF_CHECK_EQUAL(r.retry_after_seconds.value_or(-1), 7);
  CAF_CHECK_EQUAL(r.ratelimit_limit.value_or(-1), 100);
  CAF_CHECK_EQUAL(r.ratelimit_remaining.value_or(-1), 0);
  CAF_CHECK_EQUAL(r.ratelimit_reset_epoch.value_or(-1), 1760000000LL);
  CAF_CHECK_EQUAL(client->get_stats().network_errors, 0u);
}

CAF_TEST(a stalled server gives a deadline network error) {
  test_server server{[](const seen_request&) { return reply::of(reply::stall); }};
  auto client = make_client(server.url());
  auto start = std::chrono::steady_clock::now();
  auto o = call(*client, get("/rest/people", 300ms));
  auto took = std::chrono::steady_clock::now() - start;
  CAF_REQUIRE(o.has_value());
  CAF_REQUIRE(!o->has_value());
  CAF_CHECK(o->error().code == errc::network_error);
  CAF_CHECK(contains(o->error().message, "timed out after 300 ms"));
  CAF_CHECK(took >= 290ms);
  CAF_CHECK(took < 3s);
  CAF_CHECK_EQUAL(client->get_stats().timeouts, 1u);
  CAF_CHECK_EQUAL(client->get_stats().open_connections, 0u);
}

CAF_TEST(a request queued behind a stalled one times out waiting for a connection) {
  test_server server{[](const seen_request&) { return reply::of(reply::stall); }};
  auto client = make_client(server.url(), 1);
  std::promise<outcome> first;
  auto first_done = first.get_future();
  client->send(get("/rest/a", 5000ms), [&first](outcome o) { first.set_value(std::move(o)); });
  auto o = call(*client, get("/rest/b", 200ms));
  CAF_REQUIRE(o && !o->has_value());
  CAF_CHECK(contains(o->error().message, "timed out after 200 ms waiting for a free connection"));
  CAF_CHECK_EQUAL(server.accepted(), 1);
  client->shutdown(); // fails the stalled request instead of waiting 5 s
  CAF_REQUIRE(first_done.wait_for(3s) == std::future_status::ready);
  auto f = first_done.get();
  CAF_CHECK(!f.has_value());
}

CAF_TEST(an idle connection the server closed is replaced before sending even a create) {
  test_server server{[](const seen_request&) {
    reply r;
    r.close_silently_after = true;
    return r;
  }};
  auto client = make_client(server.url());
  auto first = call(*client, get("/rest/people"));
  CAF_REQUIRE(first && first->has_value());
  CAF_REQUIRE(eventually([&] { return server.closed() == 1; }));
  request create;
  create.method = verb::post;
  create.target = "/rest/people";
  create.body = "{}";
  create.idempotent = false;
  auto second = call(*client, create);
  CAF_REQUIRE(second.has_value());
  CAF_REQUIRE(second->has_value());
  CAF_CHECK_EQUAL((*second)->status, 200);
  CAF_CHECK_EQUAL(server.accepted(), 2);
  CAF_CHECK_EQUAL(server.requests().size(), 2u);
  auto s = client->get_stats();
  CAF_CHECK_EQUAL(s.stale_replaced, 1u);
  CAF_CHECK_EQUAL(s.retries, 0u);
  CAF_CHECK_EQUAL(s.connections_opened, 2u);
}


CAF_TEST(a refused connection is a network error) {
  uint16_t port = 0;
  {
    test_server gone{ok};
    port = gone.port();
  }
  auto client = make_client("http://127.0.0.1:" + std::to_string(port));
  auto o = call(*client, get("/rest/people"));
  CAF_REQUIRE(o && !o->has_value());
  CAF_CHECK(o->error().code == errc::network_error);
  CAF_CHECK_EQUAL(o->error().http_status, 0);
  CAF_CHECK(contains(o->error().message, "Could not connect"));
  CAF_CHECK_EQUAL(client->get_stats().network_errors, 1u);
  CAF_CHECK_EQUAL(client->get_stats().open_connections, 0u);
}

CAF_TEST(the path prefix of the base url is kept) {
  test_server server{ok};
  auto client = make_client(server.url("/twenty/"));
  auto o = call(*client, get("/rest/people?limit=1"));
  CAF_REQUIRE(o && o->has_value());
  auto seen = server.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 1u);
  CAF_CHECK_EQUAL(seen[0].target, "/twenty/rest/people?limit=1");
}

CAF_TEST(an https url to a plain http port fails cleanly with a network error) {
  test_server server{ok};
  auto client = make_client("https://127.0.0.1:" + std::to_string(server.port()));
  auto o = call(*client, get("/rest/people", 3000ms));
  CAF_REQUIRE(o && !o->has_value());
  CAF_CHECK(o->error().code == errc::network_error);
  CAF_CHECK(contains(o->error().message, "TLS"));
  CAF_CHECK(server.requests().empty());
}

CAF_TEST(idle connections are closed after the idle timeout) {
  test_server server{ok};
  client_options o;
  o.base_url = server.url();
  o.idle_timeout = 1s;
  auto client = *http_client::create(o);
  auto r = call(*client, get("/rest/people"));
  CAF_REQUIRE(r && r->has_value());
  CAF_CHECK_EQUAL(client->get_stats().idle_connections, 1u);
  CAF_CHECK(eventually([&] { return client->get_stats().open_connections == 0; }, 4s));
  CAF_CHECK(eventually([&] { return server.closed() == 1; }));
  auto again = call(*client, get("/rest/people"));
  CAF_REQUIRE(again && again->has_value());
  CAF_CHECK_EQUAL(server.accepted(), 2);
  CAF_CHECK_EQUAL(client->get_stats().retries, 0u);
}

CAF_TEST(after shutdown send fails at once and callbacks run exactly once) {
  test_server server{[](const seen_request&) { return reply::of(reply::stall); }};
  auto client = make_client(server.url(), 2);
  std::atomic<int> calls{0};
  std::atomic<int> errors{0};
  for (int i = 0; i < 5; ++i)
    client->send(get("/rest/x", 10000ms), [&](outcome o) {
      ++calls;
      if (!o)
        ++errors;
    });
  CAF_REQUIRE(eventually([&] { return server.requests().size() == 2; }));
  auto start = std::chrono::steady_clock::now();
  client->shutdown();
  CAF_CHECK(std::chrono::steady_clock::now() - start < 2s);
  CAF_CHECK_EQUAL(calls.load(), 5);
  CAF_CHECK_EQUAL(errors.load(), 5);
  auto late = call(*client, get("/rest/x"));
  CAF_REQUIRE(late && !late->has_value());
  CAF_CHECK(contains(late->error().message, "shut down"));
  CAF_CHECK_EQUAL(calls.load(), 5);
}

CAF_TEST(several io threads serve many concurrent requests) {
  test_server server{ok};
  client_options o;
  o.base_url = server.url();
  o.io_threads = 2;
  o.max_connections = 4;
  auto client = *http_client::create(o);
  constexpr int n = 200;
  std::atomic<int> good{0}, calls{0};
  std::promise<void> all;
  for (int i = 0; i < n; ++i)
    client->send(get("/rest/x"), [&](outcome r) {
      if (r && r->status == 200)
        ++good;
      if (++calls == n)
        all.set_value();
    });
  CAF_REQUIRE(all.get_future().wait_for(20s) == std::future_status::ready);
  CAF_CHECK_EQUAL(good.load(), n);
  CAF_CHECK(server.accepted() <= 4);
  CAF_CHECK(client->get_stats().connections_opened <= 4u);
}

CAF_TEST(https with a trusted certificate sends sni and reuses the tls connection) {
  test::test_cert cert;
  CAF_REQUIRE(cert.ok);
  test_server server{ok, cert.cert_file, cert.key_file};
  client_options o;
  o.base_url = "https://localhost:" + std::to_string(server.port()) + "/crm";
  o.ca_file = cert.cert_file;
  auto created = http_client::create(o);
  CAF_REQUIRE(created.has_value());
  auto client = *created;
  for (int i = 0; i < 3; ++i) {
    auto r = call(*client, get("/rest/people"));
    CAF_REQUIRE(r.has_value());
    CAF_REQUIRE(r->has_value());
    CAF_CHECK_EQUAL((*r)->status, 200);
  }
  CAF_CHECK_EQUAL(server.accepted(), 1);
  CAF_CHECK_EQUAL(server.sni(), "localhost");
  auto seen = server.requests();
  CAF_REQUIRE_EQUAL(seen.size(), 3u);
  CAF_CHECK_EQUAL(seen[0].target, "/crm/rest/people");
  CAF_CHECK_EQUAL(seen[0].header("host"), "localhost:" + std::to_string(server.port()));
}

CAF_TEST(https rejects an untrusted certificate and a host name mismatch) {
  test::test_cert cert;
  CAF_REQUIRE(cert.ok);
  test_server server{ok, cert.cert_file, cert.key_file};
  auto port = std::to_string(server.port());
  client_options untrusted;
  untrusted.base_url = "https://localhost:" + port;
  auto a = call(**http_client::create(untrusted), get("/rest/people"));
  CAF_REQUIRE(a && !a->has_value());
  CAF_CHECK(a->error().code == errc::network_error);
  CAF_CHECK(contains(a->error().message, "TLS"));
  CAF_CHECK(contains(a->error().message, "verify failed"));
  // The certificate names only "localhost", so 127.0.0.1 must fail host name verification.
  client_options mismatch;
  mismatch.base_url = "https://127.0.0.1:" + port;
  mismatch.ca_file = cert.cert_file;
  auto b = call(**http_client::create(mismatch), get("/rest/people"));
  CAF_REQUIRE(b && !b->has_value());
  CAF_CHECK(contains(b->error().message, "verify failed"));
  CAF_CHECK(server.requests().empty());
  // Without verification the same server is reachable.
  client_options insecure = mismatch;
  insecure.verify_tls = false;
  auto c = call(**http_client::create(insecure), get("/rest/people"));
  CAF_REQUIRE(c && c->has_value());
  CAF_CHECK_EQUAL((*c)->status, 200);
  client_options missing_ca = mismatch;
  missing_ca.ca_file = "/nonexistent/ca.pem";
  CAF_CHECK(!http_client::create(missing_ca).has_value());
}

#define CAF_SUITE standin.http
#include "caf/test/unit_test.hpp"

#include "http_server.hpp"
#include "support.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/hmac.h>

#include <atomic>
#include <thread>

using namespace standin;
using namespace standin::test;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// A blocking keep-alive client on one connection.
struct client {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  explicit client(std::uint16_t port) { stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port)); }

  // Returns false when the connection failed or timed out.
  bool send(const std::string& method, const std::string& target, http::response<http::string_body>& res,
            const std::string& key = demo_key, const std::string& body = "",
            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!key.empty()) req.set(http::field::authorization, "Bearer " + key);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    stream.expires_after(timeout);
    http::write(stream, req, ec);
    if (ec) return false;
    res = {};
    http::read(stream, buffer, res, ec);
    return !ec;
  }
};

// A loopback webhook receiver: accepts connections, records requests, answers `status`.
struct receiver {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::vector<http::request<http::string_body>> got;
  std::mutex mu;
  std::atomic<int> status{200};
  std::thread thread;
  std::atomic<bool> stop{false};

  receiver() {
    thread = std::thread([this] {
      while (!stop) {
        beast::error_code ec;
        tcp::socket s(ioc);
        acceptor.accept(s, ec);
        if (ec || stop) return;
        beast::flat_buffer buf;
        http::request<http::string_body> req;
        http::read(s, buf, req, ec);
        if (ec) continue;
        {
          std::lock_guard<std::mutex> lock(mu);
          got.push_back(req);
        }
        http::response<http::string_body> res{static_cast<http::status>(status.load()), 11};
        res.body() = "ok";
        res.prepare_payload();
        http::write(s, res, ec);
      }
    });
  }
  ~receiver() {
    stop = true;
    beast::error_code ec;
    net::io_context tmp;  // wake the blocking accept
    tcp::socket poke(tmp);
    poke.connect(acceptor.local_endpoint(), ec);
    thread.join();
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  std::size_t count() { std::lock_guard<std::mutex> lock(mu); return got.size(); }
  bool wait_for(std::size_t n) {
    for (int i = 0; i < 300 && count() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return count() >= n;
  }
};

struct server_fixture {
  std::unique_ptr<app> a;
  std::unique_ptr<http_server> srv;
  server_fixture() {
    app_config cfg;
    cfg.rate.short_bucket = {true, 5, 1000};
    cfg.rate.long_bucket.enabled = false;
    a = std::make_unique<app>(cfg);
    server_settings s;
    s.webhook_backoff_ms = 20;
    srv = std::make_unique<http_server>(*a, s);
    std::string err;
    if (!srv->start(&err)) CAF_FAIL("server did not start: " << err);
  }
  ~server_fixture() { srv->stop(); }
  std::uint16_t port() const { return srv->port(); }
};

std::string hmac_hex(const std::string& key, const std::string& msg) {
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), mac, &len);
  std::string out;
  char b[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(b, sizeof b, "%02x", mac[i]);
    out += b;
  }
  return out;
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(http_tests, server_fixture)

CAF_TEST(auth failures have twenty status codes and bodies over http) {
  client c(port());
  http::response<http::string_body> res;
  CAF_REQUIRE(c.send("GET", "/rest/companies", res, ""));
  CAF_CHECK_EQUAL(res.result_int(), 403u);
  CAF_CHECK_EQUAL(res.body(), R"({"statusCode":403,"messages":["Missing authentication token"],"error":"FORBIDDEN_EXCEPTION"})");
  CAF_REQUIRE(c.send("GET", "/rest/companies", res, "nope"));
  CAF_CHECK_EQUAL(res.result_int(), 401u);
  CAF_CHECK_EQUAL(res.body(), R"({"statusCode":401,"messages":["Token invalid."],"error":"UNAUTHENTICATED"})");
  CAF_REQUIRE(c.send("POST", "/graphql", res, "nope", R"({"query":"{ companies { totalCount } }"})"));
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  CAF_CHECK(res.body().find("\"code\":\"UNAUTHENTICATED\"") != std::string::npos);
}

CAF_TEST(one keep alive connection serves many requests and the 429 headers) {
  client c(port());
  http::response<http::string_body> res;
  for (int i = 0; i < 5; ++i) {
    CAF_REQUIRE(c.send("GET", "/rest/people?limit=1", res));
    CAF_CHECK_EQUAL(res.result_int(), 200u);
    CAF_CHECK(res.keep_alive());
  }
  CAF_REQUIRE(c.send("GET", "/rest/people?limit=1", res));
  CAF_CHECK_EQUAL(res.result_int(), 429u);
  CAF_CHECK_EQUAL(std::string(res[http::field::retry_after]), "1");
  CAF_CHECK_EQUAL(std::string(res["X-RateLimit-Limit"]), "5");
  CAF_CHECK_EQUAL(std::string(res["X-RateLimit-Remaining"]), "0");
  CAF_CHECK(!std::string(res["X-RateLimit-Reset"]).empty());
  CAF_CHECK(res.body().find("\"error\":\"RATE_LIMITED\"") != std::string::npos);
  CAF_REQUIRE(c.send("GET", "/_standin/stats", res, ""));
  CAF_CHECK(res.body().find("\"rateLimited\":1") != std::string::npos);
}

CAF_TEST(webhooks reach a loopback receiver with a verifiable signature) {
  receiver rx;
  client c(port());
  http::response<http::string_body> res;
  CAF_REQUIRE(c.send("POST", "/rest/metadata/webhooks", res, demo_key,
                     "{\"targetUrl\":\"http://127.0.0.1:" + std::to_string(rx.port()) + "/hook\",\"operations\":[\"person.*\"],\"secret\":\"shh\"}"));
  CAF_CHECK_EQUAL(res.result_int(), 201u);
  CAF_REQUIRE(c.send("POST", "/rest/people", res, demo_key, R"({"jobTitle":"Webhook test"})"));
  CAF_CHECK_EQUAL(res.result_int(), 201u);
  CAF_REQUIRE(rx.wait_for(1));
  auto req = rx.got[0];
  CAF_CHECK_EQUAL(std::string(req.target()), "/hook");
  CAF_CHECK_EQUAL(std::string(req[http::field::content_type]), "application/json");
  std::string ts(req["X-Twenty-Webhook-Timestamp"]);
  std::string sig(req["X-Twenty-Webhook-Signature"]);
  std::string nonce(req["X-Twenty-Webhook-Nonce"]);
  CAF_CHECK_EQUAL(sig, hmac_hex("shh", ts + ":" + req.body()));
  CAF_CHECK_EQUAL(nonce.size(), 32u);
  CAF_CHECK(std::llabs(std::stoll(ts) - wall_clock_ms()) < 60000);
  CAF_CHECK(req.body().find("\"eventName\":\"person.created\"") != std::string::npos);
}

CAF_TEST(a failing receiver is retried three times) {
  receiver rx;
  rx.status = 500;
  client c(port());
  http::response<http::string_body> res;
  CAF_REQUIRE(c.send("POST", "/rest/metadata/webhooks", res, demo_key,
                     "{\"targetUrl\":\"http://127.0.0.1:" + std::to_string(rx.port()) + "/h\",\"operations\":[\"*.*\"]}"));
  CAF_REQUIRE(c.send("POST", "/rest/notes", res, demo_key, R"({"title":"retry"})"));
  CAF_REQUIRE(rx.wait_for(4));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CAF_CHECK_EQUAL(rx.count(), 4u);  // the first attempt plus 3 retries
  CAF_CHECK(rx.got[0]["X-Twenty-Webhook-Signature"].empty());  // no secret, no signature
  CAF_REQUIRE(c.send("GET", "/_standin/stats", res, ""));
  CAF_CHECK(res.body().find("\"failed\":1") != std::string::npos);
}

CAF_TEST(reset and stall faults reach the client as transport failures) {
  client admin(port());
  http::response<http::string_body> res;
  CAF_REQUIRE(admin.send("POST", "/_standin/faults", res, "", R"({"rate":1,"weights":{"5xx":0,"reset":1,"stall":0}})"));
  {
    client c(port());
    CAF_CHECK(!c.send("GET", "/rest/people", res));
  }
  CAF_REQUIRE(admin.send("POST", "/_standin/faults", res, "", R"({"rate":1,"stallMs":300,"weights":{"5xx":0,"reset":0,"stall":1}})"));
  {
    // A stall answers nothing for stallMs, then drops the connection.
    client c(port());
    auto t0 = std::chrono::steady_clock::now();
    CAF_CHECK(!c.send("GET", "/rest/people", res));
    CAF_CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(300));
  }
  CAF_REQUIRE(admin.send("POST", "/_standin/faults", res, "", R"({"rate":0,"latencyMs":120})"));
  {
    client c(port());
    auto t0 = std::chrono::steady_clock::now();
    CAF_REQUIRE(c.send("GET", "/rest/companies?limit=1", res));
    CAF_CHECK_EQUAL(res.result_int(), 200u);
    CAF_CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(120));
  }
  CAF_REQUIRE(admin.send("GET", "/_standin/stats", res, ""));
  CAF_CHECK(res.body().find("\"reset\":1") != std::string::npos);
  CAF_CHECK(res.body().find("\"stall\":1") != std::string::npos);
}

CAF_TEST(many concurrent connections are served) {
  client admin(port());
  http::response<http::string_body> res;
  CAF_REQUIRE(admin.send("POST", "/_standin/rate-limits", res, "", R"({"short":{"enabled":false}})"));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t)
    threads.emplace_back([&] {
      client c(port());
      http::response<http::string_body> r;
      for (int i = 0; i < 20; ++i)
        if (c.send("GET", "/rest/opportunities?limit=10", r) && r.result_int() == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  CAF_CHECK_EQUAL(ok.load(), 640);
}

CAF_TEST_FIXTURE_SCOPE_END()

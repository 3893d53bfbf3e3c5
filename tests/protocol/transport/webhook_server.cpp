// The webhook listener over loopback: deliveries reach the handler with their signing headers,
// answers come back whenever the handler gives them, oversized bodies get 413 unread, other
// paths and methods are refused, and an answer after stop() is harmless.
#define CAF_SUITE transport.webhooks
#include "caf/test/unit_test.hpp"

#include <mutex>
#include <thread>

#include "tests/protocol/transport/test_client.hpp"
#include "protocol/transport/webhook_server.hpp"

using namespace tmcp;
using namespace tmcp::test;
using namespace std::chrono_literals;

namespace {

struct fixture {
  std::mutex mtx;
  std::vector<webhook_delivery> received;
  // How the handler answers: at once (default) or kept for the test to answer.
  bool answer_now = true;
  std::unique_ptr<transport::webhook_server> server;
  uint16_t port = 0;

  fixture() {
    transport::webhook_options opts;
    opts.port = 0;
    opts.max_body_bytes = 2048;
    server = std::make_unique<transport::webhook_server>(opts, [this](webhook_delivery d) {
      std::lock_guard<std::mutex> guard(mtx);
      if (answer_now)
        d.respond(202, "{\"seen\":" + std::to_string(d.body.size()) + "}");
      received.push_back(std::move(d));
    });
    auto p = server->start();
    CAF_REQUIRE(p.has_value());
    port = *p;
  }

  test_request delivery(std::string body) {
    test_request r;
    r.method = "POST";
    r.target = "/webhooks/twenty";
    r.headers = {{"Host", "127.0.0.1"},
                 {"Content-Type", "application/json"},
                 {"X-Twenty-Webhook-Timestamp", "1765000000000"},
                 {"X-Twenty-Webhook-Signature", "abc123"},
                 {"X-Twenty-Webhook-Nonce", "n-1"}};
    r.body = std::move(body);
    return r;
  }

  std::size_t count() {
    std::lock_guard<std::mutex> guard(mtx);
    return received.size();
  }

  // Sends one delivery the handler keeps unanswered; true once the handler has it.
  bool send_unanswered(test_client& c) {
    answer_now = false;
    if (!c.send(delivery("{}")))
      return false;
    for (int i = 0; i < 200 && count() == 0; ++i)
      std::this_thread::sleep_for(5ms);
    return count() == 1;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(webhook_server_tests, fixture)

CAF_TEST(a delivery reaches the handler with its headers and gets the answer it gives) {
  test_client c{port};
  auto res = c.exchange(delivery(R"({"eventName":"person.created"})"));
  CAF_REQUIRE(res.has_value());
  CAF_CHECK_EQUAL(res->status, 202);
  CAF_CHECK_EQUAL(res->body, "{\"seen\":30}");
  CAF_REQUIRE_EQUAL(count(), 1u);
  auto& d = received[0];
  CAF_CHECK_EQUAL(d.signing.timestamp, "1765000000000");
  CAF_CHECK_EQUAL(d.signing.signature, "abc123");
  CAF_CHECK_EQUAL(d.signing.nonce, "n-1");
  CAF_CHECK_EQUAL(d.body, R"({"eventName":"person.created"})");
  // Keep-alive: the same connection carries the next delivery.
  auto again = c.exchange(delivery("{}"));
  CAF_REQUIRE(again.has_value());
  CAF_CHECK_EQUAL(again->status, 202);
}

CAF_TEST(an answer given later from another thread reaches the client) {
  test_client c{port};
  CAF_REQUIRE(send_unanswered(c));
  std::thread([d = std::move(received[0])] { d.respond(200, "{\"ok\":true}"); }).join();
  auto res = c.receive();
  CAF_REQUIRE(res.has_value());
  CAF_CHECK_EQUAL(res->status, 200);
}

CAF_TEST(an oversized body gets 413 and never reaches the handler) {
  test_client c{port};
  auto res = c.exchange(delivery(std::string(4096, 'x')));
  CAF_REQUIRE(res.has_value());
  CAF_CHECK_EQUAL(res->status, 413);
  CAF_CHECK(res->body.find("2048 bytes") != std::string::npos);
  CAF_CHECK_EQUAL(count(), 0u);
}

CAF_TEST(another path is 404 and another method is 405) {
  test_client c{port};
  auto wrong_path = delivery("{}");
  wrong_path.target = "/mcp";
  auto res = c.exchange(wrong_path);
  CAF_REQUIRE(res.has_value());
  CAF_CHECK_EQUAL(res->status, 404);
  auto get = delivery("");
  get.method = "GET";
  res = c.exchange(get);
  CAF_REQUIRE(res.has_value());
  CAF_CHECK_EQUAL(res->status, 405);
  CAF_CHECK_EQUAL(res->header("Allow"), "POST");
  CAF_CHECK_EQUAL(count(), 0u);
}

CAF_TEST(an answer arriving after stop is dropped without harm) {
  test_client c{port};
  CAF_REQUIRE(send_unanswered(c));
  server->stop();
  received[0].respond(200, "late");
  server.reset();
  received[0].respond(200, "later");
  CAF_CHECK(c.server_closed());
}

CAF_TEST_FIXTURE_SCOPE_END()

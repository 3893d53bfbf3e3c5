// The pooled HTTP client's retry rules against a loopback server that drops connections:
// idempotent requests are retried once on a fresh connection, creates never.
#define CAF_SUITE integration.http_client_retries
#include "caf/test/unit_test.hpp"

#include "integration/http_client.hpp"
#include "tests/integration/support/http_client_fixture.hpp"
#include "tests/integration/support/test_server.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::twenty;
using namespace tmcp::test::http;
using tmcp::test::reply;
using tmcp::test::seen_request;
using tmcp::test::test_server;

namespace {

// Answers the first request of connection 1 and drops every other request unanswered.
reply drop_after_first(const seen_request& r, reply::kind how) {
  return r.connection == 1 && r.nth_on_connection == 1 ? reply{} : reply::of(how);
}

// Answers the first request of each connection and drops the second one unanswered.
reply drop_second(const seen_request& r, reply::kind how) {
  return r.nth_on_connection == 2 ? reply::of(how) : reply{};
}

} // namespace

CAF_TEST(a reused connection dropped by the server is retried once for an idempotent request) {
  for (auto how : {reply::close_without_answer, reply::reset_without_answer}) {
    test_server server{[how](const seen_request& r) { return drop_second(r, how); }};
    auto client = make_client(server.url());
    CAF_REQUIRE(call(*client, get("/rest/people")).value().has_value());
    auto second = call(*client, get("/rest/people"));
    CAF_REQUIRE(second.has_value());
    CAF_REQUIRE(second->has_value());
    CAF_CHECK_EQUAL((*second)->status, 200);
    CAF_CHECK_EQUAL(server.accepted(), 2);
    CAF_CHECK_EQUAL(server.requests().size(), 3u); // first, dropped, retried
    CAF_CHECK_EQUAL(client->get_stats().retries, 1u);
  }
}

CAF_TEST(a retry happens only once) {
  test_server server{
    [](const seen_request& r) { return drop_after_first(r, reply::close_without_answer); }};
  auto client = make_client(server.url());
  CAF_REQUIRE(call(*client, get("/rest/people")).value().has_value());
  auto second = call(*client, get("/rest/people"));
  CAF_REQUIRE(second.has_value());
  CAF_REQUIRE(!second->has_value());
  CAF_CHECK(second->error().code == errc::network_error);
  CAF_CHECK_EQUAL(server.requests().size(), 3u);
  CAF_CHECK_EQUAL(client->get_stats().retries, 1u);
}

CAF_TEST(a non idempotent request dropped on a reused connection is not retried) {
  test_server server{
    [](const seen_request& r) { return drop_second(r, reply::close_without_answer); }};
  auto client = make_client(server.url());
  CAF_REQUIRE(call(*client, get("/rest/people")).value().has_value());
  request create;
  create.method = verb::post;
  create.target = "/rest/people";
  create.body = "{}";
  create.idempotent = false;
  auto second = call(*client, create);
  CAF_REQUIRE(second.has_value());
  CAF_REQUIRE(!second->has_value());
  CAF_CHECK(second->error().code == errc::network_error);
  CAF_CHECK_EQUAL(client->get_stats().retries, 0u);
  CAF_CHECK_EQUAL(server.requests().size(), 2u);
}

CAF_TEST(a fresh connection that closes without answering is not retried) {
  test_server server{[](const seen_request&) { return reply::of(reply::close_without_answer); }};
  auto client = make_client(server.url());
  auto o = call(*client, get("/rest/people"));
  CAF_REQUIRE(o && !o->has_value());
  CAF_CHECK(o->error().code == errc::network_error);
  CAF_CHECK_EQUAL(server.accepted(), 1);
  CAF_CHECK_EQUAL(client->get_stats().retries, 0u);
}

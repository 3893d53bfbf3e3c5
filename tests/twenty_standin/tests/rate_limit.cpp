#define CAF_SUITE standin.rate_limit
#include "caf/test/unit_test.hpp"

#include "rate_limiter.hpp"
#include "support.hpp"

using namespace standin;
using namespace standin::test;

namespace {

struct limited_fixture {
  workspace ws{false, 0, true};  // Twenty's defaults: 100/1 s and 100/60 s
};

}  // namespace

CAF_TEST(the short bucket refuses the 101st request within a second) {
  rate_config only_short;
  only_short.long_bucket.enabled = false;
  rate_limiter lim(only_short);
  for (int i = 0; i < 100; ++i) CAF_CHECK(lim.consume("k", 1000).allowed);
  auto d = lim.consume("k", 1000);
  CAF_CHECK(!d.allowed);
  CAF_CHECK_EQUAL(d.limit, 100);
  CAF_CHECK_EQUAL(d.ttl_ms, 1000);
  CAF_CHECK_EQUAL(d.retry_after_s, 1);
  // Twenty milliseconds refill two tokens (100 per 1000 ms).
  CAF_CHECK(lim.consume("k", 1020).allowed);
  CAF_CHECK(lim.consume("k", 1020).allowed);
  CAF_CHECK(!lim.consume("k", 1020).allowed);
  // Keys have their own buckets.
  CAF_CHECK(lim.consume("other", 1020).allowed);
}

CAF_TEST(with both default buckets the long one binds after the first second) {
  rate_limiter lim;
  for (int i = 0; i < 100; ++i) CAF_CHECK(lim.consume("k", 0).allowed);
  CAF_CHECK_EQUAL(lim.consume("k", 0).ttl_ms, 1000);   // refused by the short bucket
  auto d = lim.consume("k", 1000);                     // short refilled, long has 1.67 tokens
  CAF_CHECK(d.allowed);
  auto refused = lim.consume("k", 1000);
  CAF_CHECK(!refused.allowed);
  CAF_CHECK_EQUAL(refused.ttl_ms, 60000);
}

CAF_TEST(the long bucket refuses once a minute worth is spent) {
  rate_config cfg;
  cfg.short_bucket.enabled = false;
  rate_limiter lim(cfg);
  for (int i = 0; i < 100; ++i) CAF_CHECK(lim.consume("k", 0).allowed);
  auto d = lim.consume("k", 0);
  CAF_CHECK(!d.allowed);
  CAF_CHECK_EQUAL(d.ttl_ms, 60000);
  CAF_CHECK_EQUAL(d.retry_after_s, 1);  // 600 ms per token
  CAF_CHECK(!lim.consume("k", 500).allowed);
  CAF_CHECK(lim.consume("k", 700).allowed);
}

CAF_TEST(switched off buckets never refuse) {
  rate_config cfg;
  cfg.short_bucket.enabled = cfg.long_bucket.enabled = false;
  rate_limiter lim(cfg);
  for (int i = 0; i < 1000; ++i) CAF_REQUIRE(lim.consume("k", 0).allowed);
}

CAF_TEST(configured limits replace the defaults) {
  rate_config cfg;
  cfg.short_bucket = {true, 3, 1000};
  cfg.long_bucket = {true, 5, 10000};
  rate_limiter lim(cfg);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += lim.consume("k", i * 400).allowed;
  // The long bucket (5 per 10 s) binds: 5 at once plus 0.5/s over 3.6 s gives a 6th token.
  CAF_CHECK_EQUAL(allowed, 6);
}

CAF_TEST_FIXTURE_SCOPE(limited_tests, limited_fixture)

CAF_TEST(a 429 has the newest body and rate limit headers) {
  for (int i = 0; i < 100; ++i) CAF_REQUIRE_EQUAL(ws.call("GET", "/rest/companies").status, 200);
  auto r = ws.call("GET", "/rest/companies");
  CAF_CHECK_EQUAL(r.status, 429);
  auto key_id = ws.a->api_key_id(demo_key);
  CAF_CHECK_EQUAL(r.body, "{\"statusCode\":429,\"error\":\"RATE_LIMITED\",\"messages\":[\"Limit reached (100 tokens per 1000 ms)\"],"
                          "\"limitKind\":\"speed\",\"scope\":{\"spenderType\":\"apiKey\",\"spenderId\":\"" + key_id +
                          "\",\"operationType\":\"read\"},\"limit\":100,\"remaining\":0,\"periodCount\":1,\"periodUnit\":\"second\","
                          "\"retryAfterSeconds\":1}");
  CAF_CHECK_EQUAL(r.header("Retry-After"), "1");
  CAF_CHECK_EQUAL(r.header("X-RateLimit-Limit"), "100");
  CAF_CHECK_EQUAL(r.header("X-RateLimit-Remaining"), "0");
  CAF_CHECK_EQUAL(r.header("X-RateLimit-Reset"), std::to_string(ws.now / 1000 + 1));
  ws.now += 1000;  // the short bucket refills; the long one (100/min) has 1.67 tokens
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies").status, 200);
  auto again = ws.call("GET", "/rest/companies");
  CAF_CHECK_EQUAL(again.status, 429);
  CAF_CHECK_EQUAL(again.str("/periodUnit"), "minute");
  auto stats = ws.call("GET", "/_standin/stats");
  CAF_CHECK_EQUAL(stats.num("/rateLimited"), 2);
  // 100 at once, then one a second later: the busiest second admitted the first 100.
  CAF_CHECK_EQUAL(stats.num("/busiestWindow/requests"), 100);
  CAF_CHECK_EQUAL(stats.num("/busiestWindow/ms"), 1000);
}

CAF_TEST(graphql shows the limit as an error and metadata is not throttled) {
  for (int i = 0; i < 100; ++i) ws.call("GET", "/rest/people?limit=1");
  auto g = ws.gql("{ people { totalCount } }");
  CAF_CHECK_EQUAL(g.status, 200);
  CAF_CHECK_EQUAL(g.str("/errors/0/extensions/code"), "RATE_LIMITED");
  CAF_CHECK_EQUAL(g.str("/data/people"), "null");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/metadata/objects").status, 200);
  CAF_CHECK_EQUAL(ws.gql("{ objects { edges { node { id } } } }", "{}", "/metadata").at("/errors"), nullptr);
}

CAF_TEST(rate limits can be changed at runtime) {
  auto r = ws.call("POST", "/_standin/rate-limits", R"({"short":{"limit":2,"ttlMs":1000},"long":{"enabled":false}})", "");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.str("/short/limit"), "2");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people").status, 200);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people").status, 200);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people").status, 429);
}

CAF_TEST_FIXTURE_SCOPE_END()

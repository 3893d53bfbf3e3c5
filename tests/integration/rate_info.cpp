// What Twenty's answers say about its rate limit: headers, the newest 429 body, the old message
// of a real Twenty 2.5 (recorded), and GraphQL errors; ordinary answers say nothing.
#define CAF_SUITE integration.rate_info
#include "caf/test/unit_test.hpp"

#include "integration/rate_info.hpp"

using namespace std::chrono_literals;
using namespace tmcp::twenty;

namespace {

response answer(int status, std::string body) {
  response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// twenty-recordings/twenty-2.5/rest-429.json: no rate headers at all.
const char* twenty_25_body
  = R"J({"statusCode":429,"error":"HttpException","messages":["Limit reached (100 tokens per 60000 ms)"]})J";

// The stand-in's (and Twenty's newest) usage-limit body.
const char* newest_body
  = R"J({"statusCode":429,"error":"RATE_LIMITED","messages":["Limit reached (10 tokens per 1000 ms)"],)J"
    R"("limitKind":"speed","scope":{"spenderType":"apiKey","spenderId":"k","operationType":"read"},)"
    R"("limit":10,"remaining":0,"periodCount":1,"periodUnit":"second","retryAfterSeconds":1})";

} // namespace

CAF_TEST(the old message names the limit and the period) {
  auto m = parse_limit_message("Limit reached (100 tokens per 60000 ms)");
  CAF_REQUIRE(m.has_value());
  CAF_CHECK_EQUAL(m->limit, 100);
  CAF_CHECK(m->period == 60000ms);
  auto s = parse_limit_message("Limit reached (5 tokens per 2 seconds)");
  CAF_REQUIRE(s.has_value());
  CAF_CHECK(s->period == 2000ms);
}

CAF_TEST(other texts are not limit messages) {
  CAF_CHECK(!parse_limit_message("slow down"));
  CAF_CHECK(!parse_limit_message("Limit reached (many tokens per 60000 ms)"));
  CAF_CHECK(!parse_limit_message("Limit reached (100 tokens per 60000 fortnights)"));
  CAF_CHECK(!parse_limit_message("Limit reached (0 tokens per 1000 ms)"));
  CAF_CHECK(!parse_limit_message("Limit reached (100 tokens per 60000 ms"));
}

CAF_TEST(period units convert to milliseconds) {
  CAF_CHECK(period_of(1, "second") == 1000ms);
  CAF_CHECK(period_of(2, "minutes") == 120000ms);
  CAF_CHECK(period_of(500, "millisecond") == 500ms);
  CAF_CHECK(period_of(1, "hour") == 3600000ms);
  CAF_CHECK(!period_of(0, "second"));
  CAF_CHECK(!period_of(1, "week"));
}

CAF_TEST(a real twenty 2.5 429 is learned from its message alone) {
  auto i = read_rate_info(answer(429, twenty_25_body), api::rest);
  CAF_CHECK(i.limited);
  CAF_CHECK_EQUAL(i.limit, 100);
  CAF_CHECK(i.period == 60000ms);
  CAF_CHECK(!i.remaining);
  CAF_CHECK(!i.retry_after_seconds);
}

CAF_TEST(the newest 429 body gives limit remaining period and retry) {
  auto i = read_rate_info(answer(429, newest_body), api::rest);
  CAF_CHECK(i.limited);
  CAF_CHECK_EQUAL(i.limit, 10);
  CAF_CHECK_EQUAL(i.remaining, 0);
  CAF_CHECK(i.period == 1000ms);
  CAF_CHECK_EQUAL(i.retry_after_seconds, 1);
}

CAF_TEST(headers alone are read and win over the body) {
  auto r = answer(429, newest_body);
  r.ratelimit_limit = 20;
  r.ratelimit_remaining = 3;
  r.retry_after_seconds = 4;
  r.ratelimit_reset_epoch = 1'760'000'004;
  auto i = read_rate_info(r, api::rest);
  CAF_CHECK_EQUAL(i.limit, 20);
  CAF_CHECK_EQUAL(i.remaining, 3);
  CAF_CHECK_EQUAL(i.retry_after_seconds, 4);
  CAF_CHECK_EQUAL(i.reset_epoch, 1'760'000'004);
  CAF_CHECK(i.period == 1000ms);
  auto ok = answer(200, R"({"data":{}})");
  ok.ratelimit_limit = 50;
  ok.ratelimit_remaining = 49;
  auto h = read_rate_info(ok, api::rest);
  CAF_CHECK(!h.limited);
  CAF_CHECK_EQUAL(h.limit, 50);
  CAF_CHECK_EQUAL(h.remaining, 49);
  CAF_CHECK(!h.period);
}

CAF_TEST(a graphql rate limit error inside a 200 is a limit) {
  auto i = read_rate_info(
    answer(200, R"J({"errors":[{"message":"Limit reached (10 tokens per 1000 ms)",)J"
                R"("extensions":{"code":"RATE_LIMITED"}}],"data":{"companies":null}})"),
    api::graphql);
  CAF_CHECK(i.limited);
  CAF_CHECK_EQUAL(i.limit, 10);
  CAF_CHECK(i.period == 1000ms);
  auto ext = read_rate_info(
    answer(200, R"({"errors":[{"message":"too many","extensions":{"code":"RATE_LIMITED",)"
                R"("limit":7,"periodCount":1,"periodUnit":"minute","retryAfterSeconds":9}}]})"),
    api::graphql);
  CAF_CHECK(ext.limited);
  CAF_CHECK_EQUAL(ext.limit, 7);
  CAF_CHECK(ext.period == 60000ms);
  CAF_CHECK_EQUAL(ext.retry_after_seconds, 9);
}

CAF_TEST(answers without rate information say nothing) {
  CAF_CHECK(read_rate_info(answer(200, R"({"data":{"companies":[]}})"), api::rest).empty());
  CAF_CHECK(read_rate_info(answer(404, R"({"statusCode":404,"messages":["x"]})"), api::rest).empty());
  CAF_CHECK(read_rate_info(answer(200, R"({"errors":[{"message":"Field 'x' not found",)"
                                       R"("extensions":{"code":"BAD_USER_INPUT"}}]})"),
                           api::graphql)
              .empty());
  // A REST body that merely mentions the words is not a GraphQL limit.
  CAF_CHECK(read_rate_info(answer(200, R"({"data":{"notes":[{"title":"RATE_LIMITED"}]}})"),
                           api::rest)
              .empty());
}

CAF_TEST(a bare 429 is a limit without details) {
  auto i = read_rate_info(answer(429, "Too Many Requests"), api::rest);
  CAF_CHECK(i.limited);
  CAF_CHECK(!i.limit);
  CAF_CHECK(!i.period);
  CAF_CHECK(!i.empty());
}

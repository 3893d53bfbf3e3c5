#define CAF_SUITE actors.twenty_gateway
#define FAIL(msg) CAF_FAIL(msg)
#include "caf/test/dsl.hpp"

#include "actors/twenty_gateway.hpp"

using namespace tmcp;
using namespace tmcp::actors;
using namespace std::chrono_literals;

namespace {

// Requests the gateway put on the wire, completed by hand.
struct fake_wire {
  struct call {
    twenty::request req;
    std::function<void(twenty::outcome)> done;
  };
  std::vector<call> calls;
};

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<fake_wire> wire = std::make_shared<fake_wire>();
  twenty_gateway_actor gw;
  std::vector<twenty::outcome> answers;

  void start(gateway_settings s = {}) {
    auto w = wire;
    gw = sys.spawn(twenty_gateway_impl,
                   twenty_transport{[w](const twenty::request& r, auto done) {
                     w->calls.push_back({r, std::move(done)});
                   }},
                   s);
    consume_messages();
  }

  // The gateway answers its callers when it exits: let those answers land while `answers`
  // still exists.
  ~fixture() {
    caf::anon_send_exit(gw, caf::exit_reason::user_shutdown);
    consume_messages();
  }

  static twenty::request get(const std::string& target, const std::string& key = "s1") {
    twenty::request r;
    r.target = target;
    r.fairness_key = key;
    return r;
  }

  // Sends a fetch from a throwaway actor whose answer lands in `answers`.
  void fetch(twenty::request r) {
    auto* out = &answers;
    sys.spawn([this, out, r](caf::event_based_actor* a) {
      a->request(gw, caf::infinite, atom::fetch_v, r)
        .then([out](twenty::outcome& o) { out->push_back(std::move(o)); });
    });
  }

  void record(const std::string& plural, const std::string& id) {
    auto* out = &answers;
    sys.spawn([this, out, plural, id](caf::event_based_actor* a) {
      a->request(gw, caf::infinite, atom::record_v, plural, id, int32_t{0}, std::string("s1"))
        .then([out](twenty::outcome& o) { out->push_back(std::move(o)); });
    });
  }

  void answer(std::size_t i, int status, std::string body, std::optional<int> retry = {}) {
    twenty::response r;
    r.status = status;
    r.body = std::move(body);
    r.retry_after_seconds = retry;
    wire->calls.at(i).done(r);
    consume_messages();
  }

  void answer_with(std::size_t i, twenty::response r) {
    wire->calls.at(i).done(std::move(r));
    consume_messages();
  }

  // Twenty answers the first call 429 with headers saying 10 per period, none left.
  void learn_ten_per_second() {
    fetch(get("/rest/people?n=0"));
    consume_messages();
    twenty::response r;
    r.status = 429;
    r.ratelimit_limit = 10;
    r.ratelimit_remaining = 0;
    answer_with(0, r);
  }

  // Calls put on the wire so far that nobody answered yet, answered 200 in order.
  void answer_open(std::size_t& next) {
    while (next < wire->calls.size())
      answer(next++, 200, "{}");
  }

  void fail_network(std::size_t i) {
    wire->calls.at(i).done(make_unexpected(
      twenty::error{twenty::errc::network_error, 0, "connection reset", ""}));
    consume_messages();
  }

  std::string stats() {
    auto rh = self->request(gw, caf::infinite, atom::stats_v);
    consume_messages();
    std::string s;
    rh.receive([&](std::string& x) { s = x; }, [](caf::error&) { CAF_FAIL("stats failed"); });
    return s;
  }
};

const char* id1 = "11111111-1111-4111-8111-111111111111";
const char* id2 = "22222222-2222-4222-8222-222222222222";
const char* id3 = "33333333-3333-4333-8333-333333333333";

} // namespace

CAF_TEST_FIXTURE_SCOPE(gateway_tests, fixture)

CAF_TEST(twenty identical concurrent reads share one upstream call) {
  start();
  for (int i = 0; i < 20; ++i)
    fetch(get("/rest/people?limit=5"));
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 1u);
  answer(0, 200, R"({"data":{"people":[]}})");
  CAF_CHECK_EQUAL(answers.size(), 20u);
  for (auto& a : answers)
    CAF_CHECK(a.has_value());
  CAF_CHECK(stats().find("\"shared\":19") != std::string::npos);
}

CAF_TEST(writes are never shared even when identical) {
  start();
  auto w = get("/rest/people");
  w.method = twenty::verb::post;
  w.body = R"({"name":{"firstName":"A"}})";
  w.idempotent = false;
  fetch(w);
  fetch(w);
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 2u);
}

CAF_TEST(get by id calls that wait for their turn collapse into one list call) {
  gateway_settings s;
  s.max_in_flight = 1;
  start(s);
  fetch(get("/rest/companies?busy=1"));
  record("people", id1);
  record("people", id2);
  record("people", id3);
  record("people", id1);
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 1u);
  answer(0, 200, "{}");
  CAF_REQUIRE_EQUAL(wire->calls.size(), 2u);
  auto target = wire->calls[1].req.target;
  CAF_CHECK(target.find("/rest/people?filter=id%5Bin%5D%3A%5B") == 0);
  CAF_CHECK(target.find("limit=3") != std::string::npos);
  answer(1, 200, std::string(R"({"data":{"people":[{"id":")") + id1 + R"(","n":1},{"id":")"
                   + id2 + R"(","n":2}]},"totalCount":2})");
  CAF_REQUIRE_EQUAL(answers.size(), 5u);
  int ok = 0, missing = 0;
  for (auto& a : answers) {
    if (a)
      ++ok;
    else if (a.error().code == twenty::errc::record_not_found)
      ++missing;
  }
  CAF_CHECK_EQUAL(ok, 4); // the list call, and id1 twice and id2
  CAF_CHECK_EQUAL(missing, 1);
}

CAF_TEST(a lone get by id is sent at once by the find one route) {
  start();
  record("companies", id1);
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 1u);
  CAF_CHECK_EQUAL(wire->calls[0].req.target, std::string("/rest/companies/") + id1 + "?depth=0");
  answer(0, 200, std::string(R"({"data":{"company":{"id":")") + id1 + R"("}}})");
  CAF_REQUIRE_EQUAL(answers.size(), 1u);
  CAF_REQUIRE(answers[0].has_value());
  CAF_CHECK_EQUAL(answers[0]->body, std::string(R"({"id":")") + id1 + "\"}");
}

CAF_TEST(a get of a record already on the wire shares its call) {
  start();
  record("companies", id1);
  consume_messages();
  record("companies", id1);
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 1u);
  answer(0, 200, std::string(R"({"data":{"company":{"id":")") + id1 + R"("}}})");
  CAF_CHECK_EQUAL(answers.size(), 2u);
}

CAF_TEST(an invalid id is refused without an upstream call) {
  start();
  record("people", "not-a-uuid");
  consume_messages();
  CAF_CHECK(wire->calls.empty());
  CAF_REQUIRE_EQUAL(answers.size(), 1u);
  CAF_CHECK(!answers[0].has_value());
}

CAF_TEST(the queue serves sessions round robin so one cannot starve another) {
  gateway_settings s;
  s.max_in_flight = 1;
  start(s);
  for (int i = 0; i < 5; ++i)
    fetch(get("/rest/people?n=" + std::to_string(i), "greedy"));
  consume_messages();
  fetch(get("/rest/companies", "polite"));
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 1u);
  answer(0, 200, "{}");
  CAF_REQUIRE_EQUAL(wire->calls.size(), 2u);
  CAF_CHECK_EQUAL(wire->calls[1].req.fairness_key, "polite");
}

CAF_TEST(the token buckets hold requests until tokens refill) {
  gateway_settings s;
  s.limits.short_limit = 2;
  s.limits.short_ttl = 1000ms;
  s.limits.long_enabled = false;
  start(s);
  for (int i = 0; i < 3; ++i)
    fetch(get("/rest/people?n=" + std::to_string(i)));
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 2u);
  advance_time(500ms);
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 3u);
}

CAF_TEST(a 429 is retried after retry after and then succeeds) {
  start();
  auto w = get("/rest/people");
  w.method = twenty::verb::post;
  w.idempotent = false;
  fetch(w);
  consume_messages();
  answer(0, 429, R"({"statusCode":429,"error":"RATE_LIMITED","messages":["slow down"]})", 2);
  CAF_CHECK(answers.empty());
  advance_time(1s);
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 1u);
  advance_time(2s);
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 2u);
  answer(1, 201, R"({"data":{"createPerson":{"id":"x"}}})");
  CAF_REQUIRE_EQUAL(answers.size(), 1u);
  CAF_CHECK(answers[0].has_value());
  auto st = stats();
  CAF_CHECK(st.find("\"retries\":1") != std::string::npos);
  CAF_CHECK(st.find("\"rate_limited\":1") != std::string::npos);
}

CAF_TEST(a create that hit a network fault is not retried blindly) {
  start();
  auto w = get("/rest/people");
  w.method = twenty::verb::post;
  w.idempotent = false;
  fetch(w);
  consume_messages();
  fail_network(0);
  advance_time(30s);
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 1u);
  CAF_REQUIRE_EQUAL(answers.size(), 1u);
  CAF_CHECK(!answers[0].has_value());
  CAF_CHECK(answers[0].error().code == twenty::errc::network_error);
}

CAF_TEST(a read that hit a network fault is retried with backoff) {
  start();
  fetch(get("/rest/people"));
  consume_messages();
  fail_network(0);
  advance_time(1s);
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 2u);
  answer(1, 200, R"({"data":{"people":[]}})");
  CAF_REQUIRE_EQUAL(answers.size(), 1u);
  CAF_CHECK(answers[0].has_value());
}

CAF_TEST(retries stop after the configured attempts) {
  gateway_settings s;
  s.max_retries = 2;
  start(s);
  fetch(get("/rest/people"));
  consume_messages();
  for (std::size_t i = 0; i < 3; ++i) {
    CAF_REQUIRE_EQUAL(wire->calls.size(), i + 1);
    answer(i, 502, "bad gateway");
    advance_time(20s);
    consume_messages();
  }
  CAF_CHECK_EQUAL(wire->calls.size(), 3u);
  CAF_REQUIRE_EQUAL(answers.size(), 1u);
  CAF_CHECK(answers[0].error().code == twenty::errc::twenty_api_error);
}

CAF_TEST(error statuses are classified for the agent) {
  start();
  fetch(get("/rest/people/" + std::string(id1)));
  consume_messages();
  answer(0, 404, R"({"statusCode":404,"error":"NotFoundException","messages":["Record not found"]})");
  CAF_REQUIRE_EQUAL(answers.size(), 1u);
  CAF_REQUIRE(!answers[0].has_value());
  CAF_CHECK(answers[0].error().code == twenty::errc::record_not_found);
}

CAF_TEST(a call that waits for tokens past its deadline is answered with rate limit exceeded) {
  gateway_settings s;
  s.limits.short_limit = 1;
  s.limits.short_ttl = 10000ms;
  s.limits.long_enabled = false;
  start(s);
  fetch(get("/rest/people?n=1"));
  auto late = get("/rest/people?n=2");
  late.deadline = 2000ms;
  fetch(late);
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 1u);
  advance_time(3s);
  consume_messages();
  answer(0, 200, "{}");
  advance_time(8s);
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 1u);
  CAF_REQUIRE_EQUAL(answers.size(), 2u);
  int expired = 0;
  for (auto& a : answers)
    expired += !a && a.error().code == twenty::errc::rate_limit_exceeded;
  CAF_CHECK_EQUAL(expired, 1);
}

CAF_TEST(a queued call whose client cancelled is never sent) {
  gateway_settings s;
  s.max_in_flight = 1;
  start(s);
  fetch(get("/rest/people?n=1"));
  auto doomed = get("/rest/people?n=2");
  doomed.cancelled = std::make_shared<std::atomic<bool>>(false);
  fetch(doomed);
  consume_messages();
  *doomed.cancelled = true;
  answer(0, 200, "{}");
  CAF_CHECK_EQUAL(wire->calls.size(), 1u);
  CAF_CHECK_EQUAL(answers.size(), 2u);
  CAF_CHECK(stats().find("\"cancelled\":1") != std::string::npos);
}

CAF_TEST(a shutdown answers every queued and in flight caller at once) {
  gateway_settings s;
  s.max_in_flight = 1;
  start(s);
  fetch(get("/rest/people?n=1"));
  fetch(get("/rest/people?n=2"));
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 1u);
  caf::anon_send_exit(gw, caf::exit_reason::user_shutdown);
  consume_messages();
  CAF_REQUIRE_EQUAL(answers.size(), 2u);
  for (auto& a : answers)
    CAF_CHECK(!a.has_value());
}

CAF_TEST(a 429 with only rate limit headers lowers the short bucket to the limit it names) {
  start();
  learn_ten_per_second();
  std::size_t next = 1;
  CAF_CHECK(stats().find("10 requests per 1000 ms (learned from Twenty)") != std::string::npos);
  // The retry, then nine more, fit the learned ten per second; the rest wait for tokens.
  for (int i = 1; i < 30; ++i)
    fetch(get("/rest/people?n=" + std::to_string(i)));
  consume_messages();
  advance_time(1s);
  consume_messages();
  answer_open(next);
  CAF_CHECK_LESS_OR_EQUAL(wire->calls.size(), 11u);
  advance_time(1s);
  consume_messages();
  answer_open(next);
  CAF_CHECK_LESS_OR_EQUAL(wire->calls.size(), 21u);
}

CAF_TEST(a twenty 2_5 429 body lowers only the minute bucket) {
  start();
  fetch(get("/rest/people?n=0"));
  consume_messages();
  answer(0, 429, R"J({"statusCode":429,"error":"HttpException","messages":["Limit reached (100 tokens per 60000 ms)"]})J");
  // No headers: the retry waits for the backoff and for a minute-bucket token (600 ms).
  fetch(get("/rest/people?n=1"));
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 1u);
  advance_time(600ms);
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 2u);
  // The configured limits stay: 100 per minute is what this Twenty has.
  auto st = stats();
  CAF_CHECK(st.find("\"limits\":\"100 requests per 1000 ms and 100 requests per 60000 ms\"")
            != std::string::npos);
}

CAF_TEST(the newest 429 body teaches a lower per second limit that paces later calls) {
  start();
  fetch(get("/rest/people?n=0"));
  consume_messages();
  answer(0, 429,
         R"J({"statusCode":429,"error":"RATE_LIMITED","messages":["Limit reached (10 tokens per 1000 ms)"],)J"
         R"J("limit":10,"remaining":0,"periodCount":1,"periodUnit":"second","retryAfterSeconds":1})J");
  CAF_CHECK(stats().find("10 requests per 1000 ms (learned") != std::string::npos);
  std::size_t next = 1;
  for (int i = 1; i < 60; ++i)
    fetch(get("/rest/people?n=" + std::to_string(i)));
  consume_messages();
  CAF_CHECK_EQUAL(wire->calls.size(), 1u); // held until Retry-After
  // 60 calls at ten per second: all sent within about six seconds, none refused.
  for (int t = 0; t < 70; ++t) {
    advance_time(100ms);
    consume_messages();
    answer_open(next);
  }
  CAF_CHECK_EQUAL(wire->calls.size(), 61u);
  CAF_CHECK_EQUAL(answers.size(), 60u);
  for (auto& a : answers)
    CAF_CHECK(a.has_value());
}

CAF_TEST(a graphql rate limit error teaches the limit too) {
  start();
  auto q = get("/graphql");
  q.method = twenty::verb::post;
  q.kind = twenty::api::graphql;
  q.body = R"({"query":"{ companies { edges { node { id } } } }"})";
  fetch(q);
  consume_messages();
  answer(0, 200,
         R"J({"errors":[{"message":"Limit reached (5 tokens per 1000 ms)","extensions":{"code":"RATE_LIMITED"}}],"data":{"companies":null}})J");
  CAF_CHECK(stats().find("5 requests per 1000 ms (learned") != std::string::npos);
  CAF_CHECK(stats().find("\"rate_limited\":1") != std::string::npos);
}

CAF_TEST(a raised limit is taken again once an answer shows the headroom) {
  start();
  learn_ten_per_second();
  CAF_REQUIRE(stats().find("10 requests per 1000 ms (learned") != std::string::npos);
  advance_time(2s);
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 2u);
  twenty::response ok;
  ok.status = 200;
  ok.body = "{}";
  ok.ratelimit_limit = 100;
  ok.ratelimit_remaining = 98;
  answer_with(1, ok);
  CAF_CHECK(stats().find("\"limits\":\"100 requests per 1000 ms and") != std::string::npos);
}

CAF_TEST(an answer without rate information leaves a learned limit alone) {
  start();
  learn_ten_per_second();
  advance_time(2s);
  consume_messages();
  answer(1, 200, "{}");
  CAF_CHECK(stats().find("10 requests per 1000 ms (learned") != std::string::npos);
}

CAF_TEST(a bulk session cannot delay the read of another session by more than one turn) {
  gateway_settings s;
  s.max_in_flight = 2;
  start(s);
  for (int i = 0; i < 50; ++i) {
    auto w = get("/rest/batch/people?n=" + std::to_string(i), "importer");
    w.method = twenty::verb::post;
    w.idempotent = false;
    w.prio = twenty::priority::bulk;
    fetch(w);
  }
  consume_messages();
  CAF_REQUIRE_EQUAL(wire->calls.size(), 2u);
  fetch(get("/rest/companies", "reader"));
  consume_messages();
  // The next free connection serves the reader, not the importer's 48 queued calls.
  answer(0, 201, "{}");
  CAF_REQUIRE_EQUAL(wire->calls.size(), 3u);
  CAF_CHECK_EQUAL(wire->calls[2].req.fairness_key, "reader");
}

CAF_TEST(a session holds at most its share of the connections while another waits) {
  gateway_settings s;
  s.max_in_flight = 4;
  start(s);
  for (int i = 0; i < 10; ++i)
    fetch(get("/rest/people?n=" + std::to_string(i), "a"));
  consume_messages();
  // Alone, a session may use every connection.
  CAF_REQUIRE_EQUAL(wire->calls.size(), 4u);
  for (int i = 0; i < 10; ++i)
    fetch(get("/rest/companies?n=" + std::to_string(i), "b"));
  consume_messages();
  answer(0, 200, "{}");
  answer(1, 200, "{}");
  CAF_REQUIRE_EQUAL(wire->calls.size(), 6u);
  CAF_CHECK_EQUAL(wire->calls[4].req.fairness_key, "b");
  CAF_CHECK_EQUAL(wire->calls[5].req.fairness_key, "b");
  // Now each holds two, its share of four: a freed connection of "a" goes back to "a".
  answer(2, 200, "{}");
  CAF_REQUIRE_EQUAL(wire->calls.size(), 7u);
  CAF_CHECK_EQUAL(wire->calls[6].req.fairness_key, "a");
}

CAF_TEST(within a session interactive calls go before bulk calls) {
  gateway_settings s;
  s.max_in_flight = 1;
  start(s);
  fetch(get("/rest/people?n=first"));
  for (int i = 0; i < 3; ++i) {
    auto w = get("/rest/batch/people?n=" + std::to_string(i));
    w.method = twenty::verb::post;
    w.idempotent = false;
    w.prio = twenty::priority::bulk;
    fetch(w);
  }
  fetch(get("/rest/people?n=read"));
  consume_messages();
  answer(0, 200, "{}");
  CAF_REQUIRE_EQUAL(wire->calls.size(), 2u);
  CAF_CHECK_EQUAL(wire->calls[1].req.target, "/rest/people?n=read");
}

CAF_TEST_FIXTURE_SCOPE_END()

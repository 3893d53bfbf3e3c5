// The shared Twenty budget against a real redis-server: instances together never take more
// than the limit, a 429 seen by one pauses all, and without Redis each spends limit/N.
#define CAF_SUITE integration.shared_budget
#include "caf/test/unit_test.hpp"

#include <future>

#include "integration/shared_budget.hpp"
#include "integration/support/redis_process.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::twenty;

namespace {

// Spends from `b` as fast as it allows for `span`; the tokens granted.
int spend_for(shared_budget& b, std::chrono::milliseconds span) {
  int granted = 0;
  auto end = shared_budget::clock::now() + span;
  while (shared_budget::clock::now() < end) {
    auto now = shared_budget::clock::now();
    if (b.try_acquire(now))
      ++granted;
    else
      std::this_thread::sleep_until(std::min(b.next_available(now), end));
  }
  return granted;
}

struct fixture {
  testing::redis_process server;
  std::shared_ptr<redis::client> redis_a, redis_b;
  budget_settings settings;

  fixture() {
    redis::client_options opts;
    opts.url = *redis::parse_redis_url(server.url());
    opts.min_backoff = 20ms;
    redis_a = redis::client::create(opts);
    redis_b = redis::client::create(opts);
    for (int i = 0; i < 500 && !(redis_a->up() && redis_b->up()); ++i)
      std::this_thread::sleep_for(10ms);
    CAF_REQUIRE(redis_a->up() && redis_b->up());
    settings.limits.short_limit = 10;
    settings.limits.short_ttl = 1000ms;
    settings.limits.long_limit = 1000;
    settings.limits.long_ttl = 60000ms;
    settings.key_prefix = "test:rl";
    settings.instances = 2;
  }
};

} // namespace

CAF_TEST(the local share is the limit divided among the instances) {
  rate_limits l;
  l.short_limit = 30;
  l.long_limit = 100;
  auto s = shared_budget::local_share(l, 3);
  CAF_CHECK_EQUAL(s.short_limit, 10);
  CAF_CHECK_EQUAL(s.long_limit, 33);
  CAF_CHECK_EQUAL(shared_budget::local_share(l, 1000).short_limit, 1);
}

CAF_TEST_FIXTURE_SCOPE(shared_budget_tests, fixture)

CAF_TEST(two instances together stay within the shared limit) {
  auto a = std::make_shared<shared_budget>(redis_a, settings);
  auto b = std::make_shared<shared_budget>(redis_b, settings);
  int from_a = 0, from_b = 0;
  std::thread ta([&] { from_a = spend_for(*a, 1500ms); });
  std::thread tb([&] { from_b = spend_for(*b, 1500ms); });
  ta.join();
  tb.join();
  CAF_MESSAGE("a: " << from_a << ", b: " << from_b);
  // 10 in the full bucket plus 10 per second refilled: at most 25 in 1.5 s, for both together.
  CAF_CHECK(from_a + from_b <= 25);
  CAF_CHECK(from_a + from_b >= 18);
  CAF_CHECK(from_a >= 4 && from_b >= 4);
  CAF_CHECK(!a->degraded());
}

CAF_TEST(a 429 seen by one instance pauses the other) {
  auto a = std::make_shared<shared_budget>(redis_a, settings);
  auto b = std::make_shared<shared_budget>(redis_b, settings);
  CAF_CHECK(spend_for(*b, 100ms) > 0);
  response r;
  r.status = 429;
  r.retry_after_seconds = 1;
  a->on_response(r);
  std::this_thread::sleep_for(50ms); // the SET is asynchronous
  // b's unused lease may still hold a token or two; after that, nothing for the pause.
  CAF_CHECK(spend_for(*b, 700ms) <= b->lease_size());
}

CAF_TEST(a lower limit learned by one instance holds the other to it) {
  auto a = std::make_shared<shared_budget>(redis_a, settings);
  auto b = std::make_shared<shared_budget>(redis_b, settings);
  // Twenty said 4 per second (the configured short limit is 10).
  rate_info info;
  info.limit = 4;
  info.period = 1000ms;
  a->learn(info, shared_budget::clock::now(), std::chrono::system_clock::now());
  std::this_thread::sleep_for(50ms); // the SET is asynchronous
  auto spent = spend_for(*b, 1500ms);
  CAF_MESSAGE("b spent " << spent << " in 1.5 s");
  // 4 in the bucket plus 4 per second refilled, and b's lease; 10 per second would give ~25.
  CAF_CHECK(spent <= 10 + b->lease_size());
  CAF_CHECK(spent >= 6);
}

CAF_TEST(without redis each instance spends its share and reports degraded) {
  auto a = std::make_shared<shared_budget>(redis_a, settings);
  server.stop();
  for (int i = 0; i < 500 && redis_a->up(); ++i)
    std::this_thread::sleep_for(10ms);
  CAF_CHECK(a->degraded());
  int granted = 0;
  auto now = shared_budget::clock::now();
  for (int i = 0; i < 20; ++i)
    if (a->try_acquire(now))
      ++granted;
  CAF_CHECK_EQUAL(granted, 5); // 10 per second shared by 2 instances
}

CAF_TEST_FIXTURE_SCOPE_END()

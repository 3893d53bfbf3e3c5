// The shared Twenty budget against a real redis-server: instances together never take more
// than the limit, a 429 seen by one pauses all, and without Redis each spends limit/N.
#define CAF_SUITE integration.shared_budget
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <future>
#include <vector>

#include "integration/shared_budget.hpp"
#include "integration/support/redis_process.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::twenty;

namespace {

// Spends from `b` as fast as it allows for `span`; the tokens granted (and when, into `times`).
int spend_for(shared_budget& b, std::chrono::milliseconds span,
              std::vector<shared_budget::time_point>* times = nullptr) {
  int granted = 0;
  auto end = shared_budget::clock::now() + span;
  while (shared_budget::clock::now() < end) {
    auto now = shared_budget::clock::now();
    if (b.try_acquire(now)) {
      ++granted;
      if (times)
        times->push_back(now);
    } else {
      std::this_thread::sleep_until(std::min(b.next_available(now), end));
    }
  }
  return granted;
}

// The most spends in any window of `width` (a sliding window over the sorted times).
size_t busiest_window(std::vector<shared_budget::time_point> times,
                      std::chrono::milliseconds width) {
  std::sort(times.begin(), times.end());
  size_t best = 0;
  for (size_t lo = 0, hi = 0; hi < times.size(); ++hi) {
    while (times[hi] - times[lo] >= width)
      ++lo;
    best = std::max(best, hi - lo + 1);
  }
  return best;
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
  auto a = shared_budget::create(redis_a, settings);
  auto b = shared_budget::create(redis_b, settings);
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

CAF_TEST(no window of twentys period sees more calls than its limit) {
  auto a = shared_budget::create(redis_a, settings);
  auto b = shared_budget::create(redis_b, settings);
  std::vector<shared_budget::time_point> at_a, at_b;
  std::thread ta([&] { spend_for(*a, 3500ms, &at_a); });
  std::thread tb([&] { spend_for(*b, 3500ms, &at_b); });
  ta.join();
  tb.join();
  at_a.insert(at_a.end(), at_b.begin(), at_b.end());
  auto busiest = busiest_window(at_a, 1000ms);
  CAF_MESSAGE(at_a.size() << " spent in 3.5 s, at most " << busiest << " in one second");
  // A token bucket would allow 10 at once plus 10 refilled: up to 20 in one second.
  CAF_CHECK_LESS_OR_EQUAL(busiest, 10u);
  CAF_CHECK_GREATER_OR_EQUAL(at_a.size(), 28u);
}

CAF_TEST(calls spent while redis was away count once it is back) {
  auto a = shared_budget::create(redis_a, settings);
  server.stop();
  for (int i = 0; i < 500 && (redis_a->up() || redis_b->up()); ++i)
    std::this_thread::sleep_for(10ms);
  CAF_REQUIRE(a->degraded() && !redis_b->up());
  // The local share: 5 of the 10 per second.
  CAF_CHECK_EQUAL(spend_for(*a, 50ms), 5);
  CAF_REQUIRE(server.start());
  for (int i = 0; i < 500 && !(redis_a->up() && redis_b->up()); ++i)
    std::this_thread::sleep_for(10ms);
  CAF_REQUIRE(redis_a->up() && redis_b->up());
  std::this_thread::sleep_for(50ms); // a reports them when it sees Redis again, unasked
  // The other instance finds a's 5 calls in the window: 5 of the 10 are left.
  auto b = shared_budget::create(redis_b, settings);
  auto from_b = spend_for(*b, 300ms);
  CAF_MESSAGE("b got " << from_b << " after a's 5 local calls");
  CAF_CHECK_EQUAL(from_b, 5);
}

CAF_TEST(tokens leased but not spent in time go back for others) {
  settings.limits.short_limit = 16;
  settings.instances = 1; // leases of 4
  auto a = shared_budget::create(redis_a, settings);
  auto b = shared_budget::create(redis_b, settings);
  CAF_REQUIRE_EQUAL(a->lease_size(), 4);
  while (!a->try_acquire(shared_budget::clock::now()))
    std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(100ms); // past the hold: a's other 3 are no longer safe to spend
  CAF_CHECK(!a->try_acquire(shared_budget::clock::now())); // gives them back, asks anew
  std::this_thread::sleep_for(20ms);
  // 16 less a's one call and a's new lease of 4; without the give-back, 8.
  CAF_CHECK_EQUAL(spend_for(*b, 300ms), 11);
}

CAF_TEST(a 429 seen by one instance pauses the other) {
  auto a = shared_budget::create(redis_a, settings);
  auto b = shared_budget::create(redis_b, settings);
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
  auto a = shared_budget::create(redis_a, settings);
  auto b = shared_budget::create(redis_b, settings);
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
  auto a = shared_budget::create(redis_a, settings);
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

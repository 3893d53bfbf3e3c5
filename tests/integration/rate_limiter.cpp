// The client-side token buckets with an injected clock: bursts, refill, both limits, pauses
// from Twenty's headers, disabled buckets.
#define CAF_SUITE integration.rate_limiter
#include "caf/test/unit_test.hpp"

#include "integration/rate_limiter.hpp"

using namespace std::chrono_literals;
using namespace tmcp::twenty;

namespace {

// An arbitrary origin: the limiter must not care what the clock's epoch is.
const rate_limiter::time_point t0 = rate_limiter::time_point{} + 12345s;
const rate_limiter::wall_time_point wall0
  = rate_limiter::wall_time_point{} + std::chrono::seconds(1'760'000'000);

int drain(rate_limiter& rl, rate_limiter::time_point now, int max = 1000) {
  int n = 0;
  while (n < max && rl.try_acquire(now))
    ++n;
  return n;
}

rate_limits short_only() {
  rate_limits l;
  l.long_enabled = false;
  return l;
}

} // namespace

CAF_TEST(a fresh limiter allows a burst of exactly 100) {
  rate_limiter rl;
  CAF_CHECK_EQUAL(drain(rl, t0), 100);
  CAF_CHECK(!rl.try_acquire(t0));
  CAF_CHECK(rl.next_available(t0) > t0);
}

CAF_TEST(the short bucket refills one token every 10 ms) {
  rate_limiter rl{short_only()};
  CAF_CHECK_EQUAL(drain(rl, t0), 100);
  CAF_CHECK(rl.next_available(t0) == t0 + 10ms);
  CAF_CHECK(!rl.try_acquire(t0 + 9ms));
  CAF_CHECK(rl.try_acquire(t0 + 10ms));
  CAF_CHECK(!rl.try_acquire(t0 + 10ms));
  CAF_CHECK_EQUAL(drain(rl, t0 + 510ms), 50);
  // A long quiet time refills only up to the capacity.
  CAF_CHECK_EQUAL(drain(rl, t0 + 1h), 100);
}

CAF_TEST(the long bucket limits to 100 per minute even when the short one refills) {
  rate_limiter rl;
  CAF_CHECK_EQUAL(drain(rl, t0), 100);
  // One second later the short bucket is full again but the long one has 100/60 tokens.
  CAF_CHECK_EQUAL(rl.short_tokens(t0 + 1s), 100);
  CAF_CHECK_EQUAL(rl.long_tokens(t0 + 1s), 1);
  CAF_CHECK_EQUAL(drain(rl, t0 + 1s), 1);
  // The long bucket refills 100 tokens per 60 s: one every 600 ms.
  auto next = rl.next_available(t0 + 1s);
  CAF_CHECK(next == t0 + 1200ms);
  CAF_CHECK(!rl.try_acquire(t0 + 1199ms));
  CAF_CHECK(rl.try_acquire(t0 + 1200ms));
  CAF_CHECK_EQUAL(drain(rl, t0 + 61s), 99); // 59.8 s of refill
}

CAF_TEST(limits and ttls are configurable) {
  rate_limits l;
  l.short_limit = 5;
  l.short_ttl = 100ms;
  l.long_limit = 8;
  l.long_ttl = 1000ms;
  rate_limiter rl{l};
  CAF_CHECK_EQUAL(drain(rl, t0), 5);
  CAF_CHECK(rl.next_available(t0) == t0 + 20ms);
  CAF_CHECK_EQUAL(drain(rl, t0 + 100ms), 3); // the long bucket (8 + 0.8) is the bound now
}

CAF_TEST(disabled buckets never limit) {
  rate_limits l;
  l.short_enabled = false;
  l.long_enabled = false;
  rate_limiter rl{l};
  CAF_CHECK_EQUAL(drain(rl, t0, 5000), 5000);
  CAF_CHECK(rl.next_available(t0) == t0);
  rate_limits only_long;
  only_long.short_enabled = false;
  only_long.long_limit = 3;
  rate_limiter rl2{only_long};
  CAF_CHECK_EQUAL(drain(rl2, t0), 3);
}

CAF_TEST(retry after pauses the limiter until then) {
  rate_limiter rl;
  response r;
  r.status = 429;
  r.retry_after_seconds = 2;
  rl.on_response(r, t0, wall0);
  CAF_CHECK(!rl.try_acquire(t0));
  CAF_CHECK(!rl.try_acquire(t0 + 1999ms));
  CAF_CHECK(rl.next_available(t0) == t0 + 2s);
  CAF_REQUIRE(rl.paused_until().has_value());
  CAF_CHECK(*rl.paused_until() == t0 + 2s);
  CAF_CHECK(rl.try_acquire(t0 + 2s));
}

CAF_TEST(remaining zero with a reset pauses until the reset time) {
  rate_limiter rl{short_only()};
  response r;
  r.status = 200;
  r.ratelimit_limit = 100;
  r.ratelimit_remaining = 0;
  r.ratelimit_reset_epoch = std::chrono::duration_cast<std::chrono::seconds>(
                              wall0.time_since_epoch()).count() + 5;
  rl.on_response(r, t0, wall0);
  CAF_CHECK(!rl.try_acquire(t0 + 4s));
  CAF_CHECK(rl.next_available(t0) == t0 + 5s);
  CAF_CHECK(rl.try_acquire(t0 + 5s));
}

CAF_TEST(a remaining count below our tokens lowers ours) {
  rate_limiter rl{short_only()};
  response r;
  r.status = 200;
  r.ratelimit_remaining = 3;
  rl.on_response(r, t0, wall0);
  CAF_CHECK_EQUAL(rl.short_tokens(t0), 3);
  CAF_CHECK_EQUAL(drain(rl, t0), 3);
  // A higher remaining never raises our count.
  r.ratelimit_remaining = 90;
  rl.on_response(r, t0, wall0);
  CAF_CHECK_EQUAL(rl.short_tokens(t0), 0);
}

CAF_TEST(a bare 429 empties the buckets which then refill) {
  rate_limiter rl{short_only()};
  response r;
  r.status = 429;
  rl.on_response(r, t0, wall0);
  CAF_CHECK(!rl.try_acquire(t0));
  CAF_CHECK(rl.next_available(t0) == t0 + 10ms);
  CAF_CHECK(rl.try_acquire(t0 + 10ms));
}

CAF_TEST(a pause far in the future is capped) {
  rate_limits l;
  l.max_pause = 30s;
  rate_limiter rl{l};
  response r;
  r.status = 429;
  r.retry_after_seconds = 86400;
  rl.on_response(r, t0, wall0);
  CAF_CHECK(rl.next_available(t0) == t0 + 30s);
}

CAF_TEST(an ordinary answer without rate limit headers changes nothing) {
  rate_limiter rl{short_only()};
  response r;
  r.status = 200;
  rl.on_response(r, t0, wall0);
  CAF_CHECK_EQUAL(rl.short_tokens(t0), 100);
  CAF_CHECK(!rl.paused_until().has_value());
}

namespace {

rate_info limited(int limit, std::chrono::milliseconds period) {
  rate_info i;
  i.limited = true;
  i.limit = limit;
  i.period = period;
  return i;
}

} // namespace

CAF_TEST(a 429 from the minute bucket lowers only the minute bucket) {
  rate_limiter rl;
  CAF_CHECK_EQUAL(drain(rl, t0, 10), 10);
  // Twenty 2.5's body: "Limit reached (100 tokens per 60000 ms)".
  rl.learn(limited(100, 60000ms), t0, wall0);
  CAF_CHECK_EQUAL(rl.long_tokens(t0), 0);
  CAF_CHECK_EQUAL(rl.short_tokens(t0), 90);
  CAF_CHECK_EQUAL(rl.long_limit(), 100);
  // The minute bucket refills one token every 600 ms.
  CAF_CHECK(rl.next_available(t0) == t0 + 600ms);
}

CAF_TEST(a 429 from the second bucket lowers only the second bucket) {
  rate_limiter rl;
  rl.learn(limited(100, 1000ms), t0, wall0);
  CAF_CHECK_EQUAL(rl.short_tokens(t0), 0);
  CAF_CHECK_EQUAL(rl.long_tokens(t0), 100);
}

CAF_TEST(a learned limit below the configured one replaces it) {
  rate_limiter rl{short_only()};
  rl.learn(limited(10, 1000ms), t0, wall0);
  CAF_CHECK_EQUAL(rl.short_limit(), 10);
  CAF_CHECK_EQUAL(rl.short_tokens(t0), 0);
  // Ten per second from now on: one every 100 ms, at most ten at once.
  CAF_CHECK(rl.next_available(t0) == t0 + 100ms);
  CAF_CHECK_EQUAL(drain(rl, t0 + 10s), 10);
  CAF_CHECK(rl.describe().find("10 requests per 1000 ms (learned") != std::string::npos);
}

CAF_TEST(a learned limit above the configured one changes nothing) {
  rate_limiter rl{short_only()};
  rl.learn(limited(500, 1000ms), t0 + 1s, wall0);
  CAF_CHECK_EQUAL(rl.short_limit(), 100);
}

CAF_TEST(more headroom in a later answer restores the configured limit) {
  rate_limiter rl{short_only()};
  rl.learn(limited(10, 1000ms), t0, wall0);
  CAF_REQUIRE_EQUAL(rl.short_limit(), 10);
  // Headers of a later answer: the limit was raised to 100 again.
  rate_info raised;
  raised.limit = 100;
  raised.remaining = 99;
  rl.learn(raised, t0 + 5s, wall0);
  CAF_CHECK_EQUAL(rl.short_limit(), 100);
  CAF_CHECK_EQUAL(rl.short_tokens(t0 + 5s), 10);
  // Or only a remaining count above the learned limit.
  rl.learn(limited(10, 1000ms), t0 + 6s, wall0);
  CAF_REQUIRE_EQUAL(rl.short_limit(), 10);
  rate_info more;
  more.remaining = 40;
  rl.learn(more, t0 + 7s, wall0);
  CAF_CHECK_EQUAL(rl.short_limit(), 100);
}

CAF_TEST(a learned limit expires so a raised limit is found again) {
  rate_limits l = short_only();
  l.relearn_after = 60s;
  rate_limiter rl{l};
  rl.learn(limited(10, 1000ms), t0, wall0);
  CAF_CHECK_EQUAL(rl.short_limit(), 10);
  CAF_CHECK(rl.try_acquire(t0 + 59s));
  CAF_CHECK_EQUAL(rl.short_limit(), 10);
  CAF_CHECK(rl.try_acquire(t0 + 61s));
  CAF_CHECK_EQUAL(rl.short_limit(), 100);
}

CAF_TEST(an answer without rate information changes no limit or token) {
  rate_limiter rl{short_only()};
  rl.learn(limited(10, 1000ms), t0, wall0);
  rl.learn(rate_info{}, t0 + 2s, wall0);
  CAF_CHECK_EQUAL(rl.short_limit(), 10);
  CAF_CHECK_EQUAL(rl.short_tokens(t0 + 2s), 10);
}

CAF_TEST(a hold blocks only the bucket it names) {
  rate_limiter rl;
  rate_info i = limited(100, 60000ms);
  i.retry_after_seconds = 30;
  rl.learn(i, t0, wall0);
  CAF_CHECK(!rl.try_acquire(t0 + 29s));
  CAF_CHECK(rl.next_available(t0) == t0 + 30s);
  CAF_CHECK(rl.try_acquire(t0 + 30s));
  // The short bucket kept its tokens all along.
  CAF_CHECK_EQUAL(rl.short_tokens(t0 + 30s), 99);
}

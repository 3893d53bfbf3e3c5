// Client-side token buckets mirroring Twenty's two API limits (per workspace: 100 requests per
// second and 100 per minute by default), so the server slows down before Twenty answers 429.
// Pure and clock-injected: every call takes `now`; nothing sleeps. Not thread-safe (one owner).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "integration/twenty_types.hpp"

namespace tmcp::twenty {

// Named after Twenty's API_RATE_LIMITING_{SHORT,LONG}_{LIMIT,TTL_IN_MS} settings.
struct rate_limits {
  int short_limit = 100;
  std::chrono::milliseconds short_ttl{1000};
  bool short_enabled = true;
  int long_limit = 100;
  std::chrono::milliseconds long_ttl{60000};
  bool long_enabled = true;
  // A Retry-After or X-RateLimit-Reset further away than this is capped (clock skew, junk).
  std::chrono::milliseconds max_pause{120000};
};

class rate_limiter {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using wall_time_point = std::chrono::system_clock::time_point;

  // Both buckets start full; refill starts at the first call.
  explicit rate_limiter(rate_limits limits = {});

  // Takes one token from every enabled bucket, or none when any bucket (or a pause) says no.
  bool try_acquire(time_point now);

  // When try_acquire will next succeed (`now` when it would succeed now).
  time_point next_available(time_point now) const;

  // Learns from Twenty's answer: Retry-After, or X-RateLimit-Remaining 0 with X-RateLimit-Reset
  // (epoch seconds), pauses until then; a Remaining below our tokens lowers ours; a bare 429
  // empties the buckets. `wall_now` converts Reset; the two-argument form uses the system clock.
  void on_response(const response& r, time_point now, wall_time_point wall_now);
  void on_response(const response& r, time_point now);

  // Whole tokens left in each bucket at `now` (the limit when disabled); for stats and tests.
  int short_tokens(time_point now) const;
  int long_tokens(time_point now) const;

  // The end of the current pause, if any.
  std::optional<time_point> paused_until() const { return pause_; }

private:
  // Exact integer arithmetic: one token is `ttl_ns` units; each nanosecond refills `limit` units.
  struct bucket {
    bool enabled = true;
    int64_t limit = 0;
    int64_t ttl_ns = 1;
    int64_t units = 0;
    std::optional<time_point> last;

    int64_t capacity() const { return limit * ttl_ns; }
    int64_t units_at(time_point now) const;
    void refill(time_point now);
    time_point ready_at(time_point now) const;
    void lower_to(int64_t tokens, time_point now);
  };

  void pause_until(time_point until, time_point now);

  rate_limits limits_;
  bucket short_;
  bucket long_;
  std::optional<time_point> pause_;
};

} // namespace tmcp::twenty

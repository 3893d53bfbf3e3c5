// Client-side token buckets mirroring Twenty's two API limits (per workspace: 100 requests per
// second and 100 per minute by default), so the server slows down before Twenty answers 429,
// and adapts them to what Twenty says about its real limits (a self-hosted Twenty can set any).
// Pure and clock-injected: every call takes `now`; nothing sleeps. Not thread-safe (one owner).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "integration/rate_info.hpp"
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
  // A learned limit below the configured one is dropped again after this long without a new
  // sign of it, so a Twenty that sends no headers (2.5) is re-probed after its limit was raised.
  std::chrono::milliseconds relearn_after{600000};
};

// The budget the gateway spends before each upstream call. One process uses `rate_limiter`;
// several instances sharing one Twenty can slot in a shared backend behind the same calls.
class rate_budget {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using wall_time_point = std::chrono::system_clock::time_point;

  virtual ~rate_budget() = default;

  // Takes one token from every enabled bucket, or none when any bucket (or a hold) says no.
  virtual bool try_acquire(time_point now) = 0;

  // When try_acquire will next succeed (`now` when it would succeed now).
  virtual time_point next_available(time_point now) const = 0;

  // Learns from what one answer said about Twenty's limit (see rate_info).
  virtual void learn(const rate_info& info, time_point now, wall_time_point wall_now) = 0;

  // The limits in force, for messages ("10 requests per 1000 ms and 100 per 60 s").
  virtual std::string describe() const = 0;

  // Whole tokens left in each bucket at `now` (the limit when disabled); for metrics.
  virtual int short_tokens(time_point now) const = 0;
  virtual int long_tokens(time_point now) const = 0;
};

class rate_limiter : public rate_budget {
public:
  // Both buckets start full; refill starts at the first call.
  explicit rate_limiter(rate_limits limits = {});

  bool try_acquire(time_point now) override;
  time_point next_available(time_point now) const override;

  // A 429 lowers only the bucket it names (by its period; without one, the short bucket) to
  // what remains, and holds it until Retry-After or X-RateLimit-Reset. A limit below the
  // configured one replaces it until an answer shows more headroom (a higher limit, or more
  // remaining than the learned limit) or relearn_after passes. An empty rate_info changes
  // nothing.
  void learn(const rate_info& info, time_point now, wall_time_point wall_now) override;
  std::string describe() const override;

  // Reads `r` (as read_rate_info) and learns from it; the two-argument form uses the system
  // clock for X-RateLimit-Reset.
  void on_response(const response& r, time_point now, wall_time_point wall_now,
                   api kind = api::rest);
  void on_response(const response& r, time_point now);

  int short_tokens(time_point now) const override;
  int long_tokens(time_point now) const override;
  // The limits in force (learned or configured), per bucket.
  int short_limit() const { return static_cast<int>(short_.limit); }
  int long_limit() const { return static_cast<int>(long_.limit); }
  std::chrono::milliseconds short_period() const;
  std::chrono::milliseconds long_period() const;

  // The end of the latest hold, if any.
  std::optional<time_point> paused_until() const;

private:
  // Exact integer arithmetic: one token is `ttl_ns` units; each nanosecond refills `limit` units.
  struct bucket {
    bool enabled = true;
    int64_t configured_limit = 0;
    int64_t configured_ttl_ns = 1;
    int64_t limit = 0;
    int64_t ttl_ns = 1;
    int64_t units = 0;
    std::optional<time_point> last;
    std::optional<time_point> hold;        // no tokens before this
    std::optional<time_point> learned_at;  // set while a learned limit is in force

    int64_t capacity() const { return limit * ttl_ns; }
    int64_t units_at(time_point now) const;
    void refill(time_point now);
    time_point ready_at(time_point now) const;
    void lower_to(int64_t tokens, time_point now);
    // Switches to `limit` per `ttl_ns`, keeping the tokens held (at most the new limit).
    void set_limit(int64_t new_limit, int64_t new_ttl_ns, time_point now);
    bool learned() const { return learned_at.has_value(); }
  };

  bucket& named(const rate_info& info);
  void hold(bucket& b, time_point until, time_point now);
  void expire_learned(time_point now);

  rate_limits limits_;
  bucket short_;
  bucket long_;
};

} // namespace tmcp::twenty

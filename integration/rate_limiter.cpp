#include "integration/rate_limiter.hpp"

#include <algorithm>

namespace tmcp::twenty {

namespace {

using std::chrono::duration_cast;
using std::chrono::nanoseconds;

int64_t ns(std::chrono::milliseconds ms) {
  return std::max<int64_t>(1, duration_cast<nanoseconds>(ms).count());
}

} // namespace

rate_limiter::rate_limiter(rate_limits limits) : limits_(limits) {
  auto init = [](bucket& b, bool enabled, int limit, std::chrono::milliseconds ttl) {
    b.enabled = enabled && limit > 0;
    b.limit = std::max(1, limit);
    b.ttl_ns = ns(ttl);
    b.units = b.capacity();
  };
  init(short_, limits.short_enabled, limits.short_limit, limits.short_ttl);
  init(long_, limits.long_enabled, limits.long_limit, limits.long_ttl);
}

int64_t rate_limiter::bucket::units_at(time_point now) const {
  if (!last || now <= *last)
    return units;
  // A whole ttl refills everything; clamping first keeps the product from overflowing.
  auto elapsed = std::min(duration_cast<nanoseconds>(now - *last).count(), ttl_ns);
  return std::min(capacity(), units + elapsed * limit);
}

void rate_limiter::bucket::refill(time_point now) {
  units = units_at(now);
  if (!last || now > *last)
    last = now;
}

rate_limiter::time_point rate_limiter::bucket::ready_at(time_point now) const {
  auto have = units_at(now);
  if (!enabled || have >= ttl_ns)
    return now;
  auto missing = ttl_ns - have;
  // Round up so the bucket really holds a token at the returned time.
  return now + nanoseconds((missing + limit - 1) / limit);
}

void rate_limiter::bucket::lower_to(int64_t tokens, time_point now) {
  refill(now);
  units = std::min(units, std::max<int64_t>(0, tokens) * ttl_ns);
}

bool rate_limiter::try_acquire(time_point now) {
  if (pause_ && now < *pause_)
    return false;
  pause_.reset();
  short_.refill(now);
  long_.refill(now);
  for (auto* b : {&short_, &long_})
    if (b->enabled && b->units < b->ttl_ns)
      return false;
  for (auto* b : {&short_, &long_})
    if (b->enabled)
      b->units -= b->ttl_ns;
  return true;
}

rate_limiter::time_point rate_limiter::next_available(time_point now) const {
  auto at = std::max(short_.ready_at(now), long_.ready_at(now));
  if (pause_ && *pause_ > at)
    at = *pause_;
  return at;
}

void rate_limiter::pause_until(time_point until, time_point now) {
  until = std::min(until, now + limits_.max_pause);
  if (until > now && (!pause_ || until > *pause_))
    pause_ = until;
}

void rate_limiter::on_response(const response& r, time_point now, wall_time_point wall_now) {
  bool paused = false;
  if (r.retry_after_seconds && *r.retry_after_seconds >= 0) {
    pause_until(now + std::chrono::seconds(*r.retry_after_seconds), now);
    paused = true;
  }
  if (r.ratelimit_remaining && *r.ratelimit_remaining <= 0 && r.ratelimit_reset_epoch) {
    auto reset = *r.ratelimit_reset_epoch;
    auto wall = duration_cast<std::chrono::seconds>(wall_now.time_since_epoch()).count();
    // Twenty sends epoch seconds; a small number can only be seconds from now.
    auto wait = reset > 1000000000LL ? reset - wall : reset;
    if (wait > 0)
      pause_until(now + std::chrono::seconds(wait), now);
    paused = true;
  }
  if (r.ratelimit_remaining) {
    for (auto* b : {&short_, &long_})
      if (b->enabled)
        b->lower_to(*r.ratelimit_remaining, now);
  } else if (r.status == 429 && !paused) {
    // A 429 that says nothing more: spend everything and let the buckets refill.
    for (auto* b : {&short_, &long_})
      if (b->enabled)
        b->lower_to(0, now);
  }
}

void rate_limiter::on_response(const response& r, time_point now) {
  on_response(r, now, std::chrono::system_clock::now());
}

int rate_limiter::short_tokens(time_point now) const {
  return static_cast<int>(short_.enabled ? short_.units_at(now) / short_.ttl_ns : short_.limit);
}

int rate_limiter::long_tokens(time_point now) const {
  return static_cast<int>(long_.enabled ? long_.units_at(now) / long_.ttl_ns : long_.limit);
}

} // namespace tmcp::twenty

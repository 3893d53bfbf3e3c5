#include "integration/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace tmcp::twenty {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

int64_t ns(milliseconds ms) {
  return std::max<int64_t>(1, duration_cast<nanoseconds>(ms).count());
}

// Which rate is lower, a per b: compared without overflow (limits and periods are bounded).
bool slower(int64_t limit_a, int64_t ttl_a, int64_t limit_b, int64_t ttl_b) {
  return static_cast<__int128>(limit_a) * ttl_b < static_cast<__int128>(limit_b) * ttl_a;
}

} // namespace

rate_limiter::rate_limiter(rate_limits limits) : limits_(limits) {
  auto init = [](bucket& b, bool enabled, int limit, milliseconds ttl) {
    b.enabled = enabled && limit > 0;
    b.configured_limit = b.limit = std::max(1, limit);
    b.configured_ttl_ns = b.ttl_ns = ns(ttl);
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
  if (!enabled)
    return now;
  auto at = now;
  if (auto have = units_at(now); have < ttl_ns)
    // Round up so the bucket really holds a token at the returned time.
    at = now + nanoseconds((ttl_ns - have + limit - 1) / limit);
  if (hold && *hold > at)
    at = *hold;
  return at;
}

void rate_limiter::bucket::lower_to(int64_t tokens, time_point now) {
  refill(now);
  units = std::min(units, std::max<int64_t>(0, tokens) * ttl_ns);
}

void rate_limiter::bucket::set_limit(int64_t new_limit, int64_t new_ttl_ns, time_point now) {
  refill(now);
  auto tokens = std::min<int64_t>(units / ttl_ns, new_limit);
  limit = new_limit;
  ttl_ns = new_ttl_ns;
  units = tokens * ttl_ns;
}

bool rate_limiter::try_acquire(time_point now) {
  expire_learned(now);
  for (auto* b : {&short_, &long_}) {
    if (b->hold && now >= *b->hold)
      b->hold.reset();
    b->refill(now);
  }
  for (auto* b : {&short_, &long_})
    if (b->enabled && (b->hold || b->units < b->ttl_ns))
      return false;
  for (auto* b : {&short_, &long_})
    if (b->enabled)
      b->units -= b->ttl_ns;
  return true;
}

rate_limiter::time_point rate_limiter::next_available(time_point now) const {
  return std::max(short_.ready_at(now), long_.ready_at(now));
}

void rate_limiter::hold(bucket& b, time_point until, time_point now) {
  until = std::min(until, now + limits_.max_pause);
  if (until > now && (!b.hold || until > *b.hold))
    b.hold = until;
}

// The bucket an answer is about: the one whose period is nearest the answer's (on a log scale,
// so 1 s and 60 s are told apart whatever is configured); the short one when it names none.
rate_limiter::bucket& rate_limiter::named(const rate_info& info) {
  if (!short_.enabled && long_.enabled)
    return long_;
  if (!info.period || !long_.enabled)
    return short_;
  auto p = static_cast<double>(ns(*info.period));
  auto dist = [p](const bucket& b) {
    return std::abs(std::log(p / static_cast<double>(b.configured_ttl_ns)));
  };
  return dist(long_) < dist(short_) ? long_ : short_;
}

void rate_limiter::expire_learned(time_point now) {
  for (auto* b : {&short_, &long_})
    if (b->learned() && now - *b->learned_at >= limits_.relearn_after) {
      b->learned_at.reset();
      b->set_limit(b->configured_limit, b->configured_ttl_ns, now);
    }
}

void rate_limiter::learn(const rate_info& info, time_point now, wall_time_point wall_now) {
  if (info.empty())
    return;
  expire_learned(now);
  auto& b = named(info);
  if (!b.enabled)
    return;
  if (info.limit && *info.limit > 0) {
    int64_t limit = *info.limit;
    int64_t ttl = info.period ? ns(*info.period) : b.ttl_ns;
    // Below the configured limit (fewer per period, or a slower rate) the learned one rules;
    // at or above it, the configuration does again.
    if (limit < b.configured_limit
        || slower(limit, ttl, b.configured_limit, b.configured_ttl_ns)) {
      b.set_limit(limit, ttl, now);
      b.learned_at = now;
    } else if (b.learned()) {
      b.learned_at.reset();
      b.set_limit(b.configured_limit, b.configured_ttl_ns, now);
    }
  } else if (info.remaining && b.learned() && *info.remaining > b.limit) {
    // More left than the learned limit allows: the limit was raised.
    b.learned_at.reset();
    b.set_limit(b.configured_limit, b.configured_ttl_ns, now);
  }
  if (info.remaining)
    b.lower_to(*info.remaining, now);
  else if (info.limited)
    b.lower_to(0, now);
  if (info.retry_after_seconds && *info.retry_after_seconds > 0)
    hold(b, now + std::chrono::seconds(*info.retry_after_seconds), now);
  if (info.remaining && *info.remaining <= 0 && info.reset_epoch) {
    auto reset = *info.reset_epoch;
    auto wall = duration_cast<std::chrono::seconds>(wall_now.time_since_epoch()).count();
    // Twenty sends epoch seconds; a small number can only be seconds from now.
    auto wait = reset > 1000000000LL ? reset - wall : reset;
    if (wait > 0)
      hold(b, now + std::chrono::seconds(wait), now);
  }
}

void rate_limiter::on_response(const response& r, time_point now, wall_time_point wall_now,
                               api kind) {
  learn(read_rate_info(r, kind), now, wall_now);
}

void rate_limiter::on_response(const response& r, time_point now) {
  on_response(r, now, std::chrono::system_clock::now());
}

std::string rate_limiter::describe() const {
  auto one = [](const bucket& b) {
    return std::to_string(b.limit) + " requests per "
           + std::to_string(b.ttl_ns / 1'000'000) + " ms"
           + (b.learned() ? " (learned from Twenty)" : "");
  };
  if (short_.enabled && long_.enabled)
    return one(short_) + " and " + one(long_);
  if (short_.enabled)
    return one(short_);
  if (long_.enabled)
    return one(long_);
  return "no limit";
}

int rate_limiter::short_tokens(time_point now) const {
  return static_cast<int>(short_.enabled ? short_.units_at(now) / short_.ttl_ns : short_.limit);
}

int rate_limiter::long_tokens(time_point now) const {
  return static_cast<int>(long_.enabled ? long_.units_at(now) / long_.ttl_ns : long_.limit);
}

std::chrono::milliseconds rate_limiter::short_period() const {
  return duration_cast<milliseconds>(nanoseconds(short_.ttl_ns));
}

std::chrono::milliseconds rate_limiter::long_period() const {
  return duration_cast<milliseconds>(nanoseconds(long_.ttl_ns));
}

std::optional<rate_limiter::time_point> rate_limiter::paused_until() const {
  std::optional<time_point> out;
  for (auto* b : {&short_, &long_})
    if (b->hold && (!out || *b->hold > *out))
      out = b->hold;
  return out;
}

} // namespace tmcp::twenty

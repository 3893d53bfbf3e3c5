#include "integration/shared_budget.hpp"

#include <algorithm>

#include "integration/rate_info.hpp"

namespace tmcp::twenty {

namespace {

using namespace std::chrono_literals;

// KEYS: short bucket, long bucket, pause, learned short limit, learned long limit. ARGV:
// short limit, short ttl ms, long limit, long ttl ms (a limit of 0 = bucket off), tokens
// wanted. Returns {granted, wait ms}: up to the tokens wanted, taken from both buckets at once,
// or none and how long until one refills. A limit some instance learned from Twenty, when
// lower, replaces the configured one for all. Tokens refill continuously like Twenty's; time is
// Redis' clock, so skewed hosts agree.
constexpr const char* lease_script = R"LUA(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = redis.call('PTTL', KEYS[3])
if pause and pause > 0 then return {0, pause} end
local want = tonumber(ARGV[5])
local grant = want
local wait = 0
local state = {}
for i = 1, 2 do
  local limit = tonumber(ARGV[i * 2 - 1])
  local ttl = tonumber(ARGV[i * 2])
  local learned = tonumber(redis.call('GET', KEYS[3 + i]))
  if learned and learned >= 1 and limit > 0 and learned < limit then limit = learned end
  if limit > 0 then
    local b = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
    local tokens = tonumber(b[1]) or limit
    local ts = tonumber(b[2]) or now
    if now > ts then tokens = tokens + (now - ts) * limit / ttl end
    tokens = math.min(limit, tokens)
    grant = math.min(grant, math.floor(tokens))
    if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) * ttl / limit)) end
    state[i] = {tokens, ttl}
  end
end
if grant < 0 then grant = 0 end
for i = 1, 2 do
  if state[i] then
    redis.call('HSET', KEYS[i], 'tokens', tostring(state[i][1] - grant), 'ts', tostring(now))
    redis.call('PEXPIRE', KEYS[i], state[i][2] * 2)
  end
end
return {grant, wait}
)LUA";

} // namespace

rate_limits shared_budget::local_share(const rate_limits& l, int instances) {
  auto n = std::max(1, instances);
  auto out = l;
  out.short_limit = std::max(1, l.short_limit / n);
  out.long_limit = std::max(1, l.long_limit / n);
  return out;
}

shared_budget::shared_budget(std::shared_ptr<redis::client> redis, budget_settings settings)
  : redis_(std::move(redis)),
    settings_(std::move(settings)),
    local_(local_share(settings_.limits, redis_ ? settings_.instances : 1)) {
  // Small leases keep the instances fair; at least one token.
  auto limit = settings_.limits.short_enabled ? settings_.limits.short_limit
                                              : settings_.limits.long_limit;
  lease_size_ = std::max(1, limit / (4 * std::max(1, settings_.instances)));
}

bool shared_budget::degraded() const {
  return redis_ && !redis_->up();
}

bool shared_budget::try_acquire(time_point now) {
  std::lock_guard<std::mutex> guard(mtx_);
  if (!redis_ || !redis_->up()) {
    leased_ = 0;
    return local_.try_acquire(now);
  }
  // Unused tokens go back to nobody after a short window, so no instance hoards them.
  if (leased_ > 0 && now >= lease_expires_)
    leased_ = 0;
  bool got = leased_ > 0;
  if (got)
    --leased_;
  if (leased_ == 0)
    refill(now);
  return got;
}

shared_budget::time_point shared_budget::next_available(time_point now) const {
  std::lock_guard<std::mutex> guard(mtx_);
  if (!redis_ || !redis_->up())
    return local_.next_available(now);
  if (leased_ > 0)
    return now;
  // A lease is on its way (a Redis round trip) or Redis asked to wait.
  return std::max(now + 2ms, retry_at_);
}

void shared_budget::refill(time_point now) {
  if (refilling_ || now < retry_at_)
    return;
  refilling_ = true;
  const auto& l = settings_.limits;
  auto p = settings_.key_prefix;
  std::vector<std::string> argv{
    "EVAL", lease_script, "5", p + ":short", p + ":long", p + ":pause", p + ":learned:short",
    p + ":learned:long",
    std::to_string(l.short_enabled ? l.short_limit : 0), std::to_string(l.short_ttl.count()),
    std::to_string(l.long_enabled ? l.long_limit : 0), std::to_string(l.long_ttl.count()),
    std::to_string(lease_size_)};
  auto window = l.short_enabled ? l.short_ttl : l.long_ttl;
  // Weak: a reply in flight must not keep the budget (and with it the Redis client) alive, or
  // the client's last owner could be its own I/O thread.
  redis_->command(std::move(argv), [weak = weak_from_this(), window](redis::reply r) {
    auto self = weak.lock();
    if (!self)
      return;
    std::lock_guard<std::mutex> guard(self->mtx_);
    self->refilling_ = false;
    auto at = clock::now();
    if (r.type != redis::reply::kind::array || r.elements.size() != 2) {
      self->retry_at_ = at + 10ms; // Redis hiccup: the local share takes over if it is down
      return;
    }
    auto granted = static_cast<int>(r.elements[0].integer);
    auto wait = std::chrono::milliseconds(std::max<long long>(0, r.elements[1].integer));
    self->leased_ += granted;
    self->lease_expires_ = at + window;
    self->retry_at_ = granted > 0 ? at : at + std::max(wait, std::chrono::milliseconds{1});
  });
}

void shared_budget::on_response(const response& r) {
  learn(read_rate_info(r, api::rest), clock::now(), std::chrono::system_clock::now());
}

void shared_budget::learn(const rate_info& info, time_point now, wall_time_point wall_now) {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    local_.learn(info, now, wall_now);
  }
  if (!redis_)
    return;
  share_learned_limit(info);
  if (info.limited || info.retry_after_seconds)
    pause_everyone(std::chrono::seconds(info.retry_after_seconds.value_or(1)));
}

void shared_budget::share_learned_limit(const rate_info& info) {
  if (!info.limit || *info.limit < 1)
    return;
  const auto& l = settings_.limits;
  // The period names the bucket, as in rate_limiter::learn; without one, the short bucket.
  bool is_long = info.period && l.long_enabled && (!l.short_enabled || *info.period >= l.long_ttl);
  int configured = is_long ? l.long_limit : l.short_limit;
  if (*info.limit >= configured)
    return;
  // Every instance's next lease uses it; it lapses like a locally learned limit does.
  redis_->command({"SET", settings_.key_prefix + (is_long ? ":learned:long" : ":learned:short"),
                   std::to_string(*info.limit), "PX", std::to_string(l.relearn_after.count())},
                  [](redis::reply) {});
}

void shared_budget::pause_everyone(std::chrono::milliseconds pause) {
  auto ms = std::clamp<long long>(pause.count(), 1, settings_.limits.max_pause.count());
  redis_->command({"SET", settings_.key_prefix + ":pause", "1", "PX", std::to_string(ms)},
                  [](redis::reply) {});
  std::lock_guard<std::mutex> guard(mtx_);
  leased_ = 0; // what was leased before the 429 is not trusted
}

std::string shared_budget::describe() const {
  auto whole = rate_limiter(settings_.limits).describe();
  if (!redis_)
    return whole;
  if (degraded())
    return whole + ", shared over Redis (unreachable: this instance spends "
           + std::to_string(settings_.instances > 1 ? 100 / settings_.instances : 100)
           + "% of it)";
  return whole + ", shared over Redis by every instance";
}

int shared_budget::short_tokens(time_point now) const {
  std::lock_guard<std::mutex> guard(mtx_);
  return redis_ && redis_->up() ? leased_ : local_.short_tokens(now);
}

int shared_budget::long_tokens(time_point now) const {
  std::lock_guard<std::mutex> guard(mtx_);
  return redis_ && redis_->up() ? leased_ : local_.long_tokens(now);
}

} // namespace tmcp::twenty

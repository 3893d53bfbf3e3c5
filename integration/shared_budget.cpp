#include "integration/shared_budget.hpp"

#include <algorithm>
#include <optional>

#include "integration/rate_info.hpp"

namespace tmcp::twenty {

namespace {

using namespace std::chrono_literals;

// How long a leased token may wait to be spent (plus room for the trip to Twenty); the short
// window is this much longer than Twenty's period, so spends stay within Twenty's limit.
constexpr std::chrono::milliseconds lease_hold{50};
constexpr std::chrono::milliseconds trip_margin{25};

// KEYS: short window, long bucket, pause, learned short limit, learned long limit, lease
// counter. ARGV: short limit, short ttl ms, long limit, long ttl ms (a limit of 0 = off), tokens
// wanted, hold ms, then the ages (ms) of calls spent locally while Redis was away. Returns
// {granted, wait ms, lease number}.
// - The short limit is a sliding window of grant times (members "<lease>:<k>"): at most `limit`
//   grants in any ttl + hold, so no period of Twenty's ever sees more than its limit (a token
//   bucket of that limit admits such a stream), even after an idle spell.
// - The long limit is a token bucket like Twenty's, refilled continuously: once spent, calls
//   wait for one refill, not for the whole period (a minute).
// A lower limit some instance learned from Twenty replaces the configured one for all. Time is
// Redis' clock, so skewed hosts agree.
constexpr const char* lease_script = R"LUA(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = redis.call('PTTL', KEYS[3])
if pause and pause > 0 then return {0, pause, 0} end
local grant = tonumber(ARGV[5])
local hold = tonumber(ARGV[6])
local seq = redis.call('INCR', KEYS[6])
local wait = 0
local function limit_of(i)
  local limit = tonumber(ARGV[i * 2 - 1])
  local learned = tonumber(redis.call('GET', KEYS[3 + i]))
  if learned and learned >= 1 and limit > 0 and learned < limit then limit = learned end
  return limit, tonumber(ARGV[i * 2])
end
local slimit, sttl = limit_of(1)
local window = sttl + hold
if slimit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  for j = 7, #ARGV do
    local at = now - tonumber(ARGV[j])
    if at > now - window then redis.call('ZADD', KEYS[1], at, seq .. ':local:' .. j) end
  end
  local used = redis.call('ZCARD', KEYS[1])
  local free = slimit - used
  if free < grant then grant = math.max(free, 0) end
  if free < 1 then
    local oldest = redis.call('ZRANGE', KEYS[1], used - slimit, used - slimit, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now + 1)
  end
end
local llimit, lttl = limit_of(2)
local tokens = 0
if llimit > 0 then
  local b = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
  tokens = tonumber(b[1]) or llimit
  local ts = tonumber(b[2]) or now
  if now > ts then tokens = math.min(llimit, tokens + (now - ts) * llimit / lttl) end
  tokens = tokens - (#ARGV - 6)
  grant = math.max(0, math.min(grant, math.floor(tokens)))
  if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) * lttl / llimit)) end
end
if slimit > 0 then
  for k = 1, grant do redis.call('ZADD', KEYS[1], now, seq .. ':' .. k) end
  redis.call('PEXPIRE', KEYS[1], window)
end
if llimit > 0 then
  redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - grant), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[2], lttl * 2)
end
return {grant, wait, seq}
)LUA";

// KEYS: short window, long bucket. ARGV: tokens given back, then their window members.
constexpr const char* give_back_script = R"LUA(
if #ARGV > 1 then redis.call('ZREM', KEYS[1], unpack(ARGV, 2)) end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HINCRBYFLOAT', KEYS[2], 'tokens', ARGV[1])
end
return 1
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
  // Small leases keep the instances fair and little budget parked; at least one token.
  auto limit = settings_.limits.short_enabled ? settings_.limits.short_limit
                                              : settings_.limits.long_limit;
  lease_size_ = std::clamp(limit / (4 * std::max(1, settings_.instances)), 1, 4);
}

std::shared_ptr<shared_budget> shared_budget::create(std::shared_ptr<redis::client> redis,
                                                     budget_settings settings) {
  auto budget = std::make_shared<shared_budget>(redis, std::move(settings));
  if (redis)
    redis->on_state([weak = std::weak_ptr<shared_budget>(budget)](bool up) {
      if (auto self = weak.lock(); self && up)
        self->report_local_spends();
    });
  return budget;
}

void shared_budget::report_local_spends() {
  std::optional<lease_request> req;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (!local_spends_.empty())
      req = prepare_lease(clock::now(), 0);
  }
  if (req)
    send_lease(std::move(*req));
}

bool shared_budget::degraded() const {
  return redis_ && !redis_->up();
}

bool shared_budget::try_acquire(time_point now) {
  std::optional<lease_request> req;
  std::vector<std::string> unspent;
  bool got = false;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (!redis_ || !redis_->up()) {
      leased_ = 0;
      got = local_.try_acquire(now);
      if (got && redis_)
        remember_local_spend(now);
      return got;
    }
    // The windows only cover spends within the hold; later, the token is not safe to spend,
    // and goes back to the windows for any instance to take.
    if (leased_ > 0 && now >= lease_expires_) {
      unspent = give_back();
      leased_ = 0;
    }
    got = leased_ > 0;
    if (got)
      --leased_;
    if (leased_ == 0)
      req = prepare_lease(now, lease_size_);
  }
  // Outside the lock: a stopped client answers at once, and the answer takes the lock.
  if (!unspent.empty())
    redis_->command(std::move(unspent), [](redis::reply) {});
  if (req)
    send_lease(std::move(*req));
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

std::optional<shared_budget::lease_request> shared_budget::prepare_lease(time_point now,
                                                                        int want) {
  if (refilling_ || now < retry_at_)
    return std::nullopt;
  refilling_ = true;
  const auto& l = settings_.limits;
  auto p = settings_.key_prefix;
  std::vector<std::string> argv{
    "EVAL", lease_script, "6", p + ":short", p + ":long", p + ":pause", p + ":learned:short",
    p + ":learned:long", p + ":seq",
    std::to_string(l.short_enabled ? l.short_limit : 0), std::to_string(l.short_ttl.count()),
    std::to_string(l.long_enabled ? l.long_limit : 0), std::to_string(l.long_ttl.count()),
    std::to_string(want), std::to_string((lease_hold + trip_margin).count())};
  // Calls spent on the local share while Redis was away count against the shared windows.
  auto debt = std::move(local_spends_);
  local_spends_.clear();
  for (auto at : debt)
    argv.push_back(std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(now - at).count()));
  return lease_request{std::move(argv), std::move(debt)};
}

void shared_budget::send_lease(lease_request req) {
  // Weak: a reply in flight must not keep the budget (and with it the Redis client) alive, or
  // the client's last owner could be its own I/O thread.
  redis_->command(std::move(req.argv), [weak = weak_from_this(),
                                        debt = std::move(req.debt)](redis::reply r) {
    auto self = weak.lock();
    if (!self)
      return;
    std::lock_guard<std::mutex> guard(self->mtx_);
    self->refilling_ = false;
    auto at = clock::now();
    if (r.type != redis::reply::kind::array || r.elements.size() != 3) {
      // Not counted yet: try again with the next lease.
      self->local_spends_.insert(self->local_spends_.begin(), debt.begin(), debt.end());
      self->retry_at_ = at + 10ms; // Redis hiccup: the local share takes over if it is down
      return;
    }
    auto granted = static_cast<int>(r.elements[0].integer);
    auto wait = std::chrono::milliseconds(std::max<long long>(0, r.elements[1].integer));
    if (granted > 0) { // only asked for while none is left (or for nothing, to report spends)
      self->leased_ = granted;
      self->lease_number_ = r.elements[2].integer;
      self->lease_expires_ = at + lease_hold;
    }
    self->retry_at_ = granted > 0 ? at : at + std::max(wait, std::chrono::milliseconds{1});
  });
}

std::vector<std::string> shared_budget::give_back() const {
  const auto& p = settings_.key_prefix;
  std::vector<std::string> cmd{"EVAL", give_back_script, "2", p + ":short", p + ":long",
                               std::to_string(leased_)};
  for (int k = 1; k <= leased_; ++k)
    cmd.push_back(std::to_string(lease_number_) + ":" + std::to_string(k));
  return cmd;
}

void shared_budget::remember_local_spend(time_point now) {
  const auto& l = settings_.limits;
  auto horizon = std::max(l.short_enabled ? l.short_ttl : 0ms, l.long_enabled ? l.long_ttl : 0ms);
  while (!local_spends_.empty() && now - local_spends_.front() > horizon)
    local_spends_.erase(local_spends_.begin());
  // The local share allows at most its limit per window, so this stays small.
  if (local_spends_.size() < 4096)
    local_spends_.push_back(now);
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

// One Twenty rate budget for every instance: Twenty's two limits kept in Redis (the short one
// as a sliding window of grant times, the long one as a token bucket) and taken atomically by a
// Lua script on Redis' clock, plus the pauses (429s) and the lower limits any instance learned
// from Twenty's answers. The gateway asks synchronously (it must never wait on Redis), so
// tokens are leased from Redis a few at a time in the background and spent locally within a
// short hold, which the window allows for; unspent ones go back. While Redis is away each
// instance spends limit/N locally, and reports those calls when it is back.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "integration/rate_limiter.hpp"
#include "integration/redis_client.hpp"

namespace tmcp::twenty {

struct budget_settings {
  rate_limits limits;
  // Redis keys start with this (e.g. "tmcp:<workspace>:rl").
  std::string key_prefix = "tmcp:rl";
  // Instances sharing the budget: the local fallback spends limit/instances.
  int instances = 1;
};

// The gateway spends it through the rate_budget interface like a local limiter.
class shared_budget : public rate_budget, public std::enable_shared_from_this<shared_budget> {
public:
  using clock = std::chrono::steady_clock;

  // `redis` may be null (then only the local budget exists). Calls spent on the local share
  // while Redis was away are reported as soon as it is back.
  static std::shared_ptr<shared_budget> create(std::shared_ptr<redis::client> redis,
                                               budget_settings settings);
  // Use create(); public for make_shared.
  shared_budget(std::shared_ptr<redis::client> redis, budget_settings settings);

  // Spends one token if the lease (or, without Redis, the local share) has one; never waits.
  // Starts a lease refill in the background when the lease runs low.
  bool try_acquire(time_point now) override;

  // When try_acquire is worth calling again.
  time_point next_available(time_point now) const override;

  // Learns from what Twenty said: the local share learns the limit; a 429 or Retry-After
  // pauses every instance.
  void learn(const rate_info& info, time_point now, wall_time_point wall_now) override;
  void on_response(const response& r);

  std::string describe() const override;
  // Tokens this instance can spend now: its lease (or its local share while degraded).
  int short_tokens(time_point now) const override;
  int long_tokens(time_point now) const override;

  // True while Redis is configured but not reachable (the local share is in use).
  bool degraded() const;

  // The local fallback's limits (limit/instances, at least 1 per window).
  static rate_limits local_share(const rate_limits& l, int instances);

  // Tokens asked of Redis per lease.
  int lease_size() const { return lease_size_; }

private:
  struct lease_request {
    std::vector<std::string> argv;
    std::vector<time_point> debt; // local spends it reports
  };
  // Under the lock: the next lease to ask for, unless one is on its way or Redis said wait.
  std::optional<lease_request> prepare_lease(time_point now, int want);
  // Without the lock.
  void send_lease(lease_request req);
  void remember_local_spend(time_point now);
  // Under the lock: the command that returns the lease's unspent tokens.
  std::vector<std::string> give_back() const;
  void report_local_spends();
  void pause_everyone(std::chrono::milliseconds pause);
  void share_learned_limit(const rate_info& info);

  std::shared_ptr<redis::client> redis_;
  budget_settings settings_;
  int lease_size_ = 1;
  mutable std::mutex mtx_;
  rate_limiter local_;
  int leased_ = 0;
  long long lease_number_ = 0; // the current lease's grants are "<number>:1..n" in the windows
  time_point lease_expires_{};
  bool refilling_ = false;
  time_point retry_at_{}; // Redis said "wait" until then
  // When this instance spent its local share while Redis was away (reported with the next lease).
  std::vector<time_point> local_spends_;
};

} // namespace tmcp::twenty

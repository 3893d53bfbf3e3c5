// Twenty's API-key throttle: a short and a long token bucket, each refilled continuously.
#pragma once

#include "api_types.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace standin {

struct bucket_config {
  bool enabled = true;
  double limit = 100;
  std::int64_t ttl_ms = 1000;
};

struct rate_config {
  bucket_config short_bucket{true, 100, 1000};   // API_RATE_LIMITING_SHORT_*
  bucket_config long_bucket{true, 100, 60000};   // API_RATE_LIMITING_LONG_*
};

struct rate_decision {
  bool allowed = true;
  double limit = 0;              // of the bucket that refused
  std::int64_t ttl_ms = 0;
  double remaining = 0;          // tokens left in the refusing bucket (floored in headers)
  std::int64_t retry_after_s = 0;
  std::int64_t reset_epoch_s = 0;
};

class rate_limiter {
public:
  explicit rate_limiter(rate_config cfg = {}) : cfg_(cfg) {}
  // Takes one token from the short bucket, then from the long one (Twenty's order).
  rate_decision consume(const std::string& key, std::int64_t now_ms);
  void configure(const rate_config& cfg);
  rate_config config() const;
  // The most requests admitted (any key) within one short-bucket period, over the times kept
  // since the last forget_admitted(): how close a client came to the limit.
  std::uint64_t busiest_window() const;
  void forget_admitted();

private:
  struct bucket_state {
    double tokens = 0;
    std::int64_t last_ms = 0;
    bool primed = false;
  };
  bool take(bucket_state& st, const bucket_config& cfg, std::int64_t now_ms, rate_decision& d);

  mutable std::mutex mu_;
  rate_config cfg_;
  std::map<std::string, bucket_state> short_, long_;
  std::deque<std::int64_t> admitted_ms_; // newest last, bounded

};

// The newest 429 body (usage-limit path) plus Retry-After and X-RateLimit-* headers.
http_response rate_limited_response(const rate_decision& d, const std::string& api_key_id,
                                    const std::string& operation_type);

}  // namespace standin

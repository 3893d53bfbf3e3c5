#include "rate_limiter.hpp"

#include "json_util.hpp"

#include <algorithm>
#include <cmath>

namespace standin {

bool rate_limiter::take(bucket_state& st, const bucket_config& cfg, std::int64_t now_ms,
                        rate_decision& d) {
  if (!cfg.enabled) return true;
  const double refill_per_ms = cfg.limit / static_cast<double>(cfg.ttl_ms);
  if (!st.primed) {
    st = {cfg.limit, now_ms, true};
  } else {
    double elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ms - st.last_ms));
    st.tokens = std::min(cfg.limit, st.tokens + elapsed * refill_per_ms);
    st.last_ms = now_ms;
  }
  if (st.tokens >= 1) {
    st.tokens -= 1;
    return true;
  }
  d.allowed = false;
  d.limit = cfg.limit;
  d.ttl_ms = cfg.ttl_ms;
  d.remaining = st.tokens;
  double wait_ms = (1 - st.tokens) / refill_per_ms;
  d.retry_after_s = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_ms / 1000)));
  d.reset_epoch_s = (now_ms + static_cast<std::int64_t>(std::ceil(wait_ms)) + 999) / 1000;
  return false;
}

rate_decision rate_limiter::consume(const std::string& key, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  rate_decision d;
  if (!take(short_[key], cfg_.short_bucket, now_ms, d)) return d;
  if (take(long_[key], cfg_.long_bucket, now_ms, d)) {
    if (admitted_ms_.size() >= 1000000) admitted_ms_.pop_front();
    admitted_ms_.push_back(now_ms);
  }
  return d;
}

std::uint64_t rate_limiter::busiest_window() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::uint64_t best = 0;
  for (std::size_t lo = 0, hi = 0; hi < admitted_ms_.size(); ++hi) {
    while (admitted_ms_[hi] - admitted_ms_[lo] >= cfg_.short_bucket.ttl_ms) ++lo;
    best = std::max<std::uint64_t>(best, hi - lo + 1);
  }
  return best;
}

void rate_limiter::forget_admitted() {
  std::lock_guard<std::mutex> lock(mu_);
  admitted_ms_.clear();
}

void rate_limiter::configure(const rate_config& cfg) {
  std::lock_guard<std::mutex> lock(mu_);
  cfg_ = cfg;
  short_.clear();
  long_.clear();
}

rate_config rate_limiter::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cfg_;
}

http_response rate_limited_response(const rate_decision& d, const std::string& api_key_id,
                                    const std::string& operation_type) {
  const auto limit = static_cast<std::int64_t>(d.limit);
  std::int64_t count = d.ttl_ms;
  std::string unit = "millisecond";
  if (d.ttl_ms % 60000 == 0) { count = d.ttl_ms / 60000; unit = "minute"; }
  else if (d.ttl_ms % 1000 == 0) { count = d.ttl_ms / 1000; unit = "second"; }
  const auto remaining = static_cast<std::int64_t>(std::floor(std::max(0.0, d.remaining)));
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  w.Key("statusCode"); w.Int(429);
  w.Key("error"); w.String("RATE_LIMITED");
  w.Key("messages");
  w.StartArray();
  w.String(("Limit reached (" + std::to_string(limit) + " tokens per " + std::to_string(d.ttl_ms) + " ms)").c_str());
  w.EndArray();
  w.Key("limitKind"); w.String("speed");
  w.Key("scope");
  w.StartObject();
  w.Key("spenderType"); w.String("apiKey");
  w.Key("spenderId"); w.String(api_key_id.c_str());
  w.Key("operationType"); w.String(operation_type.c_str());
  w.EndObject();
  w.Key("limit"); w.Int64(limit);
  w.Key("remaining"); w.Int64(remaining);
  w.Key("periodCount"); w.Int64(count);
  w.Key("periodUnit"); w.String(unit.c_str());
  w.Key("retryAfterSeconds"); w.Int64(d.retry_after_s);
  w.EndObject();
  http_response r = json_response(429, sb.GetString());
  r.headers = {{"Retry-After", std::to_string(d.retry_after_s)},
               {"X-RateLimit-Limit", std::to_string(limit)},
               {"X-RateLimit-Remaining", std::to_string(remaining)},
               {"X-RateLimit-Reset", std::to_string(d.reset_epoch_s)}};
  return r;
}

}  // namespace standin

// Request counters for /_standin/stats: per route, 429s, writes, faults, webhook deliveries.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace standin {

class stats {
public:
  void count_request(const std::string& route);
  void count_rate_limited();
  void count_write();
  void count_fault(const std::string& kind);
  void count_webhook(bool delivered);
  void reset();
  // {"totalRequests":N,"routes":{"GET /rest/{object}":N,…},"rateLimited":N,"writes":N,
  //  "faults":{"total":N,"5xx":N,"reset":N,"stall":N},"webhooks":{"delivered":N,"failed":N},
  //  "busiestWindow":{"ms":period,"requests":N}} (the throttle's busiest short period)
  std::string to_json(std::int64_t window_ms, std::uint64_t busiest) const;
  std::uint64_t route_count(const std::string& route) const;
  std::uint64_t total() const;

private:
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> routes_;
  std::map<std::string, std::uint64_t> faults_;
  std::uint64_t total_ = 0, rate_limited_ = 0, writes_ = 0, delivered_ = 0, failed_ = 0;
};

}  // namespace standin

#include "stats.hpp"

#include "json_util.hpp"

namespace standin {

void stats::count_request(const std::string& route) {
  std::lock_guard<std::mutex> lock(mu_);
  ++total_;
  ++routes_[route];
}

void stats::count_rate_limited() { std::lock_guard<std::mutex> lock(mu_); ++rate_limited_; }
void stats::count_write() { std::lock_guard<std::mutex> lock(mu_); ++writes_; }
void stats::count_fault(const std::string& kind) { std::lock_guard<std::mutex> lock(mu_); ++faults_[kind]; }

void stats::count_webhook(bool delivered) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(delivered ? delivered_ : failed_);
}

void stats::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  routes_.clear();
  faults_.clear();
  total_ = rate_limited_ = writes_ = delivered_ = failed_ = 0;
}

std::uint64_t stats::route_count(const std::string& route) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = routes_.find(route);
  return it == routes_.end() ? 0 : it->second;
}

std::uint64_t stats::total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_;
}

std::string stats::to_json(std::int64_t window_ms, std::uint64_t busiest) const {
  std::lock_guard<std::mutex> lock(mu_);
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  w.Key("totalRequests"); w.Uint64(total_);
  w.Key("routes");
  w.StartObject();
  for (auto& [k, v] : routes_) { w.Key(k.c_str()); w.Uint64(v); }
  w.EndObject();
  w.Key("rateLimited"); w.Uint64(rate_limited_);
  w.Key("writes"); w.Uint64(writes_);
  std::uint64_t faults = 0;
  for (auto& [k, v] : faults_) faults += v;
  w.Key("faults");
  w.StartObject();
  w.Key("total"); w.Uint64(faults);
  for (const char* k : {"5xx", "reset", "stall"}) {
    auto it = faults_.find(k);
    w.Key(k); w.Uint64(it == faults_.end() ? 0 : it->second);
  }
  w.EndObject();
  w.Key("webhooks");
  w.StartObject();
  w.Key("delivered"); w.Uint64(delivered_);
  w.Key("failed"); w.Uint64(failed_);
  w.EndObject();
  w.Key("busiestWindow");
  w.StartObject();
  w.Key("ms"); w.Int64(window_ms);
  w.Key("requests"); w.Uint64(busiest);
  w.EndObject();
  w.EndObject();
  return sb.GetString();
}

}  // namespace standin

#include "report.hpp"

#include <algorithm>
#include <cstdio>

namespace twenty_bench {

latency_summary summarize(std::vector<std::uint32_t>& us, double seconds) {
  latency_summary s;
  if (us.empty())
    return s;
  std::sort(us.begin(), us.end());
  auto rank = [&](double p) {
    auto r = static_cast<std::size_t>(p / 100.0 * static_cast<double>(us.size()) + 0.999999);
    return us[std::clamp<std::size_t>(r, 1, us.size()) - 1] / 1000.0;
  };
  s.per_s = seconds > 0 ? static_cast<double>(us.size()) / seconds : 0;
  s.p50_ms = rank(50);
  s.p99_ms = rank(99);
  s.max_ms = us.back() / 1000.0;
  return s;
}

void print_errors(const std::map<std::string, std::uint64_t>& errors) {
  for (const auto& [reason, n] : errors)
    std::printf("  error: %s x%llu\n", reason.c_str(), static_cast<unsigned long long>(n));
}

result_line& result_line::add_ms(const std::string& key, double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms);
  text_ += " " + key + "=" + buf;
  return *this;
}

void result_line::print() const {
  std::printf("RESULT%s\n", text_.c_str());
  std::fflush(stdout);
}

void latch::count_down() {
  std::lock_guard<std::mutex> lock(m_);
  if (n_ > 0 && --n_ == 0)
    cv_.notify_all();
}

void latch::wait() {
  std::unique_lock<std::mutex> lock(m_);
  cv_.wait(lock, [&] { return n_ == 0; });
}

}  // namespace twenty_bench

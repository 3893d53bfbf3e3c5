#include "latency_stats.hpp"

#include <algorithm>
#include <cstdio>

namespace mcp_bench {
namespace {

double percentile_ms(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty())
    return 0.0;
  // Nearest-rank percentile.
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1000.0;
}

summary_row print_row(const std::string& name, method_stats s, double elapsed_s) {
  std::sort(s.latency_us.begin(), s.latency_us.end());
  auto ok = s.latency_us.size();
  summary_row r;
  r.requests = ok + s.errors;
  r.errors = s.errors;
  r.ok_per_s = elapsed_s > 0 ? static_cast<double>(ok) / elapsed_s : 0.0;
  r.p50_ms = percentile_ms(s.latency_us, 50);
  r.p99_ms = percentile_ms(s.latency_us, 99);
  r.max_ms = ok ? s.latency_us.back() / 1000.0 : 0.0;
  std::printf("%-12s %10llu %8llu %11.0f %9.3f %9.3f %9.3f\n", name.c_str(),
              static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.errors),
              r.ok_per_s, r.p50_ms, r.p99_ms, r.max_ms);
  return r;
}

}  // namespace

void method_stats::merge(const method_stats& other) {
  latency_us.insert(latency_us.end(), other.latency_us.begin(), other.latency_us.end());
  errors += other.errors;
  for (const auto& [reason, n] : other.error_reasons)
    error_reasons[reason] += n;
}

void merge_into(stats_by_method& total, const stats_by_method& part) {
  for (const auto& [name, s] : part)
    total[name].merge(s);
}

summary_row print_summary(const stats_by_method& stats, double elapsed_s) {
  std::printf("%-12s %10s %8s %11s %9s %9s %9s\n", "method", "requests", "errors", "ok req/s",
              "p50 ms", "p99 ms", "max ms");
  method_stats all;
  for (const auto& [name, s] : stats) {
    print_row(name, s, elapsed_s);
    all.merge(s);
  }
  auto row = print_row("all", all, elapsed_s);
  for (const auto& [reason, n] : all.error_reasons)
    std::printf("  error: %-40s x%llu\n", reason.c_str(), static_cast<unsigned long long>(n));
  return row;
}

}  // namespace mcp_bench

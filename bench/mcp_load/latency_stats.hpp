// Latency samples per method and the summary table (requests, errors, req/s, p50/p99/max).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mcp_bench {

struct method_stats {
  std::vector<std::uint32_t> latency_us;  // successful requests only
  std::uint64_t errors = 0;
  std::map<std::string, std::uint64_t> error_reasons;  // reason -> count

  void merge(const method_stats& other);
};

using stats_by_method = std::map<std::string, method_stats>;

void merge_into(stats_by_method& total, const stats_by_method& part);

struct summary_row {
  std::uint64_t requests = 0;  // finished requests, successful or not
  std::uint64_t errors = 0;
  double ok_per_s = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
};

// Prints one row per method plus an "all" row (and the error reasons); returns the "all" row.
summary_row print_summary(const stats_by_method& stats, double elapsed_s);

}  // namespace mcp_bench

// The numbers of the analytics dashboard: the pipeline by stage (count and amount per
// currency), new opportunities per month with their amounts, the anomalies of that series
// (complete months only), the stale open deals and the overdue tasks. Computed through
// twenty_aggregate's path (Twenty's groupBy where the release has it, else pages) and small
// filtered list calls, every call at bulk priority and through the service's cache: a second
// read costs no upstream call until a change to opportunities or tasks drops those entries.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

struct dashboard_params {
  int64_t now = 0;     // UTC seconds: the month the trend ends in, what is overdue or stale
  int months = 12;     // of trend, this month included
  int stale_days = 30; // open deals untouched this long are stale
};

// Computes the dashboard for the caller of `ctx` (its calls queue with the caller's session
// and stop when it cancels); `done` gets its JSON text once. A section that cannot be computed
// (an object missing or refused by MCP_PERMISSIONS, a failed call) holds an "error" instead,
// and the other sections are still there.
void build_dashboard(std::shared_ptr<const tool_env> env, dashboard_params p, ctx_ptr ctx,
                     std::function<void(std::string)> done);

} // namespace tmcp::twenty::tools

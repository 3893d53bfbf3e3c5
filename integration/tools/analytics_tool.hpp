// twenty_analytics: trends, opportunity scores and anomalies as jobs (start, progress, cancel,
// status) and the twenty://analytics/jobs/{id} resource with a job's status and result.
#pragma once

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

// Registered only when the environment has analytics jobs.
void add_analytics_tool(catalog& cat, std::shared_ptr<const tool_env> env);

} // namespace tmcp::twenty::tools

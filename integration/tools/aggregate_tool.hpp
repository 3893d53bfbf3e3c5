// twenty_aggregate: counts, sums and other aggregates of one object's records, grouped by 0-3
// fields, in one tool call. Twenty's GraphQL groupBy answers where the release has it; else
// the records are read page by page within the rate budget (analytics/README.md).
#pragma once

#include <memory>

#include "analytics/group_spec.hpp"
#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

void add_aggregate_tool(catalog& cat, std::shared_ptr<const tool_env> env);

// One twenty_aggregate query (`args` as the tool takes them) for other callers too (the
// prompts, the dashboard): `done` gets the tool result, structured or isError, exactly once.
// Pages are always read at bulk priority; groupBy calls at `prio`.
using aggregate_done = std::function<void(std::string tool_result)>;
void run_aggregate(std::shared_ptr<const tool_env> env, const json::value& args, ctx_ptr ctx,
                   aggregate_done done, priority prio = priority::interactive);

// The fields of `obj` as the aggregation engine sees them (relations by their id column).
std::vector<analytics::field_info> aggregate_fields(const object& obj);

} // namespace tmcp::twenty::tools

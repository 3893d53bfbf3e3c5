// twenty_batch_operations: create, update or delete many records with per-item results.
#pragma once

#include <memory>

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

// Records per upstream batch call (Twenty documents 60; newer servers accept up to 200).
inline constexpr std::size_t batch_limit = 60;

void add_batch_tool(catalog& cat, std::shared_ptr<const tool_env> env);

} // namespace tmcp::twenty::tools

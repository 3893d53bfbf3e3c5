// The read tools: twenty_list_records, twenty_search_records, twenty_get_record.
#pragma once

#include <memory>

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

void add_read_tools(catalog& cat, std::shared_ptr<const tool_env> env);

// The list/get logic, shared with the per-object tools: `args` holds the tool's arguments;
// `object_name` overrides args.object when non-empty.
void list_records(const tool_env& env, const std::string& object_name, const json::value& args,
                  ctx_ptr ctx);
void get_record(const tool_env& env, const std::string& object_name, const json::value& args,
                ctx_ptr ctx);

} // namespace tmcp::twenty::tools

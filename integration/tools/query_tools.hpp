// twenty_query_builder (GraphQL passthrough, read-only unless allowed) and twenty_get_schema.
#pragma once

#include <memory>

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

void add_query_tools(catalog& cat, std::shared_ptr<const tool_env> env);

// twenty_query_builder, the "graphql" toolset: opt-in, since the record, aggregate and analytics
// tools answer what agents ask without a tool list entry for raw GraphQL.
void add_graphql_tool(catalog& cat, std::shared_ptr<const tool_env> env);

// "mutation" or "subscription" when the GraphQL document defines one; "" for queries only.
std::string graphql_operation_kind(const std::string& document);

} // namespace tmcp::twenty::tools

#include "integration/tools/registry.hpp"

#include "integration/tools/aggregate_tool.hpp"
#include "integration/tools/analytics_tool.hpp"
#include "integration/tools/batch_tool.hpp"
#include "integration/tools/dashboard_tool.hpp"
#include "integration/tools/query_tools.hpp"
#include "integration/tools/record_reads.hpp"
#include "integration/tools/record_writes.hpp"
#include "integration/tools/webhook_tool.hpp"

namespace tmcp::twenty::tools {

namespace {

// What no single tool description says: the objects there are, and the form answers share.
std::string instructions(const tools_config& config) {
  std::string text =
    "Twenty CRM: people, companies, opportunities, tasks, notes and custom objects; "
    "twenty_get_schema gives their fields. Lists, searches and aggregates answer as columns "
    "and rows.";
  if (config.read_only)
    text += " Read-only: no tool changes data.";
  else if (!config.access.allows_everywhere(operation::read))
    text += " Some objects are off limits here (MCP_PERMISSIONS).";
  const auto& access = config.access;
  if (!config.read_only
      && (access.allows_somewhere(operation::create) || access.allows_somewhere(operation::update)
          || access.allows_somewhere(operation::remove)))
    text += " Writes take dry_run: true to check and show the requests without sending them.";
  return text;
}

} // namespace

catalog_ptr build_catalog(api_ptr api, const tools_config& given, jobs_ptr jobs) {
  auto cat = std::make_shared<catalog>();
  auto config = given;
  if (config.read_only)
    config.access.restrict_to_read();
  auto env = std::make_shared<tool_env>(tool_env{std::move(api), config, std::move(jobs)});
  cat->instructions = instructions(config);
  // Tools that no object lets do anything are not listed (MCP_PERMISSIONS, MCP_READ_ONLY).
  const auto& access = config.access;
  if (config.toolsets.count("core")) {
    bool reads = access.allows_somewhere(operation::read);
    if (reads)
      add_read_tools(*cat, env);
    add_query_tools(*cat, env);
    if (reads) {
      add_aggregate_tool(*cat, env);
      add_analytics_tool(*cat, env);
    }
    add_write_tools(*cat, env);
    add_batch_tool(*cat, env);
  }
  if (config.toolsets.count("objects"))
    add_object_tools(*cat, env);
  if (config.toolsets.count("graphql"))
    add_graphql_tool(*cat, env);
  if (config.toolsets.count("webhooks"))
    add_webhook_tool(*cat, env);
  add_resources_and_prompts(*cat, env);
  if (config.toolsets.count("core") && access.allows_somewhere(operation::read))
    add_dashboard(*cat, env);
  return cat;
}

} // namespace tmcp::twenty::tools

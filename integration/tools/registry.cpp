#include "integration/tools/registry.hpp"

#include "integration/tools/aggregate_tool.hpp"
#include "integration/tools/batch_tool.hpp"
#include "integration/tools/query_tools.hpp"
#include "integration/tools/record_reads.hpp"
#include "integration/tools/record_writes.hpp"
#include "integration/tools/webhook_tool.hpp"

namespace tmcp::twenty::tools {

namespace {

std::string instructions(const tools_config& config) {
  std::string text =
    "Twenty CRM workspace access. Start with twenty_get_schema to see the objects (people, "
    "companies, opportunities, tasks, notes and custom ones) and their fields. "
    "twenty_search_records finds records by text across objects; twenty_list_records filters "
    "and sorts (filter syntax: field[op]:value, e.g. stage[eq]:MEETING; composite fields use "
    "dots, e.g. name.firstName; related records too, e.g. company.name). fields picks what "
    "comes back, related fields included (company.name); tasks and notes take and show "
    "targets. Records are compact: money as \"12.5 USD\", empty values left out; page with "
    "nextCursor. Counts and sums per group (opportunities per stage, amount per month) "
    "take one twenty_aggregate call.";
  if (config.read_only)
    text += " This server is read-only: no tool changes data.";
  else
    text += " Deletes are soft by default and can be undone with twenty_restore_record; "
            "twenty_batch_operations handles many records at once with per-item results.";
  return text;
}

} // namespace

catalog_ptr build_catalog(api_ptr api, const tools_config& config) {
  auto cat = std::make_shared<catalog>();
  auto env = std::make_shared<tool_env>(tool_env{std::move(api), config});
  cat->instructions = instructions(config);
  if (config.toolsets.count("core")) {
    add_read_tools(*cat, env);
    add_query_tools(*cat, env);
    add_aggregate_tool(*cat, env);
    add_webhook_tool(*cat, env);
    if (!config.read_only) {
      add_write_tools(*cat, env);
      add_batch_tool(*cat, env);
    }
  }
  if (config.toolsets.count("objects"))
    add_object_tools(*cat, env);
  add_resources_and_prompts(*cat, env);
  return cat;
}

} // namespace tmcp::twenty::tools

// Builds the catalog of the Twenty server: the core record tools, the optional per-object
// tool set, resources, prompts and completions. Rebuilt whenever the schema changes.
#pragma once

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

catalog_ptr build_catalog(api_ptr api, const tools_config& config, jobs_ptr jobs = nullptr);

// The per-object tools (twenty_list_people, twenty_create_company, ...) for every active,
// non-system object of the current schema (integration/tools/object_tools.cpp).
void add_object_tools(catalog& cat, std::shared_ptr<const tool_env> env);

// twenty://schema, twenty://objects, twenty://fields/{object}, twenty://records/{object}/{id},
// the prompts, and completions for object names, field names and select values
// (integration/tools/resources.cpp).
void add_resources_and_prompts(catalog& cat, std::shared_ptr<const tool_env> env);

// Object names, field names, select values and stages from the live schema, for completions
// (integration/tools/resources.cpp).
completion_handler schema_completer(std::shared_ptr<const tool_env> env);

// The CRM prompts that embed live data: suggest_next_actions, draft_communication and
// relationship_mapping (record_prompts.cpp); analyze_crm_data and identify_opportunities
// (overview_prompts.cpp).
void add_record_prompts(catalog& cat, std::shared_ptr<const tool_env> env);
void add_overview_prompts(catalog& cat, std::shared_ptr<const tool_env> env);

} // namespace tmcp::twenty::tools

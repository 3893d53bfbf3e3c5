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

} // namespace tmcp::twenty::tools

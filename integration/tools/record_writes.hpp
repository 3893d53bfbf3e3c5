// The write tools: twenty_create_record, twenty_update_record, twenty_delete_record,
// twenty_restore_record. Data is checked against the live schema before any upstream call.
#pragma once

#include <memory>
#include <optional>

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

void add_write_tools(catalog& cat, std::shared_ptr<const tool_env> env);

// Validates record data for an object; the message names the field and what is allowed.
std::optional<std::string> check_record_data(const object& obj, const json::value& data,
                                             input_mode mode);

// The agent's record data in Twenty's shapes (money strings, flattened composites converted
// back), checked against the schema; the message names the field and what is allowed.
expected<json::document, std::string> prepare_record_data(const object& obj,
                                                          const json::value& data,
                                                          input_mode mode);

// The cache tags a write on `obj` invalidates: the object itself and every object related to
// it (their depth-1 views embed it), plus the record when known.
std::vector<std::string> write_invalidations(const workspace_schema& schema, const object& obj,
                                             const std::string& id = {});

void create_record(const tool_env& env, const std::string& object_name, const json::value& args,
                   ctx_ptr ctx);
void update_record(const tool_env& env, const std::string& object_name, const json::value& args,
                   ctx_ptr ctx);
void delete_record(const tool_env& env, const std::string& object_name, const json::value& args,
                   ctx_ptr ctx);

} // namespace tmcp::twenty::tools

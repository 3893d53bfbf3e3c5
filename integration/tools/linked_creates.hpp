// Links made with a create: `targets: [{"object":"companies","id":"…"}]` on a task, a note or a
// custom object shaped alike becomes one junction record per target (taskTarget with taskId and
// targetCompanyId, or companyId on older releases: the names come from the schema). Twenty
// refuses nested creates of junction lists, so each link is its own upstream create; when one
// fails, the links already made and the record itself are removed again.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "integration/graphql_query.hpp"
#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

struct link_plan {
  std::string object; // the target's plural, as the agent named it resolved
  std::string id;
  const field* column = nullptr; // the junction's relation to the target
};

struct links {
  junction j;
  std::vector<link_plan> targets;
};

// The links `targets` asks for on a new record of `obj`; nullopt when `targets` is absent or
// empty. An error names the target that cannot be linked and what can.
expected<std::optional<links>, std::string> plan_links(const workspace_schema& schema,
                                                       const object& obj,
                                                       const json::value* targets);

// Creates the junction records for `record_id`; `done` gets nullopt when every link was made,
// else an error naming each target that failed (the links that were made are removed again).
// `snapshot` is the schema `plan` points into.
void create_links(const api_ptr& api, const schema_ptr& snapshot, const links& plan,
                  const std::string& record_id, const ctx_ptr& ctx,
                  std::function<void(std::optional<error>)> done);

// Hard-deletes a record that was created by this call and must not stay; `done` runs after.
void remove_created(const api_ptr& api, const workspace_schema& schema, const object& obj,
                    const std::string& id, const ctx_ptr& ctx, std::function<void()> done);

// The `targets` property of the create tools' input schema.
extern const char* const targets_property;

} // namespace tmcp::twenty::tools

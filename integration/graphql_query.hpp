// Reads of one object's records through Twenty's /graphql with exactly the fields the answer
// shows: the selection set (related fields through relations, a task's or note's targets
// through its junction object), the agent's REST-style filter and order_by as GraphQL input
// values, and the paging of the answer. Plain C++ and RapidJSON; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "integration/record_view.hpp"
#include "integration/schema_model.hpp"

namespace tmcp::twenty {

// Relations a `fields` path may cross: company.accountOwner.name crosses two.
constexpr int max_relation_depth = 2;

// The junction object that links records of `obj` to records of other objects (taskTarget for
// task), found from the schema: a one-to-many field of `obj` whose target has, besides its
// relation back to `obj`, only relations (and at most an optional label field, as custom
// objects get). Null when `obj` has none.
struct junction {
  const field* list_field = nullptr; // task.taskTargets
  const object* link = nullptr;      // taskTarget
  const field* owner = nullptr;      // taskTarget.task (join column taskId)
  std::vector<const field*> targets; // taskTarget.targetCompany, ... (or company, ... earlier)
  // The relation of the link object that points at `target_object` (nameSingular).
  const field* target_field(std::string_view target_object) const;
};
std::optional<junction> find_junction(const workspace_schema& schema, const object& obj);

// The name under which a record's links are read and written.
constexpr const char* targets_key = "targets";

// Checks `fields` paths: fields, composite subfields, relations to depth 2, and `targets` on
// objects with a junction. The message names the wrong part and what would be right.
std::optional<std::string> check_field_paths(const workspace_schema& schema, const object& obj,
                                             const std::vector<std::string>& paths);

// The GraphQL selection set (without braces) of a record: the fields in `only`, or the
// fields the agent's view shows by default. `targets` becomes the junction connection.
std::string selection_set(const workspace_schema& schema, const object& obj,
                          const field_tree* only);

// Objects (plural) whose records the selection embeds, for cache tags.
std::vector<std::string> selected_objects(const workspace_schema& schema, const object& obj,
                                          const field_tree* only);

// The agent's REST filter (`field[op]:value`, and/or/not) as a GraphQL filter input (JSON),
// typed from the schema; `company.name[ilike]:"%a%"` filters through a to-one relation.
expected<std::string, std::string> graphql_filter(const workspace_schema& schema,
                                                  const object& obj, std::string_view filter);

// The agent's order_by (`field[Direction],other`) as a GraphQL orderBy list (JSON).
expected<std::string, std::string> graphql_order(const workspace_schema& schema,
                                                 const object& obj, std::string_view order_by);

// True when the filter or order_by text reaches through a relation (company.name).
bool reaches_relation(const object& obj, std::string_view text);
// The relation fields of `obj` that paths in `text` (a filter or order_by) go through.
std::vector<const field*> relations_reached(const object& obj, std::string_view text);

struct list_query {
  std::string filter_json; // "" for none
  std::string order_json;  // "" for none
  int limit = 20;
  std::string after; // a cursor from a previous page
};

// The body of POST /graphql listing records of `obj` with `selection`.
std::string list_request_body(const object& obj, const std::string& selection,
                              const list_query& q);

// The body of POST /graphql reading one record by id with `selection`.
std::string get_request_body(const object& obj, const std::string& selection,
                             const std::string& id);

// Rewrites the junction connection of a rendered-to-be record into `targets`:
// [{"object":"companies","id":"…","name":"…"}].
void junction_to_targets(const workspace_schema& schema, const object& obj, json::value& rec,
                         json::allocator& a);

} // namespace tmcp::twenty

// Executors for the core (/graphql) and metadata (/metadata) GraphQL endpoints.
#pragma once

#include "graphql.hpp"
#include "rest.hpp"

#include <functional>
#include <optional>
#include <string>

namespace standin {

// Called once per root field; returns an error (e.g. 429) to refuse that field.
using token_fn = std::function<std::optional<api_error>()>;

// Returns the JSON response body ({"data":…} or {"errors":…,"data":…}).
std::string execute_core_graphql(request_context& ctx, const gql_operation& op,
                                 const json_value& variables, const token_fn& take_token);
std::string execute_metadata_graphql(request_context& ctx, const gql_operation& op,
                                     const json_value& variables);

std::string composite_type_name(field_type t);

// `<plural>GroupBy` (graphql_group_by.cpp): the selection of a GroupByConnection, and the
// groups as a JSON array.
std::optional<std::string> validate_group_by_selection(const object_def& o,
                                                       const std::vector<gql_field>& sel);
std::optional<api_error> execute_group_by(store& db, const object_def& o, const json_value& args,
                                          const std::vector<gql_field>& sel, json_value& out,
                                          json_alloc& a);

// Rewrites conditions on a to-one relation's fields ({company: {name: …}}) into conditions on
// its id column, so the rest of the filter code sees plain fields.
result<json_value> resolve_relation_filters(store& db, const object_def& o, const json_value& filter,
                                            json_alloc& a);

}  // namespace standin

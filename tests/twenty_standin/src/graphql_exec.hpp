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

}  // namespace standin

// A GraphQL document parser (operations, fields, aliases, arguments, variables, fragments)
// and the shared pieces of the /graphql and /metadata executors.
#pragma once

#include "api_types.hpp"
#include "json_util.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace standin {

struct gql_value {
  enum kind_t { null_k, int_k, float_k, string_k, bool_k, enum_k, list_k, object_k, variable_k };
  kind_t kind = null_k;
  std::string text;  // number text, string, enum name or variable name
  bool b = false;
  std::vector<gql_value> items;
  std::vector<std::pair<std::string, gql_value>> fields;
};

struct gql_field {
  std::string alias, name;
  std::vector<std::pair<std::string, gql_value>> args;
  std::vector<gql_field> selection;  // fragments already expanded
  const std::string& key() const { return alias.empty() ? name : alias; }
  const gql_value* arg(std::string_view n) const;
};

struct gql_operation {
  std::string type = "query";  // query | mutation | subscription
  std::string name;
  std::vector<gql_field> selection;
  std::vector<std::pair<std::string, gql_value>> variable_defaults;
};

// A GraphQL error for the response's errors[] list.
struct gql_error {
  std::string message;
  std::string code;  // extensions.code
  std::string path;  // root field key, or empty
  std::string sub_code;  // extensions.subCode of Twenty's CustomExceptions, or empty
};

// Parses `doc` and picks the operation (by name when several are defined).
result<gql_operation> parse_graphql(std::string_view doc, const std::string& operation_name,
                                    gql_error* err);

// Resolves a literal (with $variables) into JSON.
json_value gql_to_json(const gql_value& v, const json_value& variables,
                       const std::vector<std::pair<std::string, gql_value>>& defaults, json_alloc& a);
// All arguments of a field as one JSON object.
json_value gql_args(const gql_field& f, const json_value& variables,
                    const std::vector<std::pair<std::string, gql_value>>& defaults, json_alloc& a);

// The HTTP POST body: {"query","variables","operationName"}.
struct gql_request {
  std::string query, operation_name;
  rapidjson::Document variables;
};
bool parse_gql_request(const std::string& body, gql_request& out, std::string* err);

// {"errors":[...]} with optional "data".
std::string gql_error_body(const std::vector<gql_error>& errors, const json_value* data);
std::string gql_code_for(const api_error& e);

}  // namespace standin

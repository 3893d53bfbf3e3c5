// Twenty's record filter: the REST grammar (field[op]:value, and/or/not) and the GraphQL
// filter object both become one tree, evaluated against stored records.
#pragma once

#include "api_types.hpp"
#include "json_util.hpp"
#include "schema.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace standin {

struct filter_scalar {
  enum kind_t { string, number, boolean, null } kind = string;
  std::string s;  // the text for strings (and for REST values of any type)
  double n = 0;
  bool b = false;
};

struct filter_node {
  enum kind_t { all, and_k, or_k, not_k, leaf } kind = all;  // `all` matches everything
  std::vector<filter_node> children;
  std::vector<std::string> path;  // field (or FK column), then an optional composite subfield
  std::string op;
  std::vector<filter_scalar> values;  // one value, or the list for in / containsAny
  // Resolved by bind_filter:
  const field_def* field = nullptr;
  bool is_date = false;
  mutable int hint0 = -1, hint1 = -1;  // member positions, see find_member
};

// REST ?filter=... (Twenty's parse-filter utils, messages included).
result<filter_node> parse_rest_filter(std::string_view query);
// GraphQL `filter:` argument, already resolved to JSON.
result<filter_node> filter_from_graphql(const json_value& v);
// Checks field names against the object and resolves them for evaluation.
std::optional<api_error> bind_filter(filter_node& f, const object_def& o);
// True when any leaf names `field` (Twenty then includes soft-deleted rows).
bool filter_mentions(const filter_node& f, std::string_view field);
bool filter_matches(const filter_node& f, const json_value& record);

// SQL LIKE with % and _ wildcards.
bool like_match(std::string_view text, std::string_view pattern, bool case_insensitive);

}  // namespace standin

// order_by parsing, record ordering, cursors and the paged find-many used by REST and GraphQL.
#pragma once

#include "filter.hpp"
#include "store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace standin {

enum class direction { asc_nulls_first, asc_nulls_last, desc_nulls_first, desc_nulls_last };
std::optional<direction> parse_direction(std::string_view s);

struct order_item {
  std::vector<std::string> path;  // field, then an optional composite subfield
  direction dir = direction::asc_nulls_first;
  bool is_date = false;
};
using order_spec = std::vector<order_item>;  // always ends with {id: AscNullsFirst}

// ?order_by=field1[AscNullsFirst],field2.sub[DescNullsLast],field3
result<order_spec> parse_rest_order_by(const std::optional<std::string>& q);
// GraphQL orderBy: [{field: Dir}] or {field: Dir}, composite {amount: {amountMicros: Dir}}.
result<order_spec> order_from_graphql(const json_value& v);
std::optional<api_error> bind_order(order_spec& spec, const object_def& o);
// <0, 0, >0 like strcmp; `b` may be a decoded cursor object.
int compare_records(const order_spec& spec, const json_value& a, const json_value& b);

// One row's values for the order spec, extracted once so sorting does no lookups or date parsing.
struct sort_key {
  enum kind_t : signed char { null, number, text } kind = null;
  double num = 0;
  std::string_view str;
};
// `hints` (2 per spec item, start at -1) remembers member positions across rows; may be null.
void extract_sort_keys(const order_spec& spec, const json_value& rec, sort_key* out, int* hints = nullptr);
int compare_sort_keys(const order_spec& spec, const sort_key* a, const sort_key* b);

// Twenty's cursor: base64(JSON.stringify({...orderByTopLevelValues, id})).
std::string encode_cursor(const order_spec& spec, const json_value& rec);
std::optional<api_error> decode_cursor(const std::string& cursor, rapidjson::Document& out);

struct find_args {
  filter_node filter;        // bound to the object
  order_spec order;          // bound to the object
  std::size_t limit = 60;
  std::size_t offset = 0;    // GraphQL only
  std::string after, before; // cursors
  bool backward = false;     // GraphQL `last` without `before`
};

struct find_result {
  std::vector<row*> rows;
  std::size_t total_count = 0;
  bool has_next_page = false, has_previous_page = false;
  std::string start_cursor, end_cursor;  // empty -> null
};

result<find_result> find_many(store& s, const object_def& o, const find_args& args);
// Every matching row (soft-deleted excluded unless the filter names deletedAt), unordered.
std::vector<row*> match_all(store& s, const object_def& o, const filter_node& filter);

}  // namespace standin

// What an aggregation asks for, independent of where the numbers come from: the fields it
// may use, 0-3 group dimensions (a date with a granularity), aggregates, an order and a limit
// on the groups. Parsed from the short forms agents write: "stage", "closeDate:month",
// "sum:amount", "count desc".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/expected.hpp"

namespace tmcp::analytics {

// How a field's values are read, grouped and summed.
enum class value_kind {
  text,     // TEXT, UUID, and other plain strings
  number,   // NUMBER, NUMERIC, RATING-like numbers, POSITION
  currency, // {amountMicros, currencyCode}: amounts per currency code
  date,     // DATE, DATE_TIME: ISO strings
  boolean,
  select,   // a string enum with ordered options
  relation, // a to-one relation, read through its id column
  composite, // other composites: grouped by a subfield only
  other,    // arrays, JSON, rich text: counted, never grouped or summed
};

struct field_info {
  std::string name;                 // as agents write it: stage, company, amount
  std::string key;                  // the record key holding the value: stage, companyId
  value_kind kind = value_kind::other;
  std::vector<std::string> options; // select: the option values in their display order
  std::vector<std::string> subfields; // composites
  std::string twenty_type;          // Twenty's FieldMetadataType (DATE_TIME, NUMBER, ...)
};

enum class granularity { none, day, week, month, quarter, year };
const char* to_string(granularity g);

struct dimension {
  field_info field;
  std::string subfield; // a composite's subfield (address.addressCity)
  granularity grain = granularity::none;
  std::string label;    // as written: closeDate:month
};

enum class agg_op {
  count,
  count_empty,
  count_not_empty,
  count_unique,
  percent_empty,
  sum,
  avg,
  min,
  max,
};

struct aggregate {
  agg_op op = agg_op::count;
  field_info field; // empty for count
  std::string label; // as written: count, sum:amount
};

struct group_order {
  std::size_t column = 0; // index into the answer's columns (dimensions, then aggregates)
  bool descending = false;
};

struct group_query {
  std::vector<dimension> dims;
  std::vector<aggregate> aggs;
  std::optional<group_order> order; // none: by the dimensions, select options in their order
  std::size_t limit = 0;            // 0: every group
  std::string time_zone = "UTC";
};

constexpr std::size_t max_dimensions = 3;

// "stage", "company" or "companyId", "address.addressCity", "closeDate:month".
expected<dimension, std::string> parse_dimension(std::string_view text,
                                                 const std::vector<field_info>& fields);

// "count", "countEmpty:F", "countNotEmpty:F", "countUniqueValues:F", "percentEmpty:F",
// "sum:F", "avg:F", "min:F", "max:F".
expected<aggregate, std::string> parse_aggregate(std::string_view text,
                                                 const std::vector<field_info>& fields);

// "<column> [asc|desc]" where column is a dimension or aggregate as written in the query.
expected<group_order, std::string> parse_order(std::string_view text, const group_query& q);

// Column names of the answer: the dimensions' labels, then the aggregates' labels.
std::vector<std::string> column_names(const group_query& q);

} // namespace tmcp::analytics

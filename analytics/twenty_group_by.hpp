// Twenty's own aggregation, as GraphQL: `<plural>GroupBy(groupBy: [...], filter, limit)` with
// aggregate fields such as totalCount, countEmptyCloseDate, sumAmountAmountMicros (recorded
// from a real 2.5: twenty-recordings/twenty-2.5/graphql-groupby-*.json), and the aggregate
// fields of a plain connection when nothing is grouped (graphql-aggregate-filtered.json).
// Builds the request bodies and folds the answers into a group_table. No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/group_table.hpp"

namespace tmcp::analytics {

// Why Twenty's groupBy cannot answer `q` (so the pages must be read), or nullopt.
std::optional<std::string> group_by_unsupported(const group_query& q);

struct group_by_call {
  std::string body;          // the JSON body of POST /graphql
  std::vector<std::size_t> aggs; // the aggregates (indices into q.aggs) this call answers
  bool per_currency = false; // grouped by one more dimension: the currency code
  bool connection = false;   // no grouping: the aggregate fields of `<plural>(filter)`
};

struct group_by_target {
  std::string plural;      // opportunities
  std::string filter_type; // OpportunityFilterInput
  std::string filter_json; // the GraphQL filter input as JSON; "" for none
  std::size_t max_groups = 1000; // Twenty returns 50 groups unless told otherwise
};

// One call for everything but currency amounts, and one per currency field whose amounts are
// asked for (grouped also by its currency code, so amounts never mix currencies).
std::vector<group_by_call> group_by_calls(const group_query& q, const group_by_target& t);

// What reading an answer found.
struct group_by_answer {
  bool no_group_by = false; // this release has no groupBy ("Cannot query field ...")
  std::string error;        // any other failure, for the agent
  std::size_t groups = 0;   // groups in the answer (== max_groups: there may be more)
};

group_by_answer read_group_by_answer(const group_by_call& call, std::string_view body,
                                     group_table& table);

// True for GraphQL's validation error about a field the schema lacks ("Cannot query field
// \"opportunitiesGroupBy\" on type \"Query\"."): the release has no such aggregation.
bool names_missing_field(std::string_view graphql_message);

// The aggregate field Twenty names for `a` (sumAmountAmountMicros); "" when it has none.
std::string twenty_aggregate_field(const aggregate& a);

} // namespace tmcp::analytics

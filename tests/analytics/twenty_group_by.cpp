// Twenty's groupBy as GraphQL: the requests built for a query, and the answers a real 2.5
// gave (tests/data/twenty-recordings/twenty-2.5/graphql-groupby-*.json) read into rows.
#define CAF_SUITE analytics.twenty_group_by
#include "caf/test/unit_test.hpp"

#include <fstream>
#include <sstream>

#include "analytics/twenty_group_by.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

// A recorded exchange's response body, as text.
std::string recorded_answer(const std::string& release, const std::string& name) {
  std::string here = __FILE__;
  std::ifstream in(here.substr(0, here.rfind('/')) + "/../data/twenty-recordings/" + release
                   + "/" + name + ".json");
  CAF_REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = json::parse(ss.str());
  CAF_REQUIRE(doc.has_value());
  return json::stringify((*doc)["response"]["body"]);
}

std::vector<field_info> opportunity_fields() {
  return {
    {"name", "name", value_kind::text, {}, {}, "TEXT"},
    {"stage", "stage", value_kind::select, {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"}, {}, "SELECT"},
    {"amount", "amount", value_kind::currency, {}, {"amountMicros", "currencyCode"}, "CURRENCY"},
    {"closeDate", "closeDate", value_kind::date, {}, {}, "DATE_TIME"},
    {"createdAt", "createdAt", value_kind::date, {}, {}, "DATE_TIME"},
    {"position", "position", value_kind::number, {}, {}, "POSITION"},
    {"company", "companyId", value_kind::relation, {}, {}, "RELATION"},
  };
}

group_query query(const std::vector<std::string>& dims, const std::vector<std::string>& aggs) {
  group_query q;
  for (auto& d : dims)
    q.dims.push_back(*parse_dimension(d, opportunity_fields()));
  for (auto& a : aggs) {
    auto parsed = parse_aggregate(a, opportunity_fields());
    CAF_REQUIRE(parsed.has_value());
    q.aggs.push_back(*parsed);
  }
  return q;
}

group_by_target opportunities(const std::string& filter = "") {
  return group_by_target{"opportunities", "OpportunityFilterInput", filter, 1000};
}

std::string rows_of(const group_table& t) {
  json::document out;
  t.write(out);
  return json::stringify(out["rows"]);
}

} // namespace

CAF_TEST(a count per stage is one group by call and reads the recorded answer) {
  auto q = query({"stage"}, {"count"});
  auto calls = group_by_calls(q, opportunities());
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK_EQUAL(calls[0].body,
                  R"({"query":"query TmcpAggregate { opportunitiesGroupBy(groupBy: [{stage: true}], )"
                  R"(limit: 1000) { groupByDimensionValues totalCount } }"})");
  group_table t(q, time_zone{});
  auto answer = read_group_by_answer(calls[0], recorded_answer("twenty-2.5", "graphql-groupby-stage"), t);
  CAF_CHECK(answer.error.empty());
  CAF_CHECK_EQUAL(answer.groups, 5u);
  CAF_CHECK_EQUAL(rows_of(t), R"([["NEW",10],["SCREENING",8],["MEETING",12],["PROPOSAL",13],["CUSTOMER",7]])");
}

CAF_TEST(amounts are asked per currency code in a call of their own) {
  auto q = query({"stage"}, {"count", "sum:amount", "avg:amount"});
  auto calls = group_by_calls(q, opportunities(R"({"stage":{"in":["NEW","MEETING"]}})"));
  CAF_REQUIRE_EQUAL(calls.size(), 2u);
  CAF_CHECK_EQUAL(calls[1].body,
                  R"({"query":"query TmcpAggregate($filter: OpportunityFilterInput) { )"
                  R"(opportunitiesGroupBy(groupBy: [{stage: true}, {amount: {currencyCode: true}}], )"
                  R"(filter: $filter, limit: 1000) { groupByDimensionValues sumAmountAmountMicros )"
                  R"(avgAmountAmountMicros } }","variables":{"filter":{"stage":{"in":["NEW","MEETING"]}}}})");
  CAF_CHECK(calls[1].per_currency);
  group_table t(q, time_zone{});
  auto main = read_group_by_answer(
    calls[0], R"({"data":{"opportunitiesGroupBy":[{"groupByDimensionValues":["NEW"],"totalCount":3},)"
              R"({"groupByDimensionValues":["MEETING"],"totalCount":2}]}})", t);
  CAF_CHECK(main.error.empty());
  auto money = read_group_by_answer(
    calls[1], R"({"data":{"opportunitiesGroupBy":[)"
              R"({"groupByDimensionValues":["NEW","USD"],"sumAmountAmountMicros":500000000,"avgAmountAmountMicros":500000000},)"
              R"({"groupByDimensionValues":["NEW","EUR"],"sumAmountAmountMicros":4000000,"avgAmountAmountMicros":2000000},)"
              R"({"groupByDimensionValues":["MEETING","USD"],"sumAmountAmountMicros":4000000000,"avgAmountAmountMicros":2000000000}]}})", t);
  CAF_CHECK(money.error.empty());
  CAF_CHECK_EQUAL(rows_of(t), R"([["NEW",3,{"EUR":4,"USD":500},{"EUR":2,"USD":500}],["MEETING",2,{"USD":4000},{"USD":2000}]])");
}

CAF_TEST(a date group by sends the time zone and reads the recorded months) {
  auto q = query({"closeDate:month"}, {"count"});
  q.time_zone = "UTC";
  auto calls = group_by_calls(q, opportunities());
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK(calls[0].body.find(R"({closeDate: {granularity: MONTH, timeZone: \"UTC\"}})")
            != std::string::npos);
  group_table t(q, time_zone{});
  auto answer = read_group_by_answer(calls[0], recorded_answer("twenty-2.5", "graphql-groupby-month-tz"), t);
  CAF_CHECK(answer.error.empty());
  CAF_CHECK_EQUAL(rows_of(t), R"([["2026-12-01",11],["2027-01-01",20],["2027-02-01",16],["2027-03-01",3]])");
}

CAF_TEST(without dimensions the connection aggregates answer and read the recorded values) {
  auto q = query({}, {"count", "countEmpty:closeDate", "percentEmpty:closeDate"});
  auto calls = group_by_calls(q, opportunities(R"({"stage":{"eq":"PROPOSAL"}})"));
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK(calls[0].connection);
  CAF_CHECK_EQUAL(calls[0].body,
                  R"({"query":"query TmcpAggregate($filter: OpportunityFilterInput) { )"
                  R"(opportunities(filter: $filter) { totalCount countEmptyCloseDate )"
                  R"(percentageEmptyCloseDate } }","variables":{"filter":{"stage":{"eq":"PROPOSAL"}}}})");
  group_table t(q, time_zone{});
  auto answer = read_group_by_answer(calls[0], recorded_answer("twenty-2.5", "graphql-aggregate-filtered"), t);
  CAF_CHECK(answer.error.empty());
  CAF_CHECK_EQUAL(rows_of(t), "[[13,0,0]]");
}

CAF_TEST(a release without group by is told apart from other errors) {
  auto q = query({"stage"}, {"count"});
  auto call = group_by_calls(q, opportunities())[0];
  group_table t(q, time_zone{});
  auto missing = read_group_by_answer(
    call, R"({"errors":[{"message":"Cannot query field \"opportunitiesGroupBy\" on type \"Query\".","locations":[{"line":1,"column":21}]}]})", t);
  CAF_CHECK(missing.no_group_by);
  auto tz = read_group_by_answer(call, recorded_answer("twenty-2.5", "graphql-groupby-month"), t);
  CAF_CHECK(!tz.no_group_by);
  CAF_CHECK_EQUAL(tz.error, "Time zone should be specified for a group by date on Day, Week, "
                            "Month, Quarter or Year");
  CAF_CHECK_EQUAL(t.group_count(), 0u);
}

CAF_TEST(every aggregate field asked for is one a real 2.5 offers) {
  auto doc = json::parse(recorded_answer("twenty-2.5", "graphql-groupby-type-fields"));
  CAF_REQUIRE(doc.has_value());
  std::vector<std::string> offered;
  for (auto& f : (*doc)["data"]["__type"]["fields"].GetArray())
    offered.emplace_back(f["name"].GetString());
  std::size_t checked = 0;
  for (auto op : {"count", "countEmpty", "countNotEmpty", "countUniqueValues", "percentEmpty",
                  "sum", "avg", "min", "max"})
    for (auto field : {"name", "stage", "amount", "closeDate", "createdAt", "position"}) {
      auto a = parse_aggregate(std::string(op) + (std::string(op) == "count" ? "" : std::string(":") + field),
                               opportunity_fields());
      if (!a)
        continue; // e.g. sum of a text field
      auto name = twenty_aggregate_field(*a);
      if (name.empty())
        continue; // Twenty offers none (sum of a position): the pages are read instead
      CAF_CHECK(std::find(offered.begin(), offered.end(), name) != offered.end());
      ++checked;
    }
  CAF_CHECK_GREATER(checked, 30u);
  auto relation = query({"stage"}, {"countUniqueValues:company"});
  auto why = group_by_unsupported(relation);
  CAF_REQUIRE(why.has_value());
  CAF_CHECK_EQUAL(*why, "Twenty's GraphQL has no aggregate for countUniqueValues:company (RELATION)");
  CAF_CHECK(group_by_unsupported(query({}, {"sum:position"})));
  CAF_CHECK(!group_by_unsupported(query({"company"}, {"count"})));
}

// twenty_aggregate through a real session over a fake Twenty: the groupBy request sent, the
// recorded 2.5 answer turned into compact rows, the fallback to pages on a release without
// groupBy, and arguments refused before any call.
#define CAF_SUITE integration.aggregate_tool
#include "caf/test/unit_test.hpp"

#include "tests/integration/support/recorded_schema.hpp"
#include "tests/integration/support/tool_harness.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using tmcp::twenty::verb;

namespace {

// The body of a real 2.5's answer to the stage group-by (graphql-groupby-stage.json).
std::string recorded_stage_answer() {
  auto text = tmcp::test::read_data("twenty-recordings/twenty-2.5/graphql-groupby-stage.json");
  auto doc = json::parse(text);
  CAF_REQUIRE(doc.has_value());
  return json::stringify((*doc)["response"]["body"]);
}

constexpr const char* opportunity_page = R"({"data":{"opportunities":[
{"id":"1","stage":"NEW","amount":{"amountMicros":1000000,"currencyCode":"USD"}},
{"id":"2","stage":"MEETING","amount":{"amountMicros":null,"currencyCode":""}},
{"id":"3","stage":"NEW","amount":{"amountMicros":3000000,"currencyCode":"USD"}}]},
"totalCount":3,"pageInfo":{"hasNextPage":false,"endCursor":"c3"}})";

struct fixture : tool_harness {
  fixture() { start(); }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(aggregate_tool_tests, fixture)

CAF_TEST(a count per stage is one group by call answered in compact rows) {
  api->on(verb::post, "/graphql", 200, recorded_stage_answer());
  auto a = call("twenty_aggregate", R"({"object":"opportunity","group_by":["stage"]})");
  CAF_REQUIRE(a.ok());
  CAF_CHECK(!a.is_error());
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK_EQUAL(calls[0].req.target, "/graphql");
  CAF_CHECK_EQUAL(calls[0].req.body,
                  R"({"query":"query TmcpAggregate { opportunitiesGroupBy(groupBy: [{stage: true}], )"
                  R"(limit: 1000) { groupByDimensionValues totalCount } }"})");
  CAF_CHECK_EQUAL(a.text(), R"({"object":"opportunities","columns":["stage","count"],"rows":[)"
                            R"(["NEW",10],["SCREENING",8],["MEETING",12],["PROPOSAL",13],)"
                            R"(["CUSTOMER",7]],"via":"groupBy"})");
}

CAF_TEST(a release without group by is answered from pages and remembered) {
  // The gateway hands GraphQL `errors` on as a failure, classified.
  api->fail(verb::post, "/graphql",
            *tmcp::twenty::graphql_error(R"({"errors":[{"message":"Cannot query field \"opportunitiesGroupBy\" on type \"Query\".","locations":[{"line":1,"column":23}]}]})"));
  api->on(verb::get, "/rest/opportunities", 200, opportunity_page);
  auto a = call("twenty_aggregate", R"({"object":"opportunities","group_by":["stage"],"aggregates":["count","sum:amount"]})");
  CAF_REQUIRE(!a.is_error());
  CAF_CHECK_EQUAL(a.text(), R"({"object":"opportunities","columns":["stage","count","sum:amount"],)"
                            R"("rows":[["NEW",2,{"USD":4}],["MEETING",1,null]],"via":"pages",)"
                            R"("records":3,"note":"this Twenty has no GraphQL groupBy; read 1 page"})");
  api->clear_calls();
  call("twenty_aggregate", R"({"object":"opportunities","group_by":["stage"]})");
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK_EQUAL(calls[0].req.target, "/rest/opportunities?limit=200");
}

CAF_TEST(a filter goes to the group by as a graphql filter variable) {
  api->on(verb::post, "/graphql", 200, R"({"data":{"opportunities":{"totalCount":3}}})");
  auto a = call("twenty_aggregate", R"({"object":"opportunities","filter":"stage[in]:[NEW,MEETING]"})");
  CAF_REQUIRE(!a.is_error());
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK_EQUAL(calls[0].req.body,
                  R"({"query":"query TmcpAggregate($filter: OpportunityFilterInput) { opportunities(filter: $filter) )"
                  R"({ totalCount } }","variables":{"filter":{"stage":{"in":["NEW","MEETING"]}}}})");
  CAF_CHECK_EQUAL(a.text(), R"({"object":"opportunities","columns":["count"],"rows":[[3]],"via":"groupBy"})");
}

CAF_TEST(wrong arguments are refused with what would be right and no call) {
  auto field = call("twenty_aggregate", R"({"object":"opportunities","group_by":["stag"]})");
  CAF_CHECK(field.is_error());
  CAF_CHECK(field.text().find("did you mean 'stage'?") != std::string::npos);
  auto date = call("twenty_aggregate", R"({"object":"opportunities","group_by":["closeDate"]})");
  CAF_CHECK(date.text().find("closeDate:month") != std::string::npos);
  auto tz = call("twenty_aggregate", R"({"object":"opportunities","group_by":["closeDate:month"],"time_zone":"Mars/Base"})");
  CAF_CHECK(tz.text().find("unknown time zone 'Mars/Base'") != std::string::npos);
  auto order = call("twenty_aggregate", R"({"object":"opportunities","group_by":["stage"],"order_by":"sum desc"})");
  CAF_CHECK(order.text().find("not a column of the answer") != std::string::npos);
  auto filter = call("twenty_aggregate", R"({"object":"opportunities","filter":"stage[eq]:MEETNG"})");
  CAF_CHECK(filter.text().find("MEETING") != std::string::npos);
  auto object = call("twenty_aggregate", R"({"object":"oportunities"})");
  CAF_CHECK(object.text().find("OBJECT_NOT_FOUND") != std::string::npos);
  auto four = call("twenty_aggregate", R"({"object":"opportunities","group_by":["stage","company","closeDate:year","name"]})");
  CAF_CHECK(!four.ok() || four.is_error());
  CAF_CHECK(api->calls().empty());
}

CAF_TEST_FIXTURE_SCOPE_END()

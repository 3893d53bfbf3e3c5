// GraphQL aggregation as a real Twenty 2.5 answers it: `<plural>GroupBy` with dimension
// values and aggregate fields, date buckets that need a time zone, the default group limit,
// aggregate fields on connections, and a release without groupBy. Expected values are
// computed independently from REST listings of the same workspace.
#define CAF_SUITE standin.group_by
#include "caf/test/unit_test.hpp"

#include "support.hpp"

#include <map>
#include <set>

using namespace standin;
using namespace standin::test;

namespace {

struct fixture {
  workspace ws;

  // Every opportunity over REST (the demo workspace has fewer than 200).
  rapidjson::Document all_opportunities() {
    auto r = ws.call("GET", "/rest/opportunities?limit=200");
    rapidjson::Document d;
    d.CopyFrom(*r.at("/data/opportunities"), d.GetAllocator());
    CAF_REQUIRE_EQUAL(r.num("/totalCount"), static_cast<std::int64_t>(d.Size()));
    return d;
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(group_by_tests, fixture)

CAF_TEST(graphql group by stage counts and sums every opportunity in pipeline order) {
  auto r = ws.gql("{ opportunitiesGroupBy(groupBy: [{stage: true}]) { groupByDimensionValues totalCount sumAmountAmountMicros avgAmountAmountMicros } }");
  CAF_REQUIRE_EQUAL(r.size("/data/opportunitiesGroupBy"), 5u);
  std::map<std::string, std::int64_t> count;
  std::map<std::string, double> sum;
  std::map<std::string, int> with_amount;
  auto all = all_opportunities();
  for (auto& o : all.GetArray()) {
    std::string stage = o["stage"].GetString();
    ++count[stage];
    if (o["amount"].IsObject() && o["amount"]["amountMicros"].IsNumber()) {
      sum[stage] += o["amount"]["amountMicros"].GetDouble();
      ++with_amount[stage];
    }
  }
  const char* order[] = {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"};
  auto& groups = *r.at("/data/opportunitiesGroupBy");
  for (rapidjson::SizeType i = 0; i < 5; ++i) {
    auto& g = groups[i];
    std::string stage = g["groupByDimensionValues"][0].GetString();
    CAF_CHECK_EQUAL(stage, order[i]);
    CAF_CHECK_EQUAL(g["totalCount"].GetInt64(), count[stage]);
    CAF_CHECK_EQUAL(g["sumAmountAmountMicros"].GetDouble(), sum[stage]);
    CAF_CHECK_EQUAL(g["avgAmountAmountMicros"].GetDouble(), sum[stage] / with_amount[stage]);
  }
}

CAF_TEST(a date group by needs a time zone and buckets in it) {
  auto missing = ws.gql("{ opportunitiesGroupBy(groupBy: [{closeDate: {granularity: MONTH}}]) { groupByDimensionValues totalCount } }");
  CAF_CHECK_EQUAL(missing.str("/errors/0/message"),
                  "Time zone should be specified for a group by date on Day, Week, Month, Quarter or Year");
  CAF_CHECK_EQUAL(missing.str("/errors/0/extensions/subCode"), "MISSING_TIMEZONE_FOR_DATE_GROUP_BY");
  CAF_CHECK_EQUAL(missing.str("/errors/0/extensions/code"), "BAD_USER_INPUT");
  CAF_CHECK_EQUAL(missing.str("/data/opportunitiesGroupBy"), "null");
  auto utc = ws.gql("{ opportunitiesGroupBy(groupBy: [{closeDate: {granularity: MONTH, timeZone: \"UTC\"}}], limit: 100) { groupByDimensionValues totalCount } }");
  std::map<std::string, std::int64_t> months;
  auto all = all_opportunities();
  for (auto& o : all.GetArray())
    months[o["closeDate"].IsString() ? std::string(o["closeDate"].GetString()).substr(0, 7) + "-01" : "null"]++;
  CAF_REQUIRE_EQUAL(utc.size("/data/opportunitiesGroupBy"), months.size());
  for (auto& g : utc.at("/data/opportunitiesGroupBy")->GetArray()) {
    std::string label = g["groupByDimensionValues"][0].IsString() ? g["groupByDimensionValues"][0].GetString() : "null";
    CAF_CHECK_EQUAL(g["totalCount"].GetInt64(), months[label]);
  }
  auto nowhere = ws.gql("{ opportunitiesGroupBy(groupBy: [{closeDate: {granularity: DAY, timeZone: \"Mars/Olympus\"}}]) { totalCount } }");
  CAF_CHECK(nowhere.str("/errors/0/message").find("not recognized") != std::string::npos);
}

CAF_TEST(a fixed offset moves records across day boundaries) {
  auto id = ws.create("opportunities", R"({"name":"Late","closeDate":"2026-05-31T23:30:00.000Z"})");
  auto q = [&](const std::string& tz) {
    return ws.gql("query($f: OpportunityFilterInput) { opportunitiesGroupBy(groupBy: [{closeDate: {granularity: MONTH, timeZone: \"" + tz
                    + "\"}}], filter: $f) { groupByDimensionValues totalCount } }",
                  R"({"f":{"id":{"eq":")" + id + R"("}}})");
  };
  CAF_CHECK_EQUAL(q("UTC").str("/data/opportunitiesGroupBy/0/groupByDimensionValues/0"), "2026-05-01");
  CAF_CHECK_EQUAL(q("+02:00").str("/data/opportunitiesGroupBy/0/groupByDimensionValues/0"), "2026-06-01");
}

CAF_TEST(an iana zone buckets by its offset at each instant) {
  // 23:30 UTC is already the next day in Paris in winter (UTC+1) and in summer (UTC+2);
  // 22:30 UTC is the next day only in summer.
  auto month_of = [&](const std::string& close) {
    auto id = ws.create("opportunities", R"({"name":"Zoned","closeDate":")" + close + R"("})");
    return ws.gql("query($f: OpportunityFilterInput) { opportunitiesGroupBy(groupBy: [{closeDate: {granularity: MONTH, timeZone: \"Europe/Paris\"}}], filter: $f) { groupByDimensionValues } }",
                  R"({"f":{"id":{"eq":")" + id + R"("}}})")
        .str("/data/opportunitiesGroupBy/0/groupByDimensionValues/0");
  };
  CAF_CHECK_EQUAL(month_of("2026-01-31T23:30:00.000Z"), "2026-02-01");
  CAF_CHECK_EQUAL(month_of("2026-01-31T22:30:00.000Z"), "2026-01-01");
  CAF_CHECK_EQUAL(month_of("2026-06-30T22:30:00.000Z"), "2026-07-01");
  CAF_CHECK_EQUAL(month_of("2026-06-30T21:30:00.000Z"), "2026-06-01");
}

CAF_TEST(groups stop at fifty unless a limit is given) {
  workspace big(true, 1000);
  auto r = big.gql("{ opportunitiesGroupBy(groupBy: [{companyId: true}]) { groupByDimensionValues totalCount } }");
  CAF_CHECK_EQUAL(r.size("/data/opportunitiesGroupBy"), 50u);
  auto more = big.gql("{ opportunitiesGroupBy(groupBy: [{companyId: true}], limit: 1000) { totalCount } }");
  CAF_CHECK_GREATER(more.size("/data/opportunitiesGroupBy"), 50u);
  std::int64_t total = 0;
  for (auto& g : more.at("/data/opportunitiesGroupBy")->GetArray()) total += g["totalCount"].GetInt64();
  CAF_CHECK_EQUAL(total, 1000);
  auto two = big.gql("{ opportunitiesGroupBy(groupBy: [{stage: true}, {companyId: true}], limit: 5) { groupByDimensionValues totalCount } }");
  CAF_CHECK_EQUAL(two.size("/data/opportunitiesGroupBy"), 5u);
  CAF_CHECK_EQUAL(two.size("/data/opportunitiesGroupBy/0/groupByDimensionValues"), 2u);
}

CAF_TEST(connection aggregates cover every match and not only the page) {
  auto r = ws.gql(R"({ opportunities(first: 2, filter: {stage: {eq: PROPOSAL}}) { totalCount countEmptyCloseDate percentageEmptyCloseDate sumAmountAmountMicros maxAmountAmountMicros edges { node { id } } } })");
  CAF_CHECK_EQUAL(r.size("/data/opportunities/edges"), 2u);
  double sum = 0, max = 0;
  std::int64_t n = 0, empty_dates = 0;
  auto all = all_opportunities();
  for (auto& o : all.GetArray()) {
    if (std::string(o["stage"].GetString()) != "PROPOSAL") continue;
    ++n;
    empty_dates += o["closeDate"].IsNull();
    if (o["amount"]["amountMicros"].IsNumber()) {
      sum += o["amount"]["amountMicros"].GetDouble();
      max = std::max(max, o["amount"]["amountMicros"].GetDouble());
    }
  }
  CAF_CHECK_GREATER(n, 2);
  CAF_CHECK_EQUAL(r.num("/data/opportunities/totalCount"), n);
  CAF_CHECK_EQUAL(r.num("/data/opportunities/countEmptyCloseDate"), empty_dates);
  CAF_CHECK_EQUAL(r.at("/data/opportunities/sumAmountAmountMicros")->GetDouble(), sum);
  CAF_CHECK_EQUAL(r.at("/data/opportunities/maxAmountAmountMicros")->GetDouble(), max);
}

CAF_TEST(unknown aggregates and group by fields are refused) {
  auto agg = ws.gql("{ opportunitiesGroupBy(groupBy: [{stage: true}]) { sumStage } }");
  CAF_CHECK_EQUAL(agg.str("/errors/0/message"), "Cannot query field \"sumStage\" on type \"OpportunityGroupByConnection\".");
  auto rel = ws.gql("{ opportunities { countEmptyCompany } }");
  CAF_CHECK_EQUAL(rel.str("/errors/0/message"), "Cannot query field \"countEmptyCompany\" on type \"OpportunityConnection\".");
  auto field = ws.gql("{ opportunitiesGroupBy(groupBy: [{nosuch: true}]) { totalCount } }");
  CAF_CHECK_EQUAL(field.str("/errors/0/message"), "Unidentified field in groupBy: nosuch");
  auto two = ws.gql("{ opportunitiesGroupBy(groupBy: [{stage: true, companyId: true}]) { totalCount } }");
  CAF_CHECK_EQUAL(two.str("/errors/0/message"),
                  "You cannot provide multiple fields in one GroupByInput, split them into multiple GroupByInput");
}

CAF_TEST(a release without group by does not know the root field) {
  app_config cfg;
  cfg.rate.short_bucket.enabled = cfg.rate.long_bucket.enabled = false;
  cfg.graphql_group_by = false;
  ws.a = std::make_unique<app>(cfg);
  auto r = ws.gql("{ opportunitiesGroupBy(groupBy: [{stage: true}]) { groupByDimensionValues totalCount } }");
  CAF_CHECK_EQUAL(r.str("/errors/0/message"), "Cannot query field \"opportunitiesGroupBy\" on type \"Query\".");
  CAF_CHECK_EQUAL(r.at("/data"), nullptr);
  auto list = ws.gql("{ opportunities(first: 1) { totalCount } }");
  CAF_CHECK_GREATER(list.num("/data/opportunities/totalCount"), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()

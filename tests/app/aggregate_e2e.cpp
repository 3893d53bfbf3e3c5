// twenty_aggregate and the complete schema end to end: the real server over stdio against the
// stand-in, every answer checked against the stand-in's own REST listing; a release with
// Twenty's groupBy and one without it must give the same rows.
#define CAF_SUITE app.aggregate
#include "caf/test/unit_test.hpp"

#include <map>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"

using namespace tmcp;
using namespace tmcp::testing;

namespace {

struct server {
  standin_process standin;
  std::unique_ptr<mcp_stdio_client> mcp;

  explicit server(std::vector<std::string> standin_args = {})
    : standin(std::move(standin_args)) {
    CAF_REQUIRE(!standin.url.empty());
    mcp = std::make_unique<mcp_stdio_client>(std::vector<std::string>{
      TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url",
      standin.url, "--twenty-api-key", "standin-demo-key"});
    CAF_REQUIRE(mcp->initialize());
  }

  json::document ok(const std::string& tool, const std::string& args) {
    auto r = mcp->call_tool(tool, args);
    if (!r.IsObject() || is_error_result(r) || !r.HasMember("structuredContent"))
      CAF_FAIL(tool << " failed: " << json::stringify(r));
    json::document out;
    out.CopyFrom(r["structuredContent"], out.GetAllocator());
    return out;
  }

  // Every opportunity, straight from the stand-in's REST API.
  json::document opportunities() {
    auto [status, body] = standin.http("GET", "/rest/opportunities?limit=200");
    CAF_REQUIRE_EQUAL(status, 200);
    auto doc = json::parse(body);
    CAF_REQUIRE(doc.has_value());
    CAF_REQUIRE_LESS((*doc)["totalCount"].GetInt64(), 200);
    json::document out;
    out.CopyFrom((*doc)["data"]["opportunities"], out.GetAllocator());
    return out;
  }
};

// {stage: count} from REST records, and the same from an aggregate answer's rows.
std::map<std::string, int64_t> counts_by_stage(const json::value& records) {
  std::map<std::string, int64_t> out;
  for (auto& r : records.GetArray())
    ++out[r["stage"].IsString() ? r["stage"].GetString() : "null"];
  return out;
}

std::map<std::string, int64_t> counts_of(const json::value& answer) {
  std::map<std::string, int64_t> out;
  for (auto& row : answer["rows"].GetArray())
    out[row[0].IsString() ? row[0].GetString() : "null"] = row[1].GetInt64();
  return out;
}

} // namespace

CAF_TEST(opportunities per stage come from one group by call and match the records) {
  server s;
  s.standin.reset_stats();
  auto answer = s.ok("twenty_aggregate", R"({"object":"opportunities","group_by":["stage"]})");
  CAF_CHECK_EQUAL(std::string(answer["via"].GetString()), "groupBy");
  CAF_CHECK_EQUAL(s.standin.count("POST /graphql"), 1);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), 0);
  CAF_CHECK_EQUAL(counts_of(answer), counts_by_stage(s.opportunities()));
  // Pipeline order, as the select's options go.
  CAF_CHECK_EQUAL(std::string(answer["rows"][0][0].GetString()), "NEW");
  CAF_CHECK_EQUAL(std::string(answer["rows"][4][0].GetString()), "CUSTOMER");
  CAF_CHECK_LESS(json::stringify(answer).size(), 400u);
}

CAF_TEST(amounts per stage and currency match the records) {
  server s;
  auto answer = s.ok("twenty_aggregate", R"({"object":"opportunities","group_by":["stage"],"aggregates":["count","sum:amount"],"order_by":"count desc","limit":3})");
  std::map<std::string, std::map<std::string, double>> sums;
  auto all = s.opportunities();
  for (auto& r : all.GetArray())
    if (r["amount"].IsObject() && r["amount"]["amountMicros"].IsNumber())
      sums[r["stage"].GetString()][r["amount"]["currencyCode"].GetString()] += r["amount"]["amountMicros"].GetDouble() / 1e6;
  CAF_REQUIRE_EQUAL(answer["rows"].Size(), 3u);
  CAF_CHECK_EQUAL(answer["groups"].GetInt(), 5);
  int64_t previous = INT64_MAX;
  for (auto& row : answer["rows"].GetArray()) {
    CAF_CHECK_LESS_OR_EQUAL(row[1].GetInt64(), previous);
    previous = row[1].GetInt64();
    for (auto& m : row[2].GetObject())
      CAF_CHECK_LESS(std::abs(m.value.GetDouble() - sums[row[0].GetString()][m.name.GetString()]), 0.01);
  }
}

CAF_TEST(a release without group by gives the same rows from pages) {
  server with;
  server without({"--no-graphql-group-by"});
  auto q = R"({"object":"opportunities","group_by":["stage","closeDate:quarter"],"aggregates":["count","avg:amount","countEmpty:closeDate"],"time_zone":"+02:00"})";
  auto a = with.ok("twenty_aggregate", q);
  auto b = without.ok("twenty_aggregate", q);
  CAF_CHECK_EQUAL(std::string(a["via"].GetString()), "groupBy");
  CAF_CHECK_EQUAL(std::string(b["via"].GetString()), "pages");
  CAF_CHECK(std::string(b["note"].GetString()).find("no GraphQL groupBy") != std::string::npos);
  CAF_CHECK_EQUAL(json::stringify(a["rows"]), json::stringify(b["rows"]));
  CAF_CHECK_EQUAL(b["records"].GetInt64(), static_cast<int64_t>(without.opportunities().Size()));
}

CAF_TEST(twenty 0.50 without group by gives the same rows from pages within its rate limit) {
  server with;
  // The stand-in as 0.50 answers (no GraphQL groupBy), with its default rate limit on.
  server old({"--twenty-version", "0.50"});
  auto q = R"({"object":"opportunities","group_by":["stage"],"aggregates":["count","sum:amount"]})";
  auto a = with.ok("twenty_aggregate", q);
  old.standin.reset_stats();
  auto b = old.ok("twenty_aggregate", q);
  CAF_CHECK_EQUAL(std::string(b["via"].GetString()), "pages");
  CAF_CHECK(std::string(b["note"].GetString()).find("no GraphQL groupBy") != std::string::npos);
  CAF_CHECK_EQUAL(json::stringify(a["rows"]), json::stringify(b["rows"]));
  // 80 opportunities: one page of 200, and Twenty never had to refuse a call.
  CAF_CHECK_EQUAL(old.standin.count("GET /rest/{object}"), 1);
  CAF_CHECK(old.standin.stats().find("\"rateLimited\":0") != std::string::npos);
}

CAF_TEST(a filtered count matches the filtered records) {
  server s;
  auto answer = s.ok("twenty_aggregate", R"({"object":"opportunities","filter":"stage[in]:[NEW,MEETING]","group_by":["stage"]})");
  auto all = counts_by_stage(s.opportunities());
  CAF_CHECK_EQUAL(counts_of(answer), (std::map<std::string, int64_t>{{"MEETING", all["MEETING"]}, {"NEW", all["NEW"]}}));
}

CAF_TEST(the full schema lists every active field the workspace has) {
  server s;
  auto [status, body] = s.standin.http("GET", "/rest/metadata/objects?limit=1000");
  CAF_REQUIRE_EQUAL(status, 200);
  auto meta = json::parse(body);
  CAF_REQUIRE(meta.has_value());
  std::size_t active = 0;
  for (auto& o : (*meta)["data"]["objects"].GetArray())
    if (std::string(o["nameSingular"].GetString()) == "opportunity")
      for (auto& f : o["fields"].GetArray())
        active += f["isActive"].GetBool() ? 1 : 0;
  auto full = s.ok("twenty_get_schema", R"({"object":"opportunities","detail":"full"})");
  CAF_CHECK_EQUAL(full["fields"].Size(), active);
  auto brief = s.ok("twenty_get_schema", R"({"object":"opportunities"})");
  CAF_CHECK_EQUAL(brief["fields"].Size() + brief["left_out"]["count"].GetUint64(), active);
  for (auto& f : full["fields"].GetArray())
    if (std::string(f["name"].GetString()) == "searchVector")
      CAF_CHECK(f["system"].GetBool());
}

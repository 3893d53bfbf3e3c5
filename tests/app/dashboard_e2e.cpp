// The analytics dashboard end to end: the real server over stdio against the stand-in. Its
// numbers are checked against the stand-in's own records; a second read costs no upstream call;
// a change to an opportunity tells the subscriber and the next read shows it; the MCP App is
// advertised, linked from the tool and served as text/html;profile=mcp-app.
#define CAF_SUITE app.dashboard
#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <map>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"
#include "protocol/base64.hpp"
#include "support/png_header.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* apps_caps
  = R"({"extensions":{"io.modelcontextprotocol/ui":{"mimeTypes":["text/html;profile=mcp-app"]}}})";
constexpr const char* as_of = R"({"now":"2026-01-01T00:00:00.000Z"})";

// One REST page of every record of `plural` (the stand-in holds fewer than 200 by default).
json::document rest_records(standin_process& standin, const std::string& plural) {
  auto [status, body] = standin.http("GET", "/rest/" + plural + "?limit=200");
  CAF_REQUIRE_EQUAL(status, 200);
  auto doc = json::parse(body);
  CAF_REQUIRE(doc.has_value());
  CAF_REQUIRE(!(*doc)["pageInfo"]["hasNextPage"].GetBool());
  json::document rows;
  rows.CopyFrom((*doc)["data"][plural.c_str()], rows.GetAllocator());
  return rows;
}

json::document read_dashboard(mcp_stdio_client& mcp) {
  auto r = mcp.request("resources/read", R"({"uri":"twenty://analytics/dashboard"})", 30s);
  CAF_REQUIRE(r.HasMember("result"));
  auto& c = r["result"]["contents"][0];
  CAF_CHECK_EQUAL(std::string(c["mimeType"].GetString()), "application/json");
  auto doc = json::parse(c["text"].GetString());
  CAF_REQUIRE(doc.has_value());
  return std::move(*doc);
}

std::map<std::string, int64_t> stage_counts(const json::value& dashboard) {
  std::map<std::string, int64_t> out;
  for (auto& s : dashboard["pipeline"]["stages"].GetArray())
    out[s["stage"].GetString()] = s["count"].GetInt64();
  return out;
}

// Twenty's groupBy where the release has it (0.50 has not: the records are read page by page).
std::string via_expected() {
  auto release = std::getenv("TMCP_TWENTY_VERSION");
  return release && std::string(release) == "0.50" ? "pages" : "groupBy";
}

int64_t upstream_calls(standin_process& standin) {
  return standin.count("POST /graphql") + standin.count("GET /rest/{object}");
}

int images_in(const json::value& result) {
  int n = 0;
  for (auto& c : result["content"].GetArray())
    if (std::string(c["type"].GetString()) == "image") {
      auto png = base64_decode(c["data"].GetString());
      CAF_REQUIRE(png.has_value());
      auto header = read_png_header(*png);
      CAF_REQUIRE(header.has_value());
      CAF_CHECK_EQUAL(header->width, 640u);
      ++n;
    }
  return n;
}

} // namespace

CAF_TEST(the dashboard numbers match the records) {
  standin_process standin;
  auto mcp = stdio_server(standin.url);
  CAF_REQUIRE(mcp);
  auto r = mcp->call_tool("twenty_dashboard", as_of, 30s);
  CAF_REQUIRE(!is_error_result(r));
  auto& d = r["structuredContent"];
  // Ground truth from REST: per stage, the count and the USD amount; per month of createdAt
  // (12 months up to January 2026), the count; tasks due before the day that are not done.
  std::map<std::string, int64_t> counts, months;
  std::map<std::string, double> usd;
  auto opportunities = rest_records(standin, "opportunities");
  for (auto& o : opportunities.GetArray()) {
    std::string stage = o["stage"].GetString();
    ++counts[stage];
    usd[stage] += o["amount"]["amountMicros"].GetDouble() / 1e6;
    std::string created = o["createdAt"].GetString();
    if (created >= "2025-02" && created < "2026-02")
      ++months[created.substr(0, 7) + "-01"];
  }
  CAF_CHECK_EQUAL(std::string(d["pipeline"]["via"].GetString()), via_expected());
  CAF_CHECK_EQUAL(stage_counts(d), counts);
  for (auto& s : d["pipeline"]["stages"].GetArray())
    CAF_CHECK_LESS(std::abs(s["amount"]["USD"].GetDouble() - usd[s["stage"].GetString()]), 0.01);
  CAF_REQUIRE_EQUAL(d["trend"]["buckets"].Size(), 12u);
  for (auto& b : d["trend"]["buckets"].GetArray())
    CAF_CHECK_EQUAL(b["count"].GetInt64(), months[b["bucket"].GetString()]);
  int64_t overdue = 0;
  auto tasks = rest_records(standin, "tasks");
  for (auto& t : tasks.GetArray())
    overdue += std::string(t["dueAt"].GetString()) < "2026-01-01T00:00:00.000Z"
               && std::string(t["status"].GetString()) != "DONE";
  CAF_CHECK_EQUAL(d["overdueTasks"]["count"].GetInt64(), overdue);
  CAF_CHECK_LESS_OR_EQUAL(d["overdueTasks"]["oldest"].Size(), 5u);
  CAF_CHECK(d["anomalies"]["series"].IsArray());
  CAF_CHECK(d["anomalies"]["staleDeals"]["count"].IsInt64());
  // A client without MCP Apps gets the funnel and the trend as pictures; chart:false none.
  CAF_CHECK_EQUAL(images_in(r), 2);
  auto plain = mcp->call_tool("twenty_dashboard", R"({"now":"2026-01-01T00:00:00Z","chart":false})");
  CAF_CHECK_EQUAL(images_in(plain), 0);
  auto bad = mcp->call_tool("twenty_dashboard", R"({"now":"yesterday"})");
  CAF_CHECK(is_error_result(bad));
  CAF_CHECK(result_text(bad).find("now must be an ISO-8601 date-time") != std::string::npos);
}

CAF_TEST(the dashboard is read from the cache until an opportunity changes) {
  standin_process standin;
  auto mcp = stdio_server(standin.url);
  CAF_REQUIRE(mcp);
  auto first = read_dashboard(*mcp);
  CAF_REQUIRE(first["pipeline"].HasMember("stages"));
  // On 0.50 a catalog rebuilt by a late schema answer learns again that REST cannot sort (one
  // refused call per list); a second read leaves only cached answers for the third.
  read_dashboard(*mcp);
  standin.reset_stats();
  auto second = read_dashboard(*mcp);
  CAF_CHECK_EQUAL(upstream_calls(standin), 0);
  CAF_CHECK_EQUAL(stage_counts(second), stage_counts(first));
  // Move one NEW deal to MEETING through the server: the subscriber hears of it, and the next
  // read asks Twenty again and shows the move.
  auto r = mcp->request("resources/subscribe", R"({"uri":"twenty://analytics/dashboard"})");
  CAF_REQUIRE(r.HasMember("result"));
  std::string id;
  auto opportunities = rest_records(standin, "opportunities");
  for (auto& o : opportunities.GetArray())
    if (std::string(o["stage"].GetString()) == "NEW")
      id = o["id"].GetString();
  CAF_REQUIRE(!id.empty());
  auto moved = mcp->call_tool("twenty_update_record", R"({"object":"opportunities","id":")" + id
                                                        + R"(","data":{"stage":"MEETING"}})");
  CAF_REQUIRE(!is_error_result(moved));
  CAF_CHECK(mcp->wait_notification("notifications/resources/updated", 5s));
  bool told = false;
  for (auto& n : mcp->notifications)
    told = told || n.find("twenty://analytics/dashboard") != std::string::npos;
  CAF_CHECK(told);
  standin.reset_stats();
  auto after = read_dashboard(*mcp);
  CAF_CHECK_GREATER(upstream_calls(standin), 0);
  auto before = stage_counts(first), now = stage_counts(after);
  CAF_CHECK_EQUAL(now["NEW"], before["NEW"] - 1);
  CAF_CHECK_EQUAL(now["MEETING"], before["MEETING"] + 1);
}

CAF_TEST(a client that shows MCP Apps gets the app linked from the tool) {
  standin_process standin;
  auto mcp = stdio_server(standin.url, {}, apps_caps);
  CAF_REQUIRE(mcp);
  auto& caps = mcp->initialize_result["result"]["capabilities"];
  CAF_REQUIRE(caps.HasMember("extensions"));
  CAF_CHECK_EQUAL(std::string(caps["extensions"]["io.modelcontextprotocol/ui"]["mimeTypes"][0]
                                .GetString()),
                  "text/html;profile=mcp-app");
  auto list = mcp->request("tools/list", "{}");
  std::string linked;
  for (auto& t : list["result"]["tools"].GetArray())
    if (std::string(t["name"].GetString()) == "twenty_dashboard") {
      linked = t["_meta"]["ui"]["resourceUri"].GetString();
      CAF_CHECK_EQUAL(std::string(t["_meta"]["ui/resourceUri"].GetString()), linked);
    }
  CAF_REQUIRE_EQUAL(linked, "ui://twenty/dashboard");
  auto page = mcp->request("resources/read", R"({"uri":"ui://twenty/dashboard"})");
  auto& c = page["result"]["contents"][0];
  CAF_CHECK_EQUAL(std::string(c["mimeType"].GetString()), "text/html;profile=mcp-app");
  std::string html = c["text"].GetString();
  CAF_CHECK_EQUAL(html.rfind("<!DOCTYPE html>", 0), 0u);
  CAF_CHECK(html.find("ui/notifications/tool-result") != std::string::npos);
  // Self-contained: nothing loaded from elsewhere.
  for (const char* external : {"src=\"http", "href=\"http", "fetch(", "XMLHttpRequest", "import("})
    CAF_CHECK(html.find(external) == std::string::npos);
  // The app draws the charts, so the result carries the numbers only.
  auto r = mcp->call_tool("twenty_dashboard", as_of, 30s);
  CAF_CHECK_EQUAL(images_in(r), 0);
  CAF_CHECK(r["structuredContent"].HasMember("pipeline"));
}

CAF_TEST(a section the permissions refuse says so and the others are still there) {
  standin_process standin;
  auto mcp = stdio_server(standin.url, {"--permissions", "opportunities:read"});
  CAF_REQUIRE(mcp);
  auto d = read_dashboard(*mcp);
  CAF_CHECK_EQUAL(d["pipeline"]["stages"].Size(), 5u);
  CAF_CHECK_EQUAL(d["trend"]["buckets"].Size(), 12u);
  CAF_REQUIRE(d["overdueTasks"].HasMember("error"));
  std::string why = d["overdueTasks"]["error"].GetString();
  CAF_CHECK(why.find("MCP_PERMISSIONS") != std::string::npos);
  CAF_CHECK(why.find("tasks") != std::string::npos);
}

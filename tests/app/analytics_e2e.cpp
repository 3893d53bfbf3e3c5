// twenty_analytics end to end: the real server over stdio against the stand-in; trends, scores
// and stale deals checked against the stand-in's own REST records computed here; pages, upstream
// calls and progress counted; a job read later; cancellation stops the upstream calls.
#define CAF_SUITE app.analytics
#include "caf/test/unit_test.hpp"

#include <map>
#include <set>
#include <thread>

#include "app/analytics_server.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

using server = analytics_server;

// "2026-05-17T..." -> "2026-04-01": the first day of its quarter (UTC).
std::string quarter_of(const std::string& iso) {
  int month = std::stoi(iso.substr(5, 2));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s-%02d-01", iso.substr(0, 4).c_str(), (month - 1) / 3 * 3 + 1);
  return buf;
}

} // namespace

CAF_TEST(quarterly trends of close dates and amounts match the records) {
  server s;
  auto answer = s.ok(R"({"analysis":"trends","object":"opportunities","options":{"date_field":"closeDate","value_field":"amount","granularity":"quarter"}})");
  std::map<std::string, int64_t> counts;
  std::map<std::string, std::map<std::string, double>> sums;
  int64_t undated = 0;
  auto all = s.opportunities();
  for (auto& r : all.GetArray()) {
    if (!r["closeDate"].IsString()) {
      ++undated;
      continue;
    }
    auto q = quarter_of(r["closeDate"].GetString());
    ++counts[q];
    if (r["amount"].IsObject() && r["amount"]["amountMicros"].IsNumber())
      sums[q][r["amount"]["currencyCode"].GetString()] += r["amount"]["amountMicros"].GetDouble() / 1e6;
  }
  auto& result = answer["result"];
  CAF_CHECK_EQUAL(std::string(answer["state"].GetString()), "done");
  CAF_CHECK_EQUAL(result["recordsRead"].GetInt64(), static_cast<int64_t>(all.Size()));
  CAF_CHECK_EQUAL(result["trend"]["undated"].GetInt64(), undated);
  std::map<std::string, int64_t> got;
  int64_t previous = -1;
  for (auto& b : result["trend"]["buckets"].GetArray()) {
    std::string label = b["bucket"].GetString();
    if (b["count"].GetInt64() > 0)
      got[label] = b["count"].GetInt64();
    for (auto& m : b["sum"].GetObject())
      CAF_CHECK_LESS(std::abs(m.value.GetDouble() - sums[label][m.name.GetString()]), 0.01);
    if (previous >= 0)
      CAF_CHECK_EQUAL(b["countChange"].GetInt64(), b["count"].GetInt64() - previous);
    previous = b["count"].GetInt64();
  }
  CAF_CHECK_EQUAL(got, counts);
}

CAF_TEST(a thousand opportunities are read in five pages with progress after each) {
  server s({"--scale", "1000"});
  s.standin.reset_stats();
  auto answer = s.ok(R"({"analysis":"trends","object":"opportunities","granularity":"month"})",
                     R"({"progressToken":"p1"})");
  CAF_CHECK_EQUAL(answer["result"]["recordsRead"].GetInt64(), 1000);
  CAF_CHECK_EQUAL(answer["result"]["upstreamPages"].GetInt64(), 5);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), 5);
  std::vector<std::string> progress;
  for (auto& n : s.mcp->notifications)
    if (n.find("notifications/progress") != std::string::npos)
      progress.push_back(n);
  CAF_REQUIRE_EQUAL(progress.size(), 5u);
  auto last = json::parse(progress.back());
  CAF_CHECK_EQUAL((*last)["params"]["progress"].GetDouble(), 1000.0);
  CAF_CHECK_EQUAL((*last)["params"]["total"].GetDouble(), 1000.0);
  // A second run reads the cached pages: no new upstream call.
  s.ok(R"({"analysis":"trends","object":"opportunities","granularity":"week"})");
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), 5);
}

CAF_TEST(every open opportunity is scored and stale deals match the records) {
  server s;
  const std::string now = "2025-08-01T00:00:00.000Z";
  auto scores = s.ok(R"({"analysis":"scores","limit":1000,"now":")" + now + "\"}");
  auto anomalies = s.ok(R"({"analysis":"anomalies","limit":1000,"now":")" + now + "\"}");
  auto capped = s.ok(R"({"analysis":"anomalies","now":")" + now + "\"}");
  std::set<std::string> open, stale;
  auto all = s.opportunities();
  for (auto& r : all.GetArray()) {
    std::string stage = r["stage"].IsString() ? r["stage"].GetString() : "";
    if (stage == "CUSTOMER")
      continue;
    open.insert(r["id"].GetString());
    // More than 30 whole days idle: updated on or before 2025-07-01 (31 days before now).
    if (r["updatedAt"].IsString() && std::string(r["updatedAt"].GetString()) < "2025-07-01T00:00:00.001Z")
      stale.insert(r["id"].GetString());
  }
  std::set<std::string> scored;
  double previous = 101;
  for (auto& sc : scores["result"]["scores"].GetArray()) {
    scored.insert(sc["id"].GetString());
    CAF_CHECK_LESS_OR_EQUAL(sc["score"].GetDouble(), previous);
    previous = sc["score"].GetDouble();
    CAF_CHECK_EQUAL(sc["reasons"].Size(), 5u);
  }
  CAF_CHECK_EQUAL(scored, open);
  std::set<std::string> found;
  for (auto& f : anomalies["result"]["findings"].GetArray())
    if (std::string(f["kind"].GetString()) == "stale_deal")
      found.insert(f["subject"].GetString());
  CAF_CHECK_EQUAL(found, stale);
  // By default each kind lists 20 findings and counts them all.
  CAF_CHECK_EQUAL(capped["result"]["counts"]["stale_deal"].GetUint64(), stale.size());
  std::size_t listed = 0;
  for (auto& f : capped["result"]["findings"].GetArray())
    listed += std::string(f["kind"].GetString()) == "stale_deal";
  std::size_t expected_listed = std::min<std::size_t>(20, stale.size()); // not a dangling min()
  CAF_CHECK_EQUAL(listed, expected_listed);
  CAF_CHECK_EQUAL(scores["result"]["scored"].GetUint64(), open.size());
  // The seed spreads updates over 2025: some deals are stale and some are not.
  CAF_CHECK_GREATER(stale.size(), 0u);
  CAF_CHECK_LESS(stale.size(), open.size());
}

CAF_TEST(a job started without waiting is read later as status and as a resource) {
  server s;
  auto started = s.ok(R"({"analysis":"trends","object":"companies","wait":false})");
  std::string id = started["jobId"].GetString();
  CAF_CHECK_EQUAL(std::string(started["resource"].GetString()), "twenty://analytics/jobs/" + id);
  for (int i = 0; i < 100 && s.state_of(id) == "running"; ++i)
    std::this_thread::sleep_for(50ms);
  auto status = s.ok(R"({"action":"status","job_id":")" + id + "\"}");
  CAF_CHECK_EQUAL(std::string(status["state"].GetString()), "done");
  auto [code, body] = s.standin.http("GET", "/rest/companies?limit=1");
  CAF_REQUIRE_EQUAL(code, 200);
  CAF_CHECK_EQUAL(status["result"]["recordsRead"].GetInt64(), (*json::parse(body))["totalCount"].GetInt64());
  auto read = s.mcp->request("resources/read", R"({"uri":"twenty://analytics/jobs/)" + id + "\"}");
  CAF_REQUIRE(read.IsObject() && read.HasMember("result"));
  auto text = json::parse(read["result"]["contents"][0]["text"].GetString());
  CAF_CHECK_EQUAL(json::stringify((*text)["result"]), json::stringify(status["result"]));
  auto unknown = s.mcp->call_tool("twenty_analytics", R"({"action":"status","job_id":"job-0"})");
  CAF_CHECK(is_error_result(unknown));
}

CAF_TEST(bad arguments are refused before any upstream call) {
  server s;
  s.standin.reset_stats();
  auto msg = [&](const std::string& args) {
    auto r = s.mcp->call_tool("twenty_analytics", args);
    CAF_CHECK(is_error_result(r));
    return std::string(r["content"][0]["text"].GetString());
  };
  CAF_CHECK(msg(R"({"analysis":"scores","object":"notes"})").find("needs an object with a select field 'stage'") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"trends","date_field":"stage"})").find("date_field 'stage' is not a date field") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"scores","weights":{"luck":5}})").find("unknown scoring criterion 'luck'") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"trends","time_zone":"Mars/Olympus"})").find("Mars/Olympus") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"trends","options":{"bucket":"month"}})").find("unknown option 'bucket'") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"trends","options":{"max_pages":"many"}})").find("max_pages must be an integer, got string") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"trends","options":{"objects":["people",3]}})").find("objects must be an array of strings") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"trends","limit":5,"options":{"limit":6}})").find("'limit' is given both in options and beside it") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"trends","options":[1]})").find("'options' must be of type object, got array") != std::string::npos);
  CAF_CHECK(msg(R"({"analysis":"trends","colour":"red"})").find("unknown argument 'colour'") != std::string::npos);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), 0);
}

CAF_TEST(cancelling stops the upstream calls of a job) {
  server s({"--scale", "3000", "--latency-ms", "150"});
  // A waiting call cancelled by the client.
  s.standin.reset_stats();
  s.mcp->process().write_line(R"({"jsonrpc":"2.0","id":9001,"method":"tools/call","params":{"name":"twenty_analytics","arguments":{"analysis":"trends"},"_meta":{"progressToken":"c1"}}})");
  CAF_REQUIRE(s.mcp->wait_notification("notifications/progress", 20s));
  s.mcp->notify("notifications/cancelled", R"({"requestId":9001,"reason":"test"})");
  std::this_thread::sleep_for(500ms);
  auto after_cancel = s.standin.count("GET /rest/{object}");
  std::this_thread::sleep_for(1s);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), after_cancel);
  CAF_CHECK_GREATER(after_cancel, 0);
  CAF_CHECK_LESS(after_cancel, 15);
  // A background job cancelled by its id.
  auto started = s.ok(R"({"analysis":"trends","wait":false})");
  std::string id = started["jobId"].GetString();
  std::this_thread::sleep_for(400ms);
  s.ok(R"({"action":"cancel","job_id":")" + id + "\"}");
  for (int i = 0; i < 100 && s.state_of(id) == "running"; ++i)
    std::this_thread::sleep_for(50ms);
  CAF_CHECK_EQUAL(s.state_of(id), "cancelled");
  auto calls = s.standin.count("GET /rest/{object}");
  std::this_thread::sleep_for(1s);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), calls);
}

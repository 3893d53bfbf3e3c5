// Charts in twenty_analytics results, end to end: the real server over stdio against the
// stand-in; the image blocks decode as 640x360 PNGs next to the numbers in structuredContent,
// and chart:false leaves them out.
#define CAF_SUITE app.analytics_charts
#include "caf/test/unit_test.hpp"

#include <thread>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"
#include "protocol/base64.hpp"
#include "support/png_header.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

struct fixture {
  standin_process standin;
  std::unique_ptr<mcp_stdio_client> mcp = stdio_server(standin.url);

  json::document analyse(const std::string& args) {
    CAF_REQUIRE(mcp);
    auto r = mcp->call_tool("twenty_analytics", args, 60s);
    if (!r.IsObject() || !r.HasMember("content") || is_error_result(r))
      CAF_FAIL("twenty_analytics failed: " << json::stringify(r));
    return r;
  }
};

// The decoded PNGs of a result's image blocks (each checked to be image/png base64).
std::vector<std::string> images(const json::value& result) {
  std::vector<std::string> out;
  for (auto& c : result["content"].GetArray()) {
    if (std::string(c["type"].GetString()) != "image")
      continue;
    CAF_CHECK_EQUAL(std::string(c["mimeType"].GetString()), "image/png");
    auto png = base64_decode(c["data"].GetString());
    CAF_REQUIRE(png.has_value());
    out.push_back(*png);
  }
  return out;
}

void check_640x360(const std::string& png) {
  auto header = read_png_header(png);
  CAF_REQUIRE(header.has_value());
  CAF_CHECK_EQUAL(header->width, 640u);
  CAF_CHECK_EQUAL(header->height, 360u);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(analytics_charts, fixture)

CAF_TEST(trends come with a count chart and an amount chart next to the numbers) {
  auto r = analyse(R"({"analysis":"trends","date_field":"closeDate","value_field":"amount","granularity":"quarter"})");
  // The numbers stay where programs read them, and as the first (text) block.
  CAF_REQUIRE(r.HasMember("structuredContent"));
  CAF_CHECK_EQUAL(std::string(r["structuredContent"]["state"].GetString()), "done");
  CAF_CHECK_GREATER(r["structuredContent"]["result"]["trend"]["buckets"].Size(), 1u);
  CAF_CHECK_EQUAL(std::string(r["content"][0]["type"].GetString()), "text");
  CAF_CHECK_EQUAL(std::string(r["content"][0]["text"].GetString()),
                  json::stringify(r["structuredContent"]));
  auto pngs = images(r);
  CAF_REQUIRE_EQUAL(pngs.size(), 2u);
  for (auto& png : pngs)
    check_640x360(png);
}

CAF_TEST(trends without a value field have one chart) {
  auto r = analyse(R"({"analysis":"trends","granularity":"month"})");
  auto pngs = images(r);
  CAF_REQUIRE_EQUAL(pngs.size(), 1u);
  check_640x360(pngs[0]);
}

CAF_TEST(scores come with their distribution as a histogram) {
  auto r = analyse(R"({"analysis":"scores","now":"2025-08-01T00:00:00.000Z"})");
  CAF_CHECK_EQUAL(r["structuredContent"]["result"]["distribution"].Size(), 10u);
  auto pngs = images(r);
  CAF_REQUIRE_EQUAL(pngs.size(), 1u);
  check_640x360(pngs[0]);
}

CAF_TEST(chart false and anomalies answer with the numbers only) {
  auto plain = analyse(R"({"analysis":"trends","chart":false})");
  CAF_CHECK_EQUAL(images(plain).size(), 0u);
  CAF_CHECK_EQUAL(plain["content"].Size(), 1u);
  CAF_CHECK(plain.HasMember("structuredContent"));
  auto anomalies = analyse(R"({"analysis":"anomalies","now":"2025-08-01T00:00:00.000Z"})");
  CAF_CHECK_EQUAL(images(anomalies).size(), 0u);
}

CAF_TEST(a finished job read back by status carries its chart) {
  auto started = analyse(R"({"analysis":"trends","wait":false})");
  std::string id = started["structuredContent"]["jobId"].GetString();
  CAF_CHECK_EQUAL(images(started).size(), 0u); // still running: nothing to draw yet
  json::document st;
  for (int i = 0; i < 100; ++i) {
    st = analyse(R"({"action":"status","job_id":")" + id + "\"}");
    if (std::string(st["structuredContent"]["state"].GetString()) == "done")
      break;
    std::this_thread::sleep_for(50ms);
  }
  CAF_REQUIRE_EQUAL(std::string(st["structuredContent"]["state"].GetString()), "done");
  CAF_CHECK_EQUAL(images(st).size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

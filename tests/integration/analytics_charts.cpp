// Which analytics results get which pictures: each image block a base64 PNG of 640x360, trends
// one or two (counts, then amounts), scores and activity one, the dashboard two, anomalies,
// running jobs and unknown analyses none; the JSON stays the first block and structuredContent.
#define CAF_SUITE integration.analytics_charts
#include "caf/test/unit_test.hpp"

#include "integration/tools/analytics_charts.hpp"
#include "protocol/base64.hpp"
#include "support/png_header.hpp"

using namespace tmcp;
using namespace tmcp::twenty::tools;

namespace {

// The PNGs of a result's image blocks, each checked to be 640x360.
std::size_t pngs(const std::string& tool_result) {
  auto doc = json::parse(tool_result);
  CAF_REQUIRE(doc.has_value());
  CAF_REQUIRE(doc->HasMember("structuredContent"));
  CAF_CHECK_EQUAL(std::string((*doc)["content"][0]["type"].GetString()), "text");
  std::size_t n = 0;
  for (auto& c : (*doc)["content"].GetArray()) {
    if (std::string(c["type"].GetString()) != "image")
      continue;
    CAF_CHECK_EQUAL(std::string(c["mimeType"].GetString()), "image/png");
    auto png = base64_decode(c["data"].GetString());
    CAF_REQUIRE(png.has_value());
    auto header = testing::read_png_header(*png);
    CAF_REQUIRE(header.has_value());
    CAF_CHECK_EQUAL(header->width, 640u);
    CAF_CHECK_EQUAL(header->height, 360u);
    ++n;
  }
  return n;
}

std::string job(const std::string& result) {
  return R"({"jobId":"job-1","state":"done","result":)" + result + "}";
}

const char* trend = R"({"analysis":"trends","object":"opportunities","trend":{"granularity":"month","buckets":[
 {"bucket":"2026-01-01","count":3,"sum":{"USD":100}},{"bucket":"2026-02-01","count":0,"sum":{}},
 {"bucket":"2026-03-01","count":5,"sum":{"USD":40,"EUR":7}}]}})";

} // namespace

CAF_TEST(trends get a count chart and with sums an amount chart) {
  CAF_CHECK_EQUAL(pngs(result_with_charts(job(trend), true)), 2u);
  std::string counts_only = R"({"analysis":"trends","object":"people","trend":{"granularity":"week",
    "buckets":[{"bucket":"2026-01-05","count":3},{"bucket":"2026-01-12","count":1}]}})";
  CAF_CHECK_EQUAL(pngs(result_with_charts(job(counts_only), true)), 1u);
  CAF_CHECK_EQUAL(pngs(result_with_charts(job(trend), false)), 0u);
}

CAF_TEST(scores of opportunities or companies and the activity of a record get one chart) {
  for (const char* object : {"opportunities", "companies"})
    CAF_CHECK_EQUAL(pngs(result_with_charts(job(std::string(R"({"analysis":"scores","object":")")
                                                + object + R"(","scored":4,
      "distribution":[0,1,0,0,2,0,0,1,0,0],"scores":[]})"),
                                            true)),
                    1u);
  std::string activity = R"({"analysis":"activity","object":"companies","entity":{"label":"Acme"},
    "activity":{"touchesPerMonth":[{"month":"2025-11-01","touches":2},{"month":"2025-12-01","touches":0},
    {"month":"2026-01-01","touches":4}]}})";
  CAF_CHECK_EQUAL(pngs(result_with_charts(job(activity), true)), 1u);
}

CAF_TEST(anomalies running jobs and unknown analyses get no chart) {
  std::string anomalies = R"({"analysis":"anomalies","object":"opportunities","counts":{},"findings":[]})";
  CAF_CHECK_EQUAL(pngs(result_with_charts(job(anomalies), true)), 0u);
  CAF_CHECK_EQUAL(pngs(result_with_charts(R"({"jobId":"job-2","state":"running"})", true)), 0u);
  CAF_CHECK_EQUAL(pngs(result_with_charts(job(R"({"analysis":"relationships","graph":{}})"), true)),
                  0u);
  std::string empty = R"({"analysis":"trends","object":"x","trend":{"granularity":"month","buckets":[]}})";
  CAF_CHECK_EQUAL(pngs(result_with_charts(job(empty), true)), 0u);
}

CAF_TEST(the dashboard gets its funnel and its monthly trend) {
  std::string dashboard = R"({"pipeline":{"stages":[{"stage":"NEW","count":4,"amount":{"USD":10}},
    {"stage":"WON","count":0,"amount":{}}]},"trend":{"granularity":"month","buckets":[
    {"bucket":"2026-01-01","count":2,"amount":{"USD":5}},{"bucket":"2026-02-01","count":1,"amount":{}}]}})";
  CAF_CHECK_EQUAL(pngs(result_with_charts(dashboard, true, true)), 2u);
  CAF_CHECK_EQUAL(pngs(result_with_charts(R"({"pipeline":{"error":"refused"},"trend":{"error":"refused"}})",
                                          true, true)),
                  0u);
}

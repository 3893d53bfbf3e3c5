// Anomaly detection: robust z-scores on a series, sudden drops, stale deals, outlier amounts.
#define CAF_SUITE analytics.anomalies
#include "caf/test/unit_test.hpp"

#include <cmath>

#include "analytics/anomalies.hpp"
#include "analytics/stats.hpp"
#include "analytics/time_zone.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

opportunity_facts deal(std::string id, std::string stage, double amount, std::string code,
                       const char* updated) {
  opportunity_facts d;
  d.id = d.name = std::move(id);
  d.stage = std::move(stage);
  d.amount = amount;
  d.currency = std::move(code);
  int64_t t = 0;
  CAF_REQUIRE(parse_iso_instant(updated, t));
  d.last_activity_at = t;
  return d;
}

} // namespace

CAF_TEST(median and mad are robust to one wild value) {
  auto s = robust({10, 12, 11, 9, 10, 50, 11, 2});
  CAF_CHECK_EQUAL(s.median, 10.5);
  CAF_CHECK_EQUAL(s.mad, 1.0);
  CAF_CHECK_EQUAL(s.scale, 1.4826);
  CAF_CHECK_EQUAL(median({3, 1, 2}), 2.0);
  CAF_CHECK_EQUAL(median({}), 0.0);
}

CAF_TEST(a spike a dip and the drops after them are found with their evidence) {
  std::vector<std::pair<std::string, double>> series{
    {"2026-01", 10}, {"2026-02", 12}, {"2026-03", 11}, {"2026-04", 9},
    {"2026-05", 10}, {"2026-06", 50}, {"2026-07", 11}, {"2026-08", 2}};
  auto found = series_anomalies(series, {});
  CAF_REQUIRE_EQUAL(found.size(), 4u);
  CAF_CHECK_EQUAL(found[0].kind, "spike");
  CAF_CHECK_EQUAL(found[0].subject, "2026-06");
  // (50 - 10.5) / 1.4826
  CAF_CHECK_EQUAL(found[0].message, "50 is 26.6 robust deviations above the median 10.5");
  CAF_CHECK_EQUAL(found[0].evidence[3].second, std::round(39.5 / 1.4826 * 100) / 100);
  CAF_CHECK_EQUAL(found[1].kind, "sudden_drop");
  CAF_CHECK_EQUAL(found[1].subject, "2026-07");
  CAF_CHECK_EQUAL(found[1].message, "fell from 50 to 11 (-78.0%) after 2026-06");
  CAF_CHECK_EQUAL(found[2].kind, "dip");
  CAF_CHECK_EQUAL(found[2].subject, "2026-08");
  CAF_CHECK_EQUAL(found[3].kind, "sudden_drop");
  CAF_CHECK_EQUAL(found[3].evidence[2].second, -81.82);
}

CAF_TEST(a flat series with one jump still finds it through the mean deviation) {
  auto found = series_anomalies({{"w1", 5}, {"w2", 5}, {"w3", 5}, {"w4", 5}, {"w5", 20}}, {});
  CAF_REQUIRE_EQUAL(found.size(), 1u);
  CAF_CHECK_EQUAL(found[0].kind, "spike");
  // scale 1.2533 * 3 (mean absolute deviation), z = 15 / 3.7599
  CAF_CHECK_EQUAL(found[0].evidence[3].second, std::round(15 / (1.2533 * 3) * 100) / 100);
}

CAF_TEST(too short a series or a steady one has no findings) {
  CAF_CHECK(series_anomalies({{"a", 1}, {"b", 100}, {"c", 1}}, {}).empty());
  CAF_CHECK(series_anomalies({{"a", 7}, {"b", 7}, {"c", 7}, {"d", 7}}, {}).empty());
}

CAF_TEST(open deals idle past the limit are stale and closed ones never) {
  scoring_params p;
  p.closed_stages = {"CUSTOMER"};
  CAF_REQUIRE(parse_iso_instant("2026-06-01T00:00:00Z", p.now));
  auto found = stale_deals({deal("fresh", "NEW", 1, "USD", "2026-05-20T00:00:00Z"),
                            deal("idle", "MEETING", 5, "USD", "2026-04-22T00:00:00Z"),
                            deal("older", "NEW", 5, "USD", "2026-01-01T00:00:00Z"),
                            deal("won", "CUSTOMER", 5, "USD", "2025-01-01T00:00:00Z")},
                           p);
  CAF_REQUIRE_EQUAL(found.size(), 2u);
  CAF_CHECK_EQUAL(found[0].subject, "older");
  CAF_CHECK_EQUAL(found[0].evidence[0].second, 151.0);
  CAF_CHECK_EQUAL(found[1].subject, "idle");
  CAF_CHECK_EQUAL(found[1].message,
                  "open deal 'idle' in stage MEETING has had no activity for 40 days (stale after 30)");
}

CAF_TEST(an amount far from its currency median is an outlier and currencies never mix) {
  const char* t = "2026-05-01T00:00:00Z";
  std::vector<opportunity_facts> deals{
    deal("u1", "NEW", 1000, "USD", t), deal("u2", "NEW", 1100, "USD", t),
    deal("u3", "NEW", 900, "USD", t),  deal("u4", "NEW", 1050, "USD", t),
    deal("u5", "NEW", 950, "USD", t),  deal("u6", "NEW", 10000, "USD", t),
    deal("e1", "NEW", 5, "EUR", t)};
  auto found = outlier_amounts(deals, {});
  CAF_REQUIRE_EQUAL(found.size(), 1u);
  CAF_CHECK_EQUAL(found[0].subject, "u6");
  // median 1025, MAD 75: z = 8975 / (1.4826 * 75)
  CAF_CHECK_EQUAL(found[0].message,
                  "'u6' amount 10000.00 USD is 80.7 robust deviations from the median 1025.00 USD");
  json::document doc;
  write_findings(found, doc, doc.GetAllocator());
  CAF_CHECK_EQUAL(json::stringify(doc),
                  R"([{"kind":"outlier_amount","subject":"u6","message":"'u6' amount 10000.00 USD is 80.7 )"
                  R"(robust deviations from the median 1025.00 USD","evidence":{"amount":10000.0,)"
                  R"("median":1025.0,"mad":75.0,"z":80.71}}])");
}

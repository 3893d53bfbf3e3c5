// Trends: counts and sums per bucket, empty buckets filled, period-over-period change.
#define CAF_SUITE analytics.trends
#include "caf/test/unit_test.hpp"

#include "analytics/trends.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

// Five dated records (a gap in February in UTC), one undated; two currencies, one amount empty.
const char* records = R"([
 {"id":"1","createdAt":"2026-01-05T10:00:00.000Z","amount":{"amountMicros":100000000,"currencyCode":"USD"}},
 {"id":"2","createdAt":"2026-01-20T10:00:00.000Z","amount":{"amountMicros":50000000,"currencyCode":"USD"}},
 {"id":"3","createdAt":"2026-01-31T23:30:00.000Z","amount":{"amountMicros":10000000,"currencyCode":"EUR"}},
 {"id":"4","createdAt":"2026-03-02T08:00:00.000Z","amount":{"amountMicros":300000000,"currencyCode":"USD"}},
 {"id":"5","createdAt":"2026-03-15T08:00:00.000Z","amount":{"amountMicros":null,"currencyCode":""}},
 {"id":"6","createdAt":null,"amount":{"amountMicros":70000000,"currencyCode":"USD"}}
])";

trend_series fill(trend_spec spec, const std::string& zone = "UTC") {
  auto tz = time_zone::load(zone);
  CAF_REQUIRE(tz.has_value());
  trend_series series(std::move(spec), *tz);
  auto doc = json::parse(records);
  CAF_REQUIRE(doc.has_value());
  for (auto& r : doc->GetArray())
    series.add_record(r);
  return series;
}

} // namespace

CAF_TEST(monthly counts and currency sums fill the empty month and give the change) {
  auto series = fill({"createdAt", "amount", true, granularity::month});
  CAF_CHECK_EQUAL(series.records_read(), 6u);
  CAF_CHECK_EQUAL(series.undated(), 1u);
  json::document out;
  series.write(out);
  CAF_CHECK_EQUAL(json::stringify(out),
                  R"({"granularity":"month","buckets":[)"
                  R"({"bucket":"2026-01-01","count":3,"countChange":0,"countChangePct":null,"sum":{"EUR":10,"USD":150},"sumChangePct":{}},)"
                  R"({"bucket":"2026-02-01","count":0,"countChange":-3,"countChangePct":-100.0,"sum":{"EUR":0,"USD":0},"sumChangePct":{"EUR":-100.0,"USD":-100.0}},)"
                  R"({"bucket":"2026-03-01","count":2,"countChange":2,"countChangePct":null,"sum":{"EUR":0,"USD":300},"sumChangePct":{"EUR":null,"USD":null}}],)"
                  R"("records":6,"undated":1})");
}

CAF_TEST(buckets follow the time zone so a late January evening in Berlin is February) {
  auto points = fill({"createdAt", "", false, granularity::month}, "Europe/Berlin").points();
  CAF_REQUIRE_EQUAL(points.size(), 3u);
  CAF_CHECK_EQUAL(points[0].count, 2u);
  CAF_CHECK_EQUAL(points[1].count, 1u);
  CAF_CHECK_EQUAL(points[1].count_change, -1);
  CAF_CHECK_EQUAL(*points[1].count_change_pct, -50.0);
  CAF_CHECK_EQUAL(points[2].count, 2u);
  CAF_CHECK_EQUAL(*points[2].count_change_pct, 100.0);
  CAF_CHECK(points[2].sums.empty());
}

CAF_TEST(quarters hold every month of the quarter) {
  auto points = fill({"createdAt", "amount", true, granularity::quarter}).points();
  CAF_REQUIRE_EQUAL(points.size(), 1u);
  CAF_CHECK_EQUAL(points[0].bucket, "2026-01-01");
  CAF_CHECK_EQUAL(points[0].count, 5u);
  CAF_CHECK_EQUAL(points[0].sums.at("USD"), 450.0);
}

CAF_TEST(weekly buckets start on monday and run without gaps) {
  auto points = fill({"createdAt", "", false, granularity::week}).points();
  // Monday 2026-01-05 to Monday 2026-03-09: ten weeks.
  CAF_REQUIRE_EQUAL(points.size(), 10u);
  CAF_CHECK_EQUAL(points.front().bucket, "2026-01-05");
  CAF_CHECK_EQUAL(points.back().bucket, "2026-03-09");
  CAF_CHECK_EQUAL(points[2].bucket, "2026-01-19");
  CAF_CHECK_EQUAL(points[2].count, 1u);
}

CAF_TEST(the next bucket crosses month and year ends and leap days) {
  CAF_CHECK_EQUAL(next_bucket("2028-02-28", granularity::day), "2028-02-29");
  CAF_CHECK_EQUAL(next_bucket("2026-12-28", granularity::week), "2027-01-04");
  CAF_CHECK_EQUAL(next_bucket("2026-12-01", granularity::month), "2027-01-01");
  CAF_CHECK_EQUAL(next_bucket("2026-10-01", granularity::quarter), "2027-01-01");
  CAF_CHECK_EQUAL(next_bucket("2026-01-01", granularity::year), "2027-01-01");
}

CAF_TEST(a change from zero has no percentage) {
  CAF_CHECK(!percent_change(0, 5).has_value());
  CAF_CHECK_EQUAL(percent_change(3, 4).value_or(0), 33.3);
  CAF_CHECK_EQUAL(percent_change(-2, -1).value_or(0), 50.0);
}

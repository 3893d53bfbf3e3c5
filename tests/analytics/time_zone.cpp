// Time zones and date buckets: offsets from the system's zoneinfo files (DST switches,
// years past the files' last transition through the POSIX footer rule), and bucket labels.
#define CAF_SUITE analytics.time_zone
#include "caf/test/unit_test.hpp"

#include "analytics/group_table.hpp"
#include "analytics/time_zone.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

int64_t at(const std::string& iso) {
  int64_t t = 0;
  CAF_REQUIRE(parse_iso_instant(iso, t));
  return t;
}

time_zone zone(const std::string& name) {
  auto z = time_zone::load(name);
  CAF_REQUIRE(z.has_value());
  return *z;
}

} // namespace

CAF_TEST(iso instants parse with and without time and offset) {
  CAF_CHECK_EQUAL(at("1970-01-01"), 0);
  CAF_CHECK_EQUAL(at("1970-01-02T00:00:01Z"), 86401);
  CAF_CHECK_EQUAL(at("2026-03-31T22:30:00.123Z"), at("2026-04-01T00:30:00+02:00"));
  int64_t t = 0;
  CAF_CHECK(!parse_iso_instant("2026-02-30", t));
  CAF_CHECK(!parse_iso_instant("yesterday", t));
  CAF_CHECK(!parse_iso_instant("2026-01-01T25:00:00Z", t));
}

CAF_TEST(berlin switches to summer time at one in the morning utc on the last sunday of march) {
  auto berlin = zone("Europe/Berlin");
  CAF_CHECK_EQUAL(berlin.offset_at(at("2026-03-29T00:59:59Z")), 3600);
  CAF_CHECK_EQUAL(berlin.offset_at(at("2026-03-29T01:00:00Z")), 7200);
  CAF_CHECK_EQUAL(berlin.offset_at(at("2026-10-25T00:59:59Z")), 7200);
  CAF_CHECK_EQUAL(berlin.offset_at(at("2026-10-25T01:00:00Z")), 3600);
}

CAF_TEST(years after the last transition follow the footer rule in both hemispheres) {
  CAF_CHECK_EQUAL(zone("Europe/Berlin").offset_at(at("2040-07-01T00:00:00Z")), 7200);
  CAF_CHECK_EQUAL(zone("Europe/Berlin").offset_at(at("2040-01-01T00:00:00Z")), 3600);
  CAF_CHECK_EQUAL(zone("America/New_York").offset_at(at("2040-01-01T00:00:00Z")), -18000);
  CAF_CHECK_EQUAL(zone("Australia/Sydney").offset_at(at("2040-07-01T00:00:00Z")), 36000);
  CAF_CHECK_EQUAL(zone("Australia/Sydney").offset_at(at("2040-01-01T00:00:00Z")), 39600);
  auto rule = time_zone::from_posix_rule("CET-1CEST,M3.5.0,M10.5.0/3");
  CAF_REQUIRE(rule.has_value());
  CAF_CHECK_EQUAL(rule->offset_at(at("2030-03-31T00:59:59Z")), 3600);
  CAF_CHECK_EQUAL(rule->offset_at(at("2030-03-31T01:00:00Z")), 7200);
}

CAF_TEST(utc and fixed offsets need no zoneinfo and bad names are refused) {
  CAF_CHECK_EQUAL(zone("UTC").offset_at(at("2026-07-01T00:00:00Z")), 0);
  CAF_CHECK_EQUAL(zone("+05:30").offset_at(0), 19800);
  CAF_CHECK_EQUAL(zone("-08:00").offset_at(0), -28800);
  CAF_CHECK_EQUAL(zone("Asia/Kolkata").offset_at(at("2026-07-01T00:00:00Z")), 19800);
  for (auto bad : {"../../etc/passwd", "Mars/Olympus_Mons", "+25:00", "", "/etc/localtime"}) {
    auto z = time_zone::load(bad);
    CAF_CHECK(!z.has_value());
  }
  auto unknown = time_zone::load("Europe/Berln");
  CAF_REQUIRE(!unknown.has_value());
  CAF_CHECK(unknown.error().find("unknown time zone 'Europe/Berln'") != std::string::npos);
}

namespace {

// The label by value: CAF_CHECK_EQUAL keeps a reference to its argument, and one into the
// temporary optional would dangle (ASan: stack-use-after-scope).
std::string label(const std::string& iso, granularity g, const time_zone& z) {
  return bucket_label(iso, g, z).value_or("<none>");
}

} // namespace

CAF_TEST(bucket labels are the first local day of the period) {
  auto berlin = zone("Europe/Berlin");
  time_zone utc;
  // 22:30 UTC on March 31st is already April 1st in Berlin.
  CAF_CHECK_EQUAL(label("2026-03-31T22:30:00.000Z", granularity::month, berlin), "2026-04-01");
  CAF_CHECK_EQUAL(label("2026-03-31T22:30:00.000Z", granularity::month, utc), "2026-03-01");
  CAF_CHECK_EQUAL(label("2026-03-31T22:30:00.000Z", granularity::day, berlin), "2026-04-01");
  CAF_CHECK_EQUAL(label("2026-03-31T22:30:00.000Z", granularity::quarter, berlin), "2026-04-01");
  CAF_CHECK_EQUAL(label("2026-03-31T22:30:00.000Z", granularity::quarter, utc), "2026-01-01");
  CAF_CHECK_EQUAL(label("2026-12-31T23:30:00.000Z", granularity::year, berlin), "2027-01-01");
  // Weeks start on Monday: 2026-01-01 is a Thursday.
  CAF_CHECK_EQUAL(label("2026-01-01T12:00:00Z", granularity::week, utc), "2025-12-29");
  CAF_CHECK_EQUAL(label("2026-01-04T23:59:59Z", granularity::week, utc), "2025-12-29");
  CAF_CHECK_EQUAL(label("2026-01-05T00:00:00Z", granularity::week, utc), "2026-01-05");
  CAF_CHECK(!bucket_label("not a date", granularity::day, utc));
}

// Activity analysis: touches, cadence, last touch, overdue and upcoming items, the timeline.
#define CAF_SUITE analytics.activity
#include "caf/test/unit_test.hpp"

#include "analytics/activity.hpp"
#include "analytics/time_zone.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

int64_t at(const char* iso) {
  int64_t t = 0;
  CAF_REQUIRE(parse_iso_instant(iso, t));
  return t;
}

// Analysed on 2026-06-10: touches on May 1, 3, 10 and June 1 (gaps 2, 7, 22 days).
const char* records = R"({
 "tasks":[{"id":"t1","title":"Call","createdAt":"2026-05-01T00:00:00.000Z","dueAt":"2026-06-01T00:00:00.000Z","status":"TODO"},
          {"id":"t2","title":"Mail","createdAt":"2026-05-03T00:00:00.000Z","dueAt":"2026-05-05T00:00:00.000Z","status":"DONE"},
          {"id":"t3","title":"Demo","createdAt":"2026-06-01T00:00:00.000Z","dueAt":"2026-06-20T12:00:00.000Z","status":"IN_PROGRESS"},
          {"id":"t4","title":"Undated","createdAt":null,"dueAt":null,"status":"TODO"}],
 "notes":[{"id":"n1","title":"Lunch","createdAt":"2026-05-10T00:00:00.000Z"}],
 "opportunities":[{"id":"o1","name":"Big","createdAt":"2026-05-03T00:00:00.000Z","stage":"MEETING","amount":{"amountMicros":2500000,"currencyCode":"EUR"}}]
})";

std::vector<activity_item> items(bool with_deal) {
  auto doc = json::parse(records);
  CAF_REQUIRE(doc.has_value());
  std::vector<activity_item> out;
  activity_keys task{"title", "dueAt", "status", "DONE", ""};
  for (auto& r : (*doc)["tasks"].GetArray())
    out.push_back(activity_from_record("tasks", r, task));
  for (auto& r : (*doc)["notes"].GetArray())
    out.push_back(activity_from_record("notes", r, {"title", "", "", "", ""}));
  if (with_deal)
    for (auto& r : (*doc)["opportunities"].GetArray())
      out.push_back(activity_from_record("opportunities", r, {"name", "", "stage", "", "amount"}));
  return out;
}

json::document analyse(const std::vector<activity_item>& list, std::size_t limit = 20) {
  json::document doc;
  activity_params p;
  p.now = at("2026-06-10T00:00:00.000Z");
  p.limit = limit;
  write_activity(list, p, doc, doc.GetAllocator());
  return doc;
}

} // namespace

CAF_TEST(the cadence is the median gap between touches) {
  auto doc = analyse(items(false));
  CAF_CHECK_EQUAL(doc["touches"].GetUint64(), 4u);
  CAF_CHECK_EQUAL(std::string(doc["lastTouch"].GetString()), "2026-06-01T00:00:00.000Z");
  CAF_CHECK_EQUAL(doc["daysSinceLastTouch"].GetInt64(), 9);
  // Gaps 2, 7 and 22 days: median 7, mean 31 / 3.
  CAF_CHECK_EQUAL(doc["cadence"]["medianGapDays"].GetDouble(), 7.0);
  CAF_CHECK_EQUAL(doc["cadence"]["meanGapDays"].GetDouble(), 10.3);
  CAF_CHECK_EQUAL(doc["touchesLast30Days"].GetUint64(), 1u);
  CAF_CHECK_EQUAL(doc["touchesLast90Days"].GetUint64(), 4u);
  CAF_CHECK_EQUAL(doc["counts"]["tasks"].GetUint64(), 4u);
  CAF_CHECK_EQUAL(doc["touchesPerMonth"].Size(), 2u);
  CAF_CHECK_EQUAL(doc["touchesPerMonth"][0]["touches"].GetUint64(), 3u);
  CAF_CHECK_EQUAL(std::string(doc["touchesPerMonth"][1]["month"].GetString()), "2026-06-01");
}

CAF_TEST(open items past their due date are overdue and later ones upcoming) {
  auto doc = analyse(items(false));
  // t1 is 9 days late; t2 is done (never overdue); t3 is due in 10 days.
  CAF_CHECK_EQUAL(doc["overdueCount"].GetUint64(), 1u);
  CAF_CHECK_EQUAL(std::string(doc["overdue"][0]["id"].GetString()), "t1");
  CAF_CHECK_EQUAL(doc["overdue"][0]["daysOverdue"].GetInt64(), 9);
  CAF_CHECK_EQUAL(doc["upcomingCount"].GetUint64(), 1u);
  CAF_CHECK_EQUAL(std::string(doc["upcoming"][0]["id"].GetString()), "t3");
  CAF_CHECK_EQUAL(doc["upcoming"][0]["dueInDays"].GetInt64(), 10);
}

CAF_TEST(the timeline lists the newest first and the undated last) {
  auto doc = analyse(items(true), 3);
  CAF_CHECK_EQUAL(doc["timelineCount"].GetUint64(), 6u);
  auto& tl = doc["timeline"];
  CAF_REQUIRE_EQUAL(tl.Size(), 3u);
  CAF_CHECK_EQUAL(std::string(tl[0]["id"].GetString()), "t3");
  CAF_CHECK_EQUAL(std::string(tl[1]["id"].GetString()), "n1");
  CAF_CHECK_EQUAL(std::string(tl[2]["id"].GetString()), "o1"); // May 3 as t2: by id
  auto all = analyse(items(true));
  auto& last = all["timeline"][all["timeline"].Size() - 1];
  CAF_CHECK_EQUAL(std::string(last["id"].GetString()), "t4");
  CAF_CHECK(last["at"].IsNull());
  // The deal shows its stage and amount; a touch on the same day as t2.
  bool deal = false;
  for (auto& e : all["timeline"].GetArray())
    if (std::string(e["id"].GetString()) == "o1") {
      deal = true;
      CAF_CHECK_EQUAL(std::string(e["status"].GetString()), "MEETING");
      CAF_CHECK_EQUAL(e["amount"]["amount"].GetDouble(), 2.5);
    }
  CAF_CHECK(deal);
  CAF_CHECK_EQUAL(all["cadence"]["gaps"].GetUint64(), 4u);
}

CAF_TEST(a record without touches has no cadence) {
  auto doc = analyse({});
  CAF_CHECK_EQUAL(doc["touches"].GetUint64(), 0u);
  CAF_CHECK(doc["cadence"].IsNull());
  CAF_CHECK(doc["lastTouch"].IsNull());
  CAF_CHECK_EQUAL(doc["touchesPerMonth"].Size(), 0u);
  CAF_CHECK_EQUAL(iso_instant(at("1969-12-31T23:59:59.000Z")), "1969-12-31T23:59:59.000Z");
}

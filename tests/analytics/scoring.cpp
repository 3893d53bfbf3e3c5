// Predictive scoring: points per criterion with reasons, configurable weights, closed deals
// left out.
#define CAF_SUITE analytics.scoring
#include "caf/test/unit_test.hpp"

#include "analytics/scoring.hpp"
#include "analytics/time_zone.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

// Scored on 2026-06-01: A is advanced and fresh, B early, idle and slipped, C in the middle.
const char* records = R"([
 {"id":"A","name":"Acme","stage":"PROPOSAL","amount":{"amountMicros":2000000000,"currencyCode":"USD"},
  "createdAt":"2026-04-02T00:00:00.000Z","updatedAt":"2026-05-29T00:00:00.000Z","closeDate":"2026-06-30T00:00:00.000Z"},
 {"id":"B","name":"Bolt","stage":"NEW","amount":{"amountMicros":500000000,"currencyCode":"USD"},
  "createdAt":"2025-12-03T00:00:00.000Z","updatedAt":"2026-04-22T00:00:00.000Z","closeDate":"2026-05-01T00:00:00.000Z"},
 {"id":"C","name":"Crane","stage":"MEETING","amount":{"amountMicros":1000000000,"currencyCode":"USD"},
  "createdAt":"2026-03-03T00:00:00.000Z","updatedAt":"2026-05-17T00:00:00.000Z","closeDate":null},
 {"id":"D","name":"Done","stage":"CUSTOMER","amount":{"amountMicros":9000000000,"currencyCode":"USD"},
  "createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-02-01T00:00:00.000Z","closeDate":"2025-02-01T00:00:00.000Z"}
])";

std::vector<opportunity_facts> deals() {
  auto doc = json::parse(records);
  CAF_REQUIRE(doc.has_value());
  std::vector<opportunity_facts> out;
  for (auto& r : doc->GetArray())
    out.push_back(facts_from_record(r));
  return out;
}

scoring_params params() {
  scoring_params p;
  p.stages = {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"};
  p.closed_stages = {"CUSTOMER"};
  CAF_REQUIRE(parse_iso_instant("2026-06-01T00:00:00.000Z", p.now));
  return p;
}

} // namespace

CAF_TEST(open deals are ranked by their points and closed ones left out) {
  auto scores = score_opportunities(deals(), params());
  CAF_REQUIRE_EQUAL(scores.size(), 3u);
  CAF_CHECK_EQUAL(scores[0].id, "A");
  CAF_CHECK_EQUAL(scores[0].score, 100.0);
  CAF_CHECK_EQUAL(scores[1].id, "C");
  // 20 (stage 3 of 4) + 20 (median amount) + 13.0 (15 days idle) + 10 (90 days old) + 10 (no close date)
  CAF_CHECK_EQUAL(scores[1].score, 73.0);
  CAF_CHECK_EQUAL(scores[2].id, "B");
  CAF_CHECK_EQUAL(scores[2].score, 10.0);
}

CAF_TEST(every criterion says why it gave its points) {
  auto scores = score_opportunities(deals(), params());
  json::document doc;
  write_scores({scores[1]}, doc, doc.GetAllocator());
  CAF_CHECK_EQUAL(json::stringify(doc),
                  R"([{"id":"C","name":"Crane","score":73.0,"reasons":[)"
                  R"({"criterion":"stage","points":20.0,"of":30.0,"why":"stage MEETING is 3 of 4 open stages"},)"
                  R"({"criterion":"amount","points":20.0,"of":20.0,"why":"amount 1000.00 USD is 1.00x the median 1000.00 USD"},)"
                  R"x({"criterion":"recency","points":13.0,"of":20.0,"why":"last activity 15 days ago (full points within 7 days, none after 30)"},)x"
                  R"x({"criterion":"age","points":10.0,"of":10.0,"why":"open for 90 days (sales cycle 90 days)"},)x"
                  R"({"criterion":"close_date","points":10.0,"of":20.0,"why":"no close date"}]}])");
  auto& b = scores[2].reasons;
  CAF_CHECK_EQUAL(b[4].why, "close date slipped 31 days ago while the deal is open");
  CAF_CHECK_EQUAL(b[2].why, "last activity 40 days ago (full points within 7 days, none after 30)");
  CAF_CHECK_EQUAL(b[2].points, 0.0);
}

CAF_TEST(weights change the score and a zero weight drops the criterion) {
  auto p = params();
  auto w = json::parse(R"({"stage":0})");
  auto parsed = parse_weights(*w);
  CAF_REQUIRE(parsed.has_value());
  p.weights = *parsed;
  auto scores = score_opportunities(deals(), p);
  CAF_CHECK_EQUAL(scores[0].score, 100.0);
  // C: 53 of 70 possible.
  CAF_CHECK_EQUAL(scores[1].score, 75.7);
}

CAF_TEST(overdue tasks count only when they are known) {
  auto all = deals();
  all[2].overdue_tasks = 1;
  auto p = params();
  auto medians = median_amounts({all[0], all[1], all[2]});
  auto c = score_opportunity(all[2], p, medians);
  // 73 + 10 of 15 (two thirds) over 115 possible.
  CAF_CHECK_EQUAL(c.score, 72.2);
  CAF_CHECK_EQUAL(c.reasons.back().why, "1 overdue tasks (none at 3 or more)");
}

CAF_TEST(bad weights are refused with the criteria) {
  auto msg = [](const char* text) {
    auto v = json::parse(text);
    auto r = parse_weights(*v);
    return r.has_value() ? std::string("(accepted)") : r.error();
  };
  CAF_CHECK_EQUAL(msg(R"({"stgae":1})"),
                  "unknown scoring criterion 'stgae'; criteria: stage, amount, recency, age, close_date, overdue_tasks");
  CAF_CHECK_EQUAL(msg(R"({"age":-1})"), "the weight of 'age' must be a number >= 0");
  CAF_CHECK_EQUAL(msg(R"({"age":"high"})"), "the weight of 'age' must be a number >= 0");
  CAF_CHECK(msg("[1]").rfind("weights must be an object", 0) == 0);
}

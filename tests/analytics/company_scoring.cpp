// Company scoring: the facts folded from deals, people, task and note links; points per
// criterion against the medians, configurable weights, reasons.
#define CAF_SUITE analytics.company_scoring
#include "caf/test/unit_test.hpp"

#include "analytics/company_scoring.hpp"
#include "analytics/time_zone.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

int64_t at(const char* iso) {
  int64_t t = 0;
  CAF_REQUIRE(parse_iso_instant(iso, t));
  return t;
}

scoring_params params() {
  scoring_params p;
  p.stages = {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"};
  p.closed_stages = {"CUSTOMER"};
  p.now = at("2026-06-01T00:00:00.000Z");
  return p;
}

opportunity_facts deal(const char* stage, double amount, const char* updated) {
  opportunity_facts d;
  d.stage = stage;
  d.amount = amount;
  d.currency = "USD";
  d.last_activity_at = at(updated);
  return d;
}

// Acme: two open deals (PROPOSAL 3000, NEW 1000), three people, a task done yesterday.
// Bolt: one MEETING deal of 2000, one person, an overdue task, idle since April.
// Calm: only a won deal, nobody, nothing to do.
company_book book() {
  company_book b(params());
  auto companies = json::parse(R"([
    {"id":"a","name":"Acme","updatedAt":"2026-01-01T00:00:00.000Z"},
    {"id":"b","name":"Bolt","updatedAt":"2026-01-01T00:00:00.000Z"},
    {"id":"c","name":"Calm","updatedAt":"2026-05-30T00:00:00.000Z"}])");
  for (auto& r : companies->GetArray())
    b.add_company(r, "name");
  b.add_opportunity("a", deal("PROPOSAL", 3000, "2026-02-01T00:00:00.000Z"));
  b.add_opportunity("a", deal("NEW", 1000, "2026-02-01T00:00:00.000Z"));
  b.add_opportunity("b", deal("MEETING", 2000, "2026-04-01T00:00:00.000Z"));
  b.add_opportunity("c", deal("CUSTOMER", 9000, "2026-01-01T00:00:00.000Z"));
  b.add_opportunity("zzz", deal("NEW", 5, "2026-05-31T00:00:00.000Z")); // not a company read
  for (auto id : {"a", "a", "a", "b"})
    b.add_person(id);
  b.knows_people();
  b.add_activity_link("t1", "a");
  b.add_activity_link("t2", "b");
  b.add_activity("t1", at("2026-05-31T00:00:00.000Z"), at("2026-05-30T00:00:00.000Z"), true);
  b.add_activity("t2", at("2026-03-01T00:00:00.000Z"), at("2026-05-01T00:00:00.000Z"), false);
  b.add_activity("t3", at("2026-05-31T00:00:00.000Z"), std::nullopt, false); // linked to none
  b.knows_tasks();
  return b;
}

} // namespace

CAF_TEST(facts are folded per company from the records around it) {
  auto facts = book().facts();
  CAF_REQUIRE_EQUAL(facts.size(), 3u);
  auto& a = facts[0];
  CAF_CHECK_EQUAL(a.open_deals, 2u);
  CAF_CHECK_EQUAL(a.open_pipeline.at("USD"), 4000.0);
  CAF_CHECK_EQUAL(a.people.value_or(-1), 3);
  CAF_CHECK_EQUAL(a.overdue_tasks.value_or(-1), 0);
  CAF_CHECK_EQUAL(*a.last_activity_at, at("2026-05-31T00:00:00.000Z"));
  auto& b = facts[1];
  CAF_CHECK_EQUAL(b.overdue_tasks.value_or(-1), 1);
  CAF_CHECK_EQUAL(*b.last_activity_at, at("2026-04-01T00:00:00.000Z"));
  auto& c = facts[2];
  CAF_CHECK_EQUAL(c.open_deals, 0u);
  CAF_CHECK_EQUAL(*c.last_activity_at, at("2026-05-30T00:00:00.000Z"));
}

CAF_TEST(companies are ranked by their points with reasons) {
  auto scores = score_companies(book().facts(), params(), company_weights{});
  CAF_REQUIRE_EQUAL(scores.size(), 3u);
  // Acme: pipeline 4000 vs median 3000 (25), stages 3/3 and 0/3 (10 of 20), fresh (25),
  // no overdue (15), 3 people vs median 2 (15): 90 of 100.
  CAF_CHECK_EQUAL(scores[0].id, "a");
  CAF_CHECK_EQUAL(scores[0].score, 90.0);
  CAF_CHECK_EQUAL(scores[0].reasons[0].why,
                  "open pipeline 4000.00 USD in 2 deals is 1.33x the median 3000.00 USD");
  CAF_CHECK_EQUAL(scores[0].reasons[1].why,
                  "open deals are 50% of the way through the open stages on average (2 deals)");
  // Bolt: 2000/3000 of 25 (16.7), 2/3 of 20 (13.3), 61 days idle (0), 1 overdue (10),
  // 1 person of median 2 (7.5): 47.5.
  CAF_CHECK_EQUAL(scores[1].id, "b");
  CAF_CHECK_EQUAL(scores[1].score, 47.5);
  CAF_CHECK_EQUAL(scores[1].reasons[2].why,
                  "last activity 61 days ago (full points within 7 days, none after 30)");
  CAF_CHECK_EQUAL(scores[1].reasons[4].why, "1 people (median 2.0)");
  // Calm: no pipeline, no stage, fresh (25), no overdue (15), nobody (0): 40.
  CAF_CHECK_EQUAL(scores[2].id, "c");
  CAF_CHECK_EQUAL(scores[2].score, 40.0);
  CAF_CHECK_EQUAL(scores[2].reasons[0].why, "no open opportunities");
}

CAF_TEST(company weights are configurable and checked) {
  auto p = json::parse(R"({"people":0,"pipeline":50})");
  auto w = parse_company_weights(*p);
  CAF_REQUIRE(w.has_value());
  CAF_CHECK_EQUAL(w->people, 0.0);
  CAF_CHECK_EQUAL(w->pipeline, 50.0);
  auto bad = json::parse(R"({"amount":5})");
  auto r = parse_company_weights(*bad);
  CAF_REQUIRE(!r.has_value());
  CAF_CHECK_EQUAL(r.error(), "unknown scoring criterion 'amount'; criteria: pipeline, stage, "
                             "recency, overdue_tasks, people");
}

CAF_TEST(unknown facts are left out of the possible points) {
  company_book b(params());
  auto rec = json::parse(R"({"id":"x","name":"X","updatedAt":"2026-05-31T00:00:00.000Z"})");
  b.add_company(*rec, "name");
  auto scores = score_companies(b.facts(), params(), company_weights{});
  // pipeline, stage and recency only: 25 of 70.
  CAF_REQUIRE_EQUAL(scores[0].reasons.size(), 3u);
  CAF_CHECK_EQUAL(scores[0].score, 35.7);
}

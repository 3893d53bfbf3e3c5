#define CAF_SUITE standin.seed
#include "caf/test/unit_test.hpp"

#include "support.hpp"

#include <set>

using namespace standin;
using namespace standin::test;

CAF_TEST(the same seed gives the same workspace) {
  workspace a, b;
  CAF_CHECK_EQUAL(a.call("GET", "/rest/opportunities?limit=200").body, b.call("GET", "/rest/opportunities?limit=200").body);
  CAF_CHECK_EQUAL(a.call("GET", "/rest/metadata/objects").body, b.call("GET", "/rest/metadata/objects").body);
  app_config cfg;
  cfg.seed.seed = 43;
  cfg.rate.short_bucket.enabled = cfg.rate.long_bucket.enabled = false;
  app other(cfg);
  http_request req{"GET", "/rest/opportunities?limit=5", "", {{"Authorization", "Bearer standin-demo-key"}}};
  CAF_CHECK(other.handle(req).response.body != a.call("GET", "/rest/opportunities?limit=5").body);
}

CAF_TEST(the demo workspace has the documented size) {
  workspace ws;
  auto& n = ws.a->seeded();
  CAF_CHECK_EQUAL(n.at("company"), 50u);
  CAF_CHECK_EQUAL(n.at("person"), 120u);
  CAF_CHECK_EQUAL(n.at("opportunity"), 80u);
  CAF_CHECK_EQUAL(n.at("workspaceMember"), 6u);
  CAF_CHECK(n.at("task") > 0u && n.at("note") > 0u && n.at("noteTarget") > 0u && n.at("taskTarget") > 0u);
  CAF_CHECK(n.at("contract") > 0u);
}

CAF_TEST(opportunities spread over stages amounts and a year of close dates) {
  workspace ws;
  std::set<std::string> stages, owners;
  std::int64_t lo = INT64_MAX, hi = 0;
  std::set<std::int64_t> amounts;
  auto opps = ws.call("GET", "/rest/opportunities?limit=200");  // keep the reply alive for the loop
  for (auto& o : opps.at("/data/opportunities")->GetArray()) {
    stages.insert(o["stage"].GetString());
    owners.insert(o["ownerId"].GetString());
    amounts.insert(o["amount"]["amountMicros"].GetInt64());
    auto t = *parse_iso_time(o["closeDate"].GetString());
    lo = std::min(lo, t);
    hi = std::max(hi, t);
    CAF_CHECK(!o["companyId"].IsNull());
  }
  CAF_CHECK_EQUAL(stages.size(), 5u);
  CAF_CHECK(amounts.size() > 30u);
  CAF_CHECK((hi - lo) / 86400000 > 300);
  CAF_CHECK(owners.size() > 1u);
}

CAF_TEST(people tasks and targets are linked) {
  workspace ws;
  std::set<std::string> companies;
  auto company_list = ws.call("GET", "/rest/companies?limit=200");
  auto people = ws.call("GET", "/rest/people?limit=200");
  auto tasks = ws.call("GET", "/rest/tasks?limit=200");
  for (auto& c : company_list.at("/data/companies")->GetArray()) companies.insert(c["id"].GetString());
  for (auto& p : people.at("/data/people")->GetArray())
    CAF_CHECK(companies.count(p["companyId"].GetString()) == 1u);
  std::set<std::string> statuses;
  for (auto& t : tasks.at("/data/tasks")->GetArray()) {
    statuses.insert(t["status"].GetString());
    CAF_CHECK(t["dueAt"].IsString());
  }
  CAF_CHECK_EQUAL(statuses.size(), 3u);
  auto targets = ws.call("GET", "/rest/noteTargets?limit=1&depth=1");
  CAF_CHECK(targets.at("/data/noteTargets/0/note/id") != nullptr);
  auto contracts = ws.call("GET", "/rest/contracts?limit=200&filter=status[eq]:SIGNED");
  CAF_CHECK(contracts.num("/totalCount") > 0);
}

CAF_TEST(the scale option sets the number of opportunities) {
  workspace big{true, 5000};
  CAF_CHECK_EQUAL(big.a->seeded().at("opportunity"), 5000u);
  CAF_CHECK_EQUAL(big.call("GET", "/rest/opportunities?limit=1").num("/totalCount"), 5000);
  CAF_CHECK_EQUAL(big.a->seeded().at("company"), 500u);
}

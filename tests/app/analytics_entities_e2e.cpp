// twenty_analytics around records, end to end: the real server over stdio against the
// stand-in; relationships, activity and company scores checked against ground truth computed
// here from the stand-in's own REST records; upstream calls counted on 10,000 opportunities;
// bad arguments refused; a company-scores job cancelled.
#define CAF_SUITE app.analytics_entities
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "analytics/time_zone.hpp"
#include "app/analytics_server.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

// Both rate limits off: the ground truth reads the whole workspace, and the figures measure the
// work, not waiting for tokens.
struct server : analytics_server {
  explicit server(std::vector<std::string> standin_args = {},
                  std::vector<std::string> server_args = {})
    : analytics_server(with(std::move(standin_args), {"--no-rate-limit"}),
                       with(std::move(server_args),
                            {"--rate-short-limit", "0", "--rate-long-limit", "0"})) {}
  static std::vector<std::string> with(std::vector<std::string> args,
                                       std::vector<std::string> more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
};

using id_set = std::set<std::string>;

std::string str(const json::value& r, const std::string& key) {
  auto it = r.FindMember(key.c_str());
  return it != r.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// The workspace as REST gives it, and who is linked to whom (target columns per release).
struct workspace {
  json::document companies, people, opportunities, contracts, tasks, notes, task_targets,
    note_targets;
  std::string company_col, person_col; // targetCompanyId (newest) or companyId (0.50)

  explicit workspace(server& s)
    : companies(s.all("companies")),
      people(s.all("people")),
      opportunities(s.all("opportunities")),
      contracts(s.all("contracts")),
      tasks(s.all("tasks")),
      notes(s.all("notes")),
      task_targets(s.all("taskTargets")),
      note_targets(s.all("noteTargets")) {
    CAF_REQUIRE(task_targets.Size() > 0);
    bool newest = task_targets[0].HasMember("targetCompanyId");
    company_col = newest ? "targetCompanyId" : "companyId";
    person_col = newest ? "targetPersonId" : "personId";
  }

  // Owners (taskId / noteId) of the links whose `col` is `id`.
  static id_set owners(const json::value& links, const char* owner, const std::string& col,
                       const std::string& id) {
    id_set out;
    for (auto& l : links.GetArray())
      if (str(l, col) == id)
        out.insert(str(l, owner));
    return out;
  }
  static id_set with(const json::value& records, const char* col, const std::string& id) {
    id_set out;
    for (auto& r : records.GetArray())
      if (str(r, col) == id)
        out.insert(str(r, "id"));
    return out;
  }
  static id_set both(const id_set& a, const id_set& b) {
    id_set out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
  }

  id_set tasks_of(const std::string& id, const std::string& col) const {
    return owners(task_targets, "taskId", col, id);
  }
  id_set notes_of(const std::string& id, const std::string& col) const {
    return owners(note_targets, "noteId", col, id);
  }

  // The company with the most linked records: the walk has something to find.
  std::string busiest_company() const {
    std::string best;
    std::size_t most = 0;
    for (auto& c : companies.GetArray()) {
      auto id = str(c, "id");
      auto n = with(people, "companyId", id).size() + with(opportunities, "companyId", id).size()
               + tasks_of(id, company_col).size() + notes_of(id, company_col).size();
      if (n > most)
        most = n, best = id;
    }
    return best;
  }
};

int64_t seconds(const std::string& iso) {
  int64_t t = 0;
  CAF_REQUIRE(analytics::parse_iso_instant(iso, t));
  return t;
}

std::string error_text(server& s, const std::string& args) {
  auto r = s.mcp->call_tool("twenty_analytics", args);
  CAF_CHECK(is_error_result(r));
  return r["content"][0]["text"].GetString();
}

// ceil(total / 200) pages, at least one: what reading every match of `filter` costs.
int64_t pages(server& s, const std::string& plural, const std::string& filter) {
  auto [status, body] = s.standin.http(
    "GET", twenty::with_query("/rest/" + plural, {{"limit", "1"}, {"filter", filter}}));
  CAF_REQUIRE_EQUAL(status, 200);
  auto total = (*json::parse(body))["totalCount"].GetInt64();
  return std::max<int64_t>(1, (total + 199) / 200);
}

} // namespace

CAF_TEST(one hop from a company finds every record linked to it) {
  server s;
  workspace w(s);
  auto c = w.busiest_company();
  s.standin.reset_stats();
  auto answer = s.ok(R"({"analysis":"relationships","object":"companies","depth":1,"record_id":")" + c + "\"}");
  auto& graph = answer["result"]["graph"];
  std::set<std::pair<std::string, std::string>> expected, got;
  for (auto& id : workspace::with(w.people, "companyId", c))
    expected.emplace("people", id);
  for (auto& id : workspace::with(w.opportunities, "companyId", c))
    expected.emplace("opportunities", id);
  for (auto& id : workspace::with(w.contracts, "companyId", c))
    expected.emplace("contracts", id);
  for (auto& id : w.tasks_of(c, w.company_col))
    expected.emplace("tasks", id);
  for (auto& id : w.notes_of(c, w.company_col))
    expected.emplace("notes", id);
  for (auto& n : graph["nodes"].GetArray())
    if (n["depth"].GetInt() == 1)
      got.emplace(n["object"].GetString(), n["id"].GetString());
  CAF_CHECK_EQUAL(got, expected);
  CAF_CHECK_EQUAL(std::string(graph["root"]["id"].GetString()), c);
  CAF_CHECK_EQUAL(graph["nodeCount"].GetUint64(), expected.size() + 1);
  CAF_CHECK(!graph["truncated"].GetBool());
  CAF_CHECK_EQUAL(answer["result"]["upstreamCalls"].GetInt64(), s.standin.count("GET /rest/{object}"));
}

CAF_TEST(the ties of a company count the deals tasks and notes its people share with it) {
  server s;
  workspace w(s);
  auto c = w.busiest_company();
  auto answer = s.ok(R"({"analysis":"relationships","object":"companies","limit":1000,"max_nodes":2000,"record_id":")" + c + "\"}");
  auto& graph = answer["result"]["graph"];
  CAF_REQUIRE(!graph["truncated"].GetBool());
  std::map<std::string, std::size_t> expected, got;
  auto company_tasks = w.tasks_of(c, w.company_col);
  auto company_notes = w.notes_of(c, w.company_col);
  for (auto& p : workspace::with(w.people, "companyId", c)) {
    std::size_t shared = 0;
    for (auto& o : w.opportunities.GetArray())
      shared += str(o, "companyId") == c && str(o, "pointOfContactId") == p;
    shared += workspace::both(company_tasks, w.tasks_of(p, w.person_col)).size();
    shared += workspace::both(company_notes, w.notes_of(p, w.person_col)).size();
    expected[p] = shared;
  }
  std::size_t previous = SIZE_MAX;
  for (auto& t : graph["ties"].GetArray()) {
    CAF_CHECK_LESS_OR_EQUAL(t["shared"].GetUint64(), previous);
    previous = t["shared"].GetUint64();
    if (std::string(t["object"].GetString()) == "people" && t["direct"].GetBool())
      got[t["id"].GetString()] = t["shared"].GetUint64();
  }
  CAF_CHECK_EQUAL(got, expected);
  CAF_CHECK_GREATER(graph["nodesPerDepth"].Size(), 2u);
}

CAF_TEST(the activity of a company matches its tasks notes and deals) {
  server s;
  workspace w(s);
  auto c = w.busiest_company();
  const std::string now = "2026-01-01T00:00:00.000Z";
  auto answer = s.ok(R"({"analysis":"activity","object":"companies","limit":1000,"now":")" + now
                     + R"(","record_id":")" + c + "\"}");
  auto& act = answer["result"]["activity"];
  auto task_ids = w.tasks_of(c, w.company_col);
  auto note_ids = w.notes_of(c, w.company_col);
  auto deals = workspace::with(w.opportunities, "companyId", c);
  auto contracts = workspace::with(w.contracts, "companyId", c);
  std::vector<int64_t> touches;
  id_set overdue, upcoming;
  auto collect = [&](const json::value& records, const id_set& ids, bool is_task) {
    for (auto& r : records.GetArray()) {
      if (!ids.count(str(r, "id")))
        continue;
      if (!str(r, "createdAt").empty())
        touches.push_back(seconds(str(r, "createdAt")));
      if (is_task && !str(r, "dueAt").empty() && str(r, "status") != "DONE")
        (str(r, "dueAt") < now ? overdue : upcoming).insert(str(r, "id"));
    }
  };
  collect(w.tasks, task_ids, true);
  collect(w.notes, note_ids, false);
  collect(w.opportunities, deals, false);
  collect(w.contracts, contracts, false);
  CAF_CHECK_EQUAL(act["touches"].GetUint64(), touches.size());
  CAF_CHECK_EQUAL(act["timelineCount"].GetUint64(),
                  task_ids.size() + note_ids.size() + deals.size() + contracts.size());
  auto count_of = [&](const char* o) {
    return act["counts"].HasMember(o) ? act["counts"][o].GetUint64() : 0u;
  };
  CAF_CHECK_EQUAL(count_of("tasks"), task_ids.size());
  CAF_CHECK_EQUAL(count_of("notes"), note_ids.size());
  CAF_CHECK_EQUAL(count_of("opportunities"), deals.size());
  std::sort(touches.begin(), touches.end());
  CAF_REQUIRE_GREATER(touches.size(), 2u);
  CAF_CHECK_EQUAL(seconds(act["lastTouch"].GetString()), touches.back());
  std::vector<double> gaps;
  for (std::size_t i = 1; i < touches.size(); ++i)
    gaps.push_back((touches[i] - touches[i - 1]) / 86400.0);
  std::sort(gaps.begin(), gaps.end());
  auto mid = gaps.size() / 2;
  double median = gaps.size() % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
  CAF_CHECK_LESS(std::abs(act["cadence"]["medianGapDays"].GetDouble() - median), 0.051);
  id_set got_overdue, got_upcoming;
  for (auto& t : act["overdue"].GetArray())
    got_overdue.insert(t["id"].GetString());
  for (auto& t : act["upcoming"].GetArray())
    got_upcoming.insert(t["id"].GetString());
  CAF_CHECK_EQUAL(got_overdue, overdue);
  CAF_CHECK_EQUAL(got_upcoming, upcoming);
}

namespace {

// Each score's reasons name the company's people, overdue tasks and open deals as the records say.
void check_company_reasons(const workspace& w, const json::value& scores, const std::string& now) {
  std::map<std::string, const json::value*> tasks;
  for (auto& t : w.tasks.GetArray())
    tasks[str(t, "id")] = &t;
  double previous = 101;
  for (auto& sc : scores.GetArray()) {
    std::string c = sc["id"].GetString();
    CAF_CHECK_LESS_OR_EQUAL(sc["score"].GetDouble(), previous);
    previous = sc["score"].GetDouble();
    std::size_t open = 0, overdue = 0;
    for (auto& o : w.opportunities.GetArray())
      open += str(o, "companyId") == c && str(o, "stage") != "CUSTOMER";
    for (auto& t : w.tasks_of(c, w.company_col)) {
      auto& rec = *tasks.at(t);
      overdue += !str(rec, "dueAt").empty() && str(rec, "dueAt") < now && str(rec, "status") != "DONE";
    }
    std::map<std::string, std::string> why;
    for (auto& r : sc["reasons"].GetArray())
      why[r["criterion"].GetString()] = r["why"].GetString();
    CAF_CHECK_EQUAL(why["people"].substr(0, why["people"].find(" people")),
                    std::to_string(workspace::with(w.people, "companyId", c).size()));
    CAF_CHECK_EQUAL(why["overdue_tasks"], std::to_string(overdue) + " overdue tasks (none at 3 or more)");
    if (open == 0)
      CAF_CHECK_EQUAL(why["pipeline"], "no open opportunities");
    else
      CAF_CHECK(why["pipeline"].find(" in " + std::to_string(open) + (open == 1 ? " deal " : " deals "))
                != std::string::npos);
  }
}

} // namespace

CAF_TEST(every company is scored with its people overdue tasks and open deals) {
  server s;
  workspace w(s);
  const std::string now = "2026-01-01T00:00:00.000Z";
  auto answer = s.ok(R"({"analysis":"scores","object":"companies","limit":1000,"now":")" + now + "\"}");
  auto& result = answer["result"];
  CAF_CHECK_EQUAL(result["scored"].GetUint64(), w.companies.Size());
  CAF_REQUIRE_EQUAL(result["scores"].Size(), w.companies.Size());
  check_company_reasons(w, result["scores"], now);
}

CAF_TEST(a few companies are scored from the records around them only) {
  server s;
  workspace w(s);
  const std::string now = "2026-01-01T00:00:00.000Z";
  auto busiest = w.busiest_company();
  std::string ids = busiest;
  for (rapidjson::SizeType i = 0; i < 3; ++i)
    if (str(w.companies[i], "id") != busiest)
      ids += "," + str(w.companies[i], "id");
  s.standin.reset_stats();
  auto answer = s.ok(R"({"analysis":"scores","object":"companies","limit":1000,"now":")" + now
                     + R"(","filter":"id[in]:[)" + ids + "]\"}");
  auto& result = answer["result"];
  CAF_CHECK_GREATER_OR_EQUAL(result["scored"].GetUint64(), 3u);
  check_company_reasons(w, result["scores"], now);
  // One page per read: companies, deals, people, task links, tasks, note links, notes.
  CAF_CHECK_LESS_OR_EQUAL(result["upstreamCalls"].GetInt64(), 7);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), result["upstreamCalls"].GetInt64());
  CAF_CHECK_LESS(result["recordsRead"].GetInt64(), 100);
}

CAF_TEST(ten thousand opportunities cost the pages around the entity only) {
  server s({"--scale", "10000"});
  workspace w(s);
  auto c = w.busiest_company();
  const std::string& col = w.company_col;
  // Company scores read each object once, 200 records a page.
  int64_t expected = pages(s, "companies", "") + pages(s, "opportunities", "companyId[is]:NOT_NULL")
                     + pages(s, "people", "companyId[is]:NOT_NULL")
                     + pages(s, "taskTargets", col + "[is]:NOT_NULL") + pages(s, "tasks", "")
                     + pages(s, "noteTargets", col + "[is]:NOT_NULL") + pages(s, "notes", "");
  s.standin.reset_stats();
  auto scores = s.ok(R"({"analysis":"scores","object":"companies","max_pages":5000})",
                     R"({"progressToken":"cs"})");
  CAF_CHECK_EQUAL(scores["result"]["upstreamCalls"].GetInt64(), expected);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), expected);
  // Progress after every page: the records read so far.
  int64_t progress = 0;
  double last = 0;
  for (auto& n : s.mcp->notifications)
    if (n.find("\"cs\"") != std::string::npos) {
      ++progress;
      last = (*json::parse(n))["params"]["progress"].GetDouble();
    }
  CAF_CHECK_EQUAL(progress, expected);
  CAF_CHECK_EQUAL(last, scores["result"]["recordsRead"].GetDouble());
  CAF_CHECK_EQUAL(scores["result"]["scored"].GetUint64(), w.companies.Size());
  // A company's activity and graph read filtered pages, far fewer than the 50 of all deals;
  // the graph finds the activity's pages in the cache.
  for (auto analysis : {"activity", "relationships"}) {
    s.standin.reset_stats();
    auto r = s.ok(std::string(R"({"analysis":")") + analysis
                  + R"(","object":"companies","record_id":")" + c + "\"}");
    auto calls = r["result"]["upstreamCalls"].GetInt64();
    if (std::string(analysis) == "activity")
      CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), calls);
    else
      CAF_CHECK_LESS(s.standin.count("GET /rest/{object}"), calls);
    CAF_CHECK_GREATER(calls, 2);
    CAF_CHECK_LESS(calls, 50);
    CAF_CHECK_LESS(r["result"]["recordsRead"].GetInt64(), 2000);
  }
}

CAF_TEST(bad arguments of the record analyses are refused with what is wrong) {
  server s;
  auto c = str(s.all("companies")[0], "id");
  s.standin.reset_stats();
  CAF_CHECK(error_text(s, R"({"analysis":"relationships","object":"companies"})").find("needs record_id") != std::string::npos);
  CAF_CHECK(error_text(s, R"({"analysis":"activity","object":"companies","record_id":"42"})").find("record_id must be a record UUID; got '42'") != std::string::npos);
  CAF_CHECK(error_text(s, R"({"analysis":"relationships","object":"companies","depth":9,"record_id":")" + c + "\"}").find("depth must be an integer between 1 and 4") != std::string::npos);
  CAF_CHECK(error_text(s, R"({"analysis":"relationships","object":"companies","objects":["peple"],"record_id":")" + c + "\"}").find("did you mean 'people'") != std::string::npos);
  CAF_CHECK(error_text(s, R"({"analysis":"activity","object":"contracts","record_id":")" + c + "\"}").find("'activity' needs an object that tasks") != std::string::npos);
  CAF_CHECK(error_text(s, R"({"analysis":"scores","object":"companies","weights":{"amount":1}})").find("unknown scoring criterion 'amount'; criteria: pipeline, stage, recency, overdue_tasks, people") != std::string::npos);
  CAF_CHECK(error_text(s, R"({"analysis":"sentiment"})").find("must be one of: trends, scores, anomalies, relationships, activity") != std::string::npos);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), 0);
  // A well-formed id of no record costs the one read that finds nothing.
  auto missing = error_text(s, R"({"analysis":"relationships","object":"companies","record_id":"00000000-0000-4000-8000-000000000000"})");
  CAF_CHECK(missing.find("no companies record with id 00000000-0000-4000-8000-000000000000") != std::string::npos);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), 1);
}

CAF_TEST(objects the permissions hide are left out of the walk and the scores) {
  server s({}, {"--permissions", "companies:read;people:read;opportunities:read"});
  workspace w(s);
  auto c = w.busiest_company();
  auto graph = s.ok(R"({"analysis":"relationships","object":"companies","record_id":")" + c + "\"}");
  std::set<std::string> objects;
  for (auto& n : graph["result"]["graph"]["nodes"].GetArray())
    objects.insert(n["object"].GetString());
  CAF_CHECK_EQUAL(objects, (std::set<std::string>{"companies", "opportunities", "people"}));
  CAF_CHECK(error_text(s, R"({"analysis":"relationships","object":"companies","objects":["tasks"],"record_id":")" + c + "\"}").find("do not let you read tasks") != std::string::npos);
  // Tasks unread: overdue tasks are unknown, so that criterion is left out.
  auto scores = s.ok(R"({"analysis":"scores","object":"companies","limit":1})");
  std::set<std::string> criteria;
  for (auto& r : scores["result"]["scores"][0]["reasons"].GetArray())
    criteria.insert(r["criterion"].GetString());
  CAF_CHECK_EQUAL(criteria, (std::set<std::string>{"pipeline", "stage", "recency", "people"}));
}

CAF_TEST(cancelling company scores stops their upstream calls) {
  server s({"--scale", "3000", "--latency-ms", "150"});
  auto started = s.ok(R"({"analysis":"scores","object":"companies","wait":false})");
  std::string id = started["jobId"].GetString();
  std::this_thread::sleep_for(500ms);
  s.ok(R"({"action":"cancel","job_id":")" + id + "\"}");
  for (int i = 0; i < 100 && s.state_of(id) == "running"; ++i)
    std::this_thread::sleep_for(50ms);
  CAF_CHECK_EQUAL(s.state_of(id), "cancelled");
  auto calls = s.standin.count("GET /rest/{object}");
  std::this_thread::sleep_for(1s);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), calls);
  CAF_CHECK_GREATER(calls, 0);
}

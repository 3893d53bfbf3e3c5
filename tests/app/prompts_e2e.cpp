// The five CRM prompts end to end: the real server over stdio against the stand-in. Each
// prompt's embedded data is checked against the stand-in's own REST records, fetched here
// independently; completions against the names Twenty has; bad arguments, missing records and
// MCP_PERMISSIONS refusals against -32602.
#define CAF_SUITE app.prompts
#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <map>
#include <set>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

using strings = std::vector<std::string>;

std::string encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s)
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += std::string("%") + hex[c >> 4] + hex[c & 15];
  return out;
}

struct fixture {
  standin_process standin;
  std::unique_ptr<mcp_stdio_client> mcp = connect({});

  // A server (with `extra` options) initialized against the stand-in.
  std::unique_ptr<mcp_stdio_client> connect(const std::vector<std::string>& extra) {
    CAF_REQUIRE(!standin.url.empty());
    auto client = std::make_unique<mcp_stdio_client>(standin_server_argv(standin.url, extra));
    CAF_REQUIRE(client->initialize());
    return client;
  }

  // Records of `plural` straight from the stand-in's REST API (one page of up to 200).
  json::document rows(const std::string& plural, const std::string& filter = "", int depth = 0) {
    auto [status, body] = standin.http("GET", "/rest/" + plural + "?limit=200&depth="
                                                + std::to_string(depth)
                                                + (filter.empty() ? "" : "&filter=" + encode(filter)));
    CAF_REQUIRE_EQUAL(status, 200);
    auto doc = json::parse(body);
    CAF_REQUIRE(doc.has_value());
    return json::clone((*doc)["data"][plural.c_str()]);
  }

  json::document raw(const std::string& name, const std::string& args) {
    return mcp->request("prompts/get",
                        R"({"name":")" + name + R"(","arguments":)" + args + "}", 60s);
  }

  // The result of a successful prompts/get (asserts success).
  json::document get(const std::string& name, const std::string& args) {
    auto r = raw(name, args);
    if (!r.IsObject() || !r.HasMember("result"))
      CAF_FAIL("prompts/get " << name << " " << args << ": " << json::stringify(r));
    return json::clone(r["result"]);
  }

  // The error of a failed prompts/get: code and message.
  std::pair<int, std::string> error(const std::string& name, const std::string& args) {
    auto r = raw(name, args);
    if (!r.IsObject() || !r.HasMember("error"))
      return {0, json::stringify(r)};
    return {r["error"]["code"].GetInt(), r["error"]["message"].GetString()};
  }

  strings complete(const std::string& prompt, const std::string& argument,
                   const std::string& value, const std::string& context = "{}") {
    auto r = mcp->request("completion/complete",
                          R"({"ref":{"type":"ref/prompt","name":")" + prompt
                            + R"("},"argument":{"name":")" + argument + R"(","value":)"
                            + json::quote(value) + R"(},"context":{"arguments":)" + context
                            + "}}");
    strings out;
    if (r.HasMember("result"))
      for (auto& v : r["result"]["completion"]["values"].GetArray())
        out.emplace_back(v.GetString());
    return out;
  }
};

// The first message's text and the embedded resources by URI (parsed).
struct prompt_answer {
  std::string text;
  std::map<std::string, json::document> embedded;
};

prompt_answer read_answer(const json::document& result) {
  prompt_answer out;
  for (auto& m : result["messages"].GetArray()) {
    CAF_CHECK_EQUAL(std::string(m["role"].GetString()), "user");
    auto& c = m["content"];
    std::string type = c["type"].GetString();
    if (type == "text") {
      out.text += c["text"].GetString();
      continue;
    }
    CAF_REQUIRE_EQUAL(type, "resource");
    CAF_CHECK_EQUAL(std::string(c["resource"]["mimeType"].GetString()), "application/json");
    auto doc = json::parse(c["resource"]["text"].GetString());
    CAF_REQUIRE(doc.has_value());
    out.embedded.emplace(c["resource"]["uri"].GetString(), std::move(*doc));
  }
  return out;
}

std::set<std::string> ids_of(const json::value& records) {
  std::set<std::string> out;
  for (auto& r : records.GetArray())
    out.insert(r["id"].GetString());
  return out;
}

std::string full_name(const json::value& person) {
  return std::string(person["name"]["firstName"].GetString()) + " "
         + person["name"]["lastName"].GetString();
}

// The junction column to companies: 0.50 names it companyId, later releases targetCompanyId.
const char* company_column() {
  auto r = std::getenv("TMCP_TWENTY_VERSION");
  return r && std::string(r) == "0.50" ? "companyId" : "targetCompanyId";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr const char* as_of = "2026-01-01T00:00:00Z";
constexpr int64_t as_of_day = 20454; // days from 1970-01-01 to 2026-01-01

// Whole days since the epoch of an ISO date ("2026-01-12..."), by the civil calendar.
int64_t day_of(const std::string& iso) {
  int y = std::stoi(iso.substr(0, 4)), m = std::stoi(iso.substr(5, 2)), d = std::stoi(iso.substr(8, 2));
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(prompts_tests, fixture)

CAF_TEST(the five crm prompts are listed with their arguments) {
  auto r = mcp->request("prompts/list", "{}");
  std::map<std::string, std::set<std::string>> args;
  for (auto& p : r["result"]["prompts"].GetArray()) {
    CAF_CHECK(p.HasMember("description"));
    for (auto& a : p["arguments"].GetArray())
      args[p["name"].GetString()].insert(a["name"].GetString());
  }
  CAF_CHECK_EQUAL(args["analyze_crm_data"], (std::set<std::string>{"object", "period", "focus"}));
  CAF_CHECK(args["suggest_next_actions"].count("record") && args["suggest_next_actions"].count("as_of"));
  CAF_CHECK(args["draft_communication"].count("channel") && args["draft_communication"].count("tone"));
  CAF_CHECK(args["identify_opportunities"].count("company") && args["identify_opportunities"].count("stage"));
  CAF_CHECK_EQUAL(args["relationship_mapping"], (std::set<std::string>{"record", "object", "depth"}));
  // Prompts are not tools: tools/list keeps its size.
  auto tools = mcp->request("tools/list", "{}");
  for (auto& t : tools["result"]["tools"].GetArray())
    CAF_CHECK(!contains(t["name"].GetString(), "suggest"));
}

CAF_TEST(suggest next actions embeds the company its open deals its tasks and its notes) {
  // A company with tasks linked to it, as the stand-in has them.
  std::string company;
  auto got1 = rows("taskTargets");
  for (auto& link : got1.GetArray())
    if (link.HasMember(company_column()) && link[company_column()].IsString()) {
      company = link[company_column()].GetString();
      break;
    }
  CAF_REQUIRE(!company.empty());
  auto a = read_answer(get("suggest_next_actions", R"({"record":")" + company
                                                     + R"(","as_of":")" + as_of
                                                     + R"(","horizon_days":"30"})"));
  auto base = "twenty://records/companies/" + company;
  CAF_REQUIRE(a.embedded.count(base) && a.embedded.count(base + "/opportunities")
              && a.embedded.count(base + "/tasks") && a.embedded.count(base + "/notes"));
  CAF_CHECK(contains(a.text, company));
  auto record = rows("companies", "id[eq]:" + company);
  CAF_CHECK_EQUAL(std::string(a.embedded[base]["name"].GetString()),
                  std::string(record[0]["name"].GetString()));

  // The analytics' activity of the record (touches, cadence, last touch).
  CAF_REQUIRE(a.embedded.count(base + "/activity"));
  CAF_CHECK_EQUAL(std::string(a.embedded[base + "/activity"]["entity"]["id"].GetString()), company);
  // Open opportunities: the company's deals not in the last stage (CUSTOMER).
  std::set<std::string> open;
  std::size_t related = 0;
  auto got2 = rows("opportunities", "companyId[eq]:" + company);
  for (auto& o : got2.GetArray()) {
    ++related;
    if (std::string(o["stage"].GetString()) != "CUSTOMER")
      open.insert(o["id"].GetString());
  }
  auto& opps = a.embedded[base + "/opportunities"];
  CAF_CHECK_EQUAL(opps["related"].GetUint64(), related);
  CAF_CHECK_EQUAL(ids_of(opps["opportunities"]), open);

  // Tasks: overdue and due within 30 days of as_of, the rest counted.
  std::set<std::string> overdue, upcoming;
  std::size_t done = 0, linked = 0;
  auto got3 = rows("taskTargets", std::string(company_column()) + "[eq]:" + company, 1);
  for (auto& link : got3.GetArray()) {
    ++linked;
    auto& t = link["task"];
    if (std::string(t["status"].GetString()) == "DONE") {
      ++done;
      continue;
    }
    auto due = day_of(t["dueAt"].GetString());
    if (due < as_of_day)
      overdue.insert(t["id"].GetString());
    else if (due <= as_of_day + 30)
      upcoming.insert(t["id"].GetString());
  }
  auto& tasks = a.embedded[base + "/tasks"];
  CAF_CHECK_EQUAL(tasks["linked"].GetInt64(), static_cast<int64_t>(linked));
  CAF_CHECK_EQUAL(tasks["done"].GetUint64(), done);
  CAF_CHECK_EQUAL(ids_of(tasks["overdue"]), overdue);
  CAF_CHECK_EQUAL(ids_of(tasks["upcoming"]), upcoming);

  // Notes: every note linked to the company, latest first.
  std::set<std::string> notes;
  auto got4 = rows("noteTargets", std::string(company_column()) + "[eq]:" + company);
  for (auto& link : got4.GetArray())
    notes.insert(link["noteId"].GetString());
  auto& n = a.embedded[base + "/notes"];
  CAF_CHECK_EQUAL(n["total"].GetUint64(), notes.size());
  for (auto& note : n["notes"].GetArray())
    CAF_CHECK(notes.count(note["id"].GetString()));
}

CAF_TEST(an exact name wins over the names that contain it) {
  auto companies = rows("companies");
  auto lower = [](std::string t) {
    for (auto& c : t)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  std::string name, id;
  for (auto& c : companies.GetArray()) {
    std::string n = c["name"].GetString();
    int same = 0, containing = 0;
    for (auto& o : companies.GetArray()) {
      std::string other = lower(o["name"].GetString());
      same += other == lower(n);
      containing += other.find(lower(n)) != std::string::npos;
    }
    if (same == 1 && containing > 1) {
      name = n;
      id = c["id"].GetString();
      break;
    }
  }
  CAF_REQUIRE(!name.empty());
  auto a = read_answer(get("relationship_mapping", R"({"record":")" + lower(name) + "\"}"));
  CAF_CHECK(a.embedded.count("twenty://records/companies/" + id));
}

CAF_TEST(a long note body is cut in the embedded data saying how much was left out) {
  auto companies = rows("companies");
  std::string company = companies[0]["id"].GetString();
  std::string body(5000, 'x');
  auto [status, created] = standin.http("POST", "/rest/notes",
                                        R"({"title":"Long","bodyV2":{"markdown":")" + body + "\"}}");
  CAF_REQUIRE_EQUAL(status, 201);
  auto note = json::parse(created);
  CAF_REQUIRE(note.has_value());
  std::string note_id = (*note)["data"]["createNote"]["id"].GetString();
  auto linked = standin.http("POST", "/rest/noteTargets",
                             R"({"noteId":")" + note_id + R"(",")" + company_column() + R"(":")" + company
                               + "\"}");
  CAF_REQUIRE_EQUAL(linked.first, 201);
  auto a = read_answer(get("suggest_next_actions", R"({"record":")" + company + "\"}"));
  auto& notes = a.embedded["twenty://records/companies/" + company + "/notes"]["notes"];
  bool found = false;
  for (auto& n : notes.GetArray())
    if (note_id == n["id"].GetString()) {
      found = true;
      std::string text = n["bodyV2"].GetString();
      CAF_CHECK_LESS(text.size(), 1100u);
      CAF_CHECK(contains(text, "4000 more characters"));
    }
  CAF_CHECK(found);
}

CAF_TEST(suggest next actions without a record embeds the workspace open tasks) {
  auto a = read_answer(get("suggest_next_actions", R"({"as_of":")" + std::string(as_of) + "\"}"));
  int64_t overdue = 0, upcoming = 0;
  auto got5 = rows("tasks");
  for (auto& t : got5.GetArray()) {
    if (std::string(t["status"].GetString()) == "DONE")
      continue;
    auto due = day_of(t["dueAt"].GetString());
    overdue += due < as_of_day;
    upcoming += due >= as_of_day && due <= as_of_day + 14;
  }
  CAF_REQUIRE(a.embedded.count("twenty://tasks/overdue") && a.embedded.count("twenty://tasks/upcoming"));
  auto& o = a.embedded["twenty://tasks/overdue"];
  CAF_CHECK_EQUAL(o["total"].GetInt64(), overdue);
  int64_t shown = std::min<int64_t>(overdue, 10);
  CAF_CHECK_EQUAL(static_cast<int64_t>(o["records"].Size()), shown);
  if (overdue > 10)
    CAF_CHECK_EQUAL(o["leftOut"].GetInt64(), overdue - 10);
  CAF_CHECK_EQUAL(a.embedded["twenty://tasks/upcoming"]["total"].GetInt64(), upcoming);
}

CAF_TEST(draft communication finds a person by full name and embeds the person and company) {
  auto people = rows("people", "", 1);
  // A person whose full name no one else has.
  std::map<std::string, int> seen;
  for (auto& p : people.GetArray())
    ++seen[full_name(p)];
  const json::value* person = nullptr;
  for (auto& p : people.GetArray())
    if (seen[full_name(p)] == 1) {
      person = &p;
      break;
    }
  CAF_REQUIRE(person != nullptr);
  std::string id = (*person)["id"].GetString();
  auto a = read_answer(get("draft_communication",
                           R"({"record":")" + full_name(*person)
                             + R"(","channel":"email","tone":"formal","purpose":"book a demo"})"));
  CAF_CHECK(contains(a.text, "email") && contains(a.text, "formal") && contains(a.text, "book a demo"));
  auto base = "twenty://records/people/" + id;
  CAF_REQUIRE(a.embedded.count(base));
  auto& rec = a.embedded[base];
  CAF_CHECK_EQUAL(std::string(rec["emails"].GetString()),
                  std::string((*person)["emails"]["primaryEmail"].GetString()));
  CAF_CHECK_EQUAL(std::string(rec["company"]["name"].GetString()),
                  std::string((*person)["company"]["name"].GetString()));
  CAF_CHECK(a.embedded.count(base + "/notes") && a.embedded.count(base + "/tasks"));
  std::set<std::string> open;
  auto got6 = rows("opportunities", "pointOfContactId[eq]:" + id);
  for (auto& o : got6.GetArray())
    if (std::string(o["stage"].GetString()) != "CUSTOMER")
      open.insert(o["id"].GetString());
  CAF_CHECK_EQUAL(ids_of(a.embedded[base + "/opportunities"]["opportunities"]), open);
}

CAF_TEST(relationship mapping counts the ties and reads the second degree) {
  // The company with the most people.
  std::map<std::string, int> per_company;
  auto got7 = rows("people");
  for (auto& p : got7.GetArray())
    ++per_company[p["companyId"].GetString()];
  auto best = std::max_element(per_company.begin(), per_company.end(),
                               [](auto& x, auto& y) { return x.second < y.second; });
  auto company = best->first;
  auto a = read_answer(get("relationship_mapping", R"({"record":")" + company + R"(","depth":"2"})"));
  auto uri = "twenty://records/companies/" + company + "/relationships";
  CAF_REQUIRE(a.embedded.count(uri));
  auto& map = a.embedded[uri];
  std::map<std::string, const json::value*> ties;
  for (auto& t : map["ties"].GetArray())
    ties[t["relation"].GetString()] = &t;
  CAF_REQUIRE(ties.count("people"));
  CAF_CHECK_EQUAL((*ties["people"])["count"].GetInt(), best->second);
  auto opps = rows("opportunities", "companyId[eq]:" + company);
  if (opps.Empty())
    CAF_CHECK(!ties.count("opportunities")); // no records, no tie
  else
    CAF_CHECK(ties.count("opportunities")
              && (*ties["opportunities"])["count"].GetUint() == opps.Size());
  // Strongest first.
  int64_t previous = INT64_MAX;
  for (auto& t : map["ties"].GetArray()) {
    CAF_CHECK_LESS_OR_EQUAL(t["count"].GetInt64(), previous);
    previous = t["count"].GetInt64();
  }
  // Second degree: each person shown, with their opportunities as point of contact.
  std::map<std::string, const json::value*> second;
  for (auto& s : map["secondDegree"].GetArray())
    second[s["id"].GetString()] = &s;
  for (auto& p : (*ties["people"])["records"].GetArray()) {
    std::string pid = p["id"].GetString();
    CAF_REQUIRE(second.count(pid));
    auto expected = rows("opportunities", "pointOfContactId[eq]:" + pid).Size();
    int64_t got = 0;
    for (auto& t : (*second[pid])["ties"].GetArray())
      if (std::string(t["relation"].GetString()) == "pointOfContactForOpportunities")
        got = t["count"].GetInt64();
    CAF_CHECK_EQUAL(got, static_cast<int64_t>(expected));
  }
  // The analytics' relationship graph of the same record (analytics/relationships).
  auto graph_uri = "twenty://records/companies/" + company + "/graph";
  CAF_REQUIRE(a.embedded.count(graph_uri));
  CAF_CHECK_EQUAL(std::string(a.embedded[graph_uri]["recordId"].GetString()), company);
  CAF_CHECK(a.embedded[graph_uri].HasMember("graph"));
  // Depth 1 has no second degree.
  auto shallow = read_answer(get("relationship_mapping", R"({"record":")" + company + "\"}"));
  CAF_CHECK(!shallow.embedded[uri].HasMember("secondDegree"));
}

CAF_TEST(identify opportunities embeds the pipeline by stage scores and stale deals) {
  auto all = rows("opportunities");
  std::map<std::string, int64_t> per_stage;
  std::map<std::string, double> amount;
  for (auto& o : all.GetArray()) {
    ++per_stage[o["stage"].GetString()];
    amount[o["stage"].GetString()] += o["amount"]["amountMicros"].GetDouble() / 1e6;
  }
  mcp->notifications.clear();
  auto answer = mcp->request("prompts/get",
                             R"({"name":"identify_opportunities","arguments":{"as_of":")"
                               + std::string(as_of) + R"("},"_meta":{"progressToken":"p1"}})",
                             60s);
  CAF_REQUIRE(answer.HasMember("result"));
  auto a = read_answer(json::clone(answer["result"]));
  // The analytics jobs' pages are reported to the caller's progress token.
  bool progressed = false;
  for (const auto& n : mcp->notifications)
    progressed = progressed
                 || (contains(n, "notifications/progress") && contains(n, "\"p1\"")
                     && contains(n, "\"progress\":" + std::to_string(all.Size())));
  CAF_CHECK(progressed);
  CAF_REQUIRE(a.embedded.count("twenty://analytics/pipeline"));
  auto& pipeline = a.embedded["twenty://analytics/pipeline"];
  std::map<std::string, int64_t> got;
  for (auto& row : pipeline["rows"].GetArray()) {
    got[row[0].GetString()] = row[1].GetInt64();
    CAF_CHECK_LESS(std::abs(row[2]["USD"].GetDouble() - amount[row[0].GetString()]), 0.01);
  }
  CAF_CHECK_EQUAL(got, per_stage);
  auto& scores = a.embedded["twenty://analytics/opportunity-scores"];
  CAF_CHECK_EQUAL(scores["recordsRead"].GetUint64(), all.Size());
  CAF_CHECK_EQUAL(scores["scored"].GetInt64(),
                  static_cast<int64_t>(all.Size()) - per_stage["CUSTOMER"]);
  CAF_CHECK_EQUAL(scores["scores"].Size(), 10u);
  auto ids = ids_of(all);
  for (auto& s : scores["scores"].GetArray())
    CAF_CHECK(ids.count(s["id"].GetString()) && s["reasons"].Size() > 0);
  auto& anomalies = a.embedded["twenty://analytics/opportunity-anomalies"];
  CAF_CHECK(anomalies["counts"].HasMember("stale_deal"));
  // Open deals closing within 30 days of as_of.
  int64_t closing = 0;
  for (auto& o : all.GetArray()) {
    auto day = day_of(o["closeDate"].GetString());
    closing += std::string(o["stage"].GetString()) != "CUSTOMER" && day >= as_of_day
               && day <= as_of_day + 30;
  }
  auto& soon = a.embedded["twenty://analytics/closing-soon"];
  CAF_CHECK_EQUAL(soon["total"].GetInt64(), closing);
  for (auto& o : soon["records"].GetArray())
    CAF_CHECK(day_of(o["closeDate"].GetString()) >= as_of_day
              && std::string(o["stage"].GetString()) != "CUSTOMER");

  // One stage of one company: the pipeline narrows to its deals.
  std::string company = all[0]["companyId"].GetString(), stage = all[0]["stage"].GetString();
  int64_t expected = 0;
  for (auto& o : all.GetArray())
    expected += std::string(o["companyId"].GetString()) == company
                && std::string(o["stage"].GetString()) == stage;
  auto narrow = read_answer(get("identify_opportunities",
                                R"({"company":")" + company + R"(","stage":")" + stage + "\"}"));
  auto& rows_ = narrow.embedded["twenty://analytics/pipeline"]["rows"];
  CAF_REQUIRE_EQUAL(rows_.Size(), 1u);
  CAF_CHECK_EQUAL(rows_[0][1].GetInt64(), expected);
  CAF_CHECK(contains(narrow.text, company));
}

CAF_TEST(analyze crm data embeds the schema and the counts per object) {
  auto a = read_answer(get("analyze_crm_data", R"({"object":"opportunities","focus":"growth"})"));
  CAF_REQUIRE(a.embedded.count("twenty://schema/summary") && a.embedded.count("twenty://analytics/counts"));
  std::set<std::string> objects;
  for (auto& o : a.embedded["twenty://schema/summary"]["objects"].GetArray())
    objects.insert(o["object"].GetString());
  CAF_CHECK(objects.count("companies") && objects.count("people") && objects.count("opportunities"));
  std::map<std::string, int64_t> counts;
  for (auto& c : a.embedded["twenty://analytics/counts"]["counts"].GetArray())
    counts[c["object"].GetString()] = c["total"].GetInt64();
  for (const char* plural : {"companies", "people", "opportunities", "tasks", "notes"})
    CAF_CHECK_EQUAL(counts[plural], static_cast<int64_t>(rows(plural).Size()));
  std::map<std::string, int64_t> per_stage, got;
  auto got8 = rows("opportunities");
  for (auto& o : got8.GetArray())
    ++per_stage[o["stage"].GetString()];
  for (auto& row : a.embedded["twenty://analytics/opportunities/by/stage"]["rows"].GetArray())
    got[row[0].GetString()] = row[1].GetInt64();
  CAF_CHECK_EQUAL(got, per_stage);
  CAF_CHECK(a.embedded.count("twenty://fields/opportunities"));
  // A period counts the records created since its start too.
  auto recent = read_answer(get("analyze_crm_data", R"({"period":"last_365_days"})"));
  for (auto& c : recent.embedded["twenty://analytics/counts"]["counts"].GetArray())
    CAF_CHECK_LESS_OR_EQUAL(c["createdSince"].GetInt64(), c["total"].GetInt64());
}

CAF_TEST(completions offer record names from a search and the live choices) {
  std::set<std::string> expected;
  auto got9 = rows("companies", R"(name[ilike]:"Acme%")");
  for (auto& c : got9.GetArray())
    expected.insert(c["name"].GetString());
  CAF_REQUIRE(!expected.empty());
  auto got = complete("suggest_next_actions", "record", "acme");
  CAF_CHECK_EQUAL(std::set<std::string>(got.begin(), got.end()), expected);
  // People by their names, when the context names the object.
  auto people = complete("draft_communication", "record", "Ada");
  CAF_REQUIRE(!people.empty());
  for (const auto& p : people)
    CAF_CHECK(contains(p, "Ada"));
  CAF_CHECK_EQUAL(complete("identify_opportunities", "company", "acme").size(), expected.size());
  CAF_CHECK_EQUAL(complete("draft_communication", "channel", "l"), (strings{"linkedin_message"}));
  CAF_CHECK_EQUAL(complete("identify_opportunities", "stage", "s"), (strings{"SCREENING"}));
  CAF_CHECK_EQUAL(complete("analyze_crm_data", "object", "opp"), (strings{"opportunities"}));
  CAF_CHECK_EQUAL(complete("relationship_mapping", "depth", ""), (strings{"1", "2"}));
  CAF_CHECK(complete("suggest_next_actions", "record", "zzzz-nobody").empty());
}

CAF_TEST(bad arguments and missing records are invalid params that say why) {
  auto e = error("draft_communication", "{}");
  CAF_CHECK_EQUAL(e.first, -32602);
  CAF_CHECK(contains(e.second, "record"));
  e = error("draft_communication", R"({"record":"x","channel":"fax"})");
  CAF_CHECK_EQUAL(e.first, -32602);
  CAF_CHECK(contains(e.second, "channel") && contains(e.second, "linkedin_message"));
  e = error("draft_communication", R"({"record":""})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "'record' must not be empty"));
  // Unfilled optional arguments come as "" from some clients: the defaults apply.
  auto companies = rows("companies");
  auto defaults = read_answer(get("draft_communication",
                                  R"({"record":")" + std::string(companies[0]["id"].GetString())
                                    + R"(","object":"companies","channel":"","tone":""})"));
  CAF_CHECK(contains(defaults.text, "Draft an email") && contains(defaults.text, "friendly tone"));
  e = error("relationship_mapping", R"({"record":"x","colour":"red"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "colour"));
  e = error("suggest_next_actions", R"({"record":"00000000-0000-4000-8000-000000000000"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "no companies record has the id"));
  e = error("relationship_mapping", R"({"record":"Nobody Corp Xyz"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "Nobody Corp Xyz"));
  e = error("suggest_next_actions", R"({"record":"Acme","object":"compnies"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "companies"));
  e = error("suggest_next_actions", R"({"as_of":"yesterday"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "as_of"));
  e = error("identify_opportunities", R"({"stage":"WON"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "PROPOSAL"));
  e = error("identify_opportunities", R"({"stale_days":"soon"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "stale_days"));
  // An ambiguous name lists the candidates.
  e = error("suggest_next_actions", R"({"record":"Acme"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "matches"));
  // A megabyte "name" is refused before it reaches Twenty (it would not fit in a URL).
  e = error("suggest_next_actions", R"({"record":")" + std::string(1 << 20, 'x') + R"("})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "at most 1000 characters; got 1048576"));
}

CAF_TEST(objects mcp permissions refuse are refused naming them) {
  mcp = connect({"--permissions", "companies:read;people:read"});
  auto e = error("identify_opportunities", "{}");
  CAF_CHECK(e.first == -32602 && contains(e.second, "opportunities"));
  e = error("draft_communication", R"({"record":"x","object":"tasks"})");
  CAF_CHECK(e.first == -32602 && contains(e.second, "tasks"));
  // A readable record still comes, without what may not be read (said in the text).
  auto companies = rows("companies");
  std::string company = companies[0]["id"].GetString();
  auto a = read_answer(get("suggest_next_actions", R"({"record":")" + company + "\"}"));
  CAF_CHECK(contains(a.text, "MCP_PERMISSIONS"));
  auto base = "twenty://records/companies/" + company;
  CAF_REQUIRE(a.embedded.count(base));
  CAF_CHECK(!a.embedded[base].HasMember("opportunities"));
  CAF_CHECK(!a.embedded.count(base + "/tasks"));
}

CAF_TEST_FIXTURE_SCOPE_END()

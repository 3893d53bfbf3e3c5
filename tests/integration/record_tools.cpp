#define CAF_SUITE integration.record_tools
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "integration/tools/tool_support.hpp"
#include "tests/integration/support/tool_harness.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using tmcp::twenty::verb;
using call_kind = fake_twenty_api::call_kind;

namespace {

constexpr const char* ada_id = "8f9a1c2e-0b1d-4c3e-9f00-123456789abc";
constexpr const char* bob_id = "8f9a1c2e-0b1d-4c3e-9f00-123456789abd";

// Twenty's answer to GET /rest/people with two people, the second page behind "cur-2".
constexpr const char* people_page = R"({"data":{"people":[
{"id":"8f9a1c2e-0b1d-4c3e-9f00-123456789abc","name":{"firstName":"Ada","lastName":"Lovelace"},
 "emails":{"primaryEmail":"ada@x.com","additionalEmails":null},"jobTitle":"","position":1,
 "searchVector":"'ada'","companyId":null,"deletedAt":null},
{"id":"8f9a1c2e-0b1d-4c3e-9f00-123456789abd","name":{"firstName":"Bob","lastName":""},
 "emails":{"primaryEmail":"","additionalEmails":[]},"jobTitle":"CTO","position":2}]},
"totalCount":7,"pageInfo":{"hasNextPage":true,"hasPreviousPage":false,"startCursor":"cur-1","endCursor":"cur-2"}})";

// The same two people as Twenty's /graphql answers them (only the selected fields).
constexpr const char* gql_people_page = R"({"data":{"people":{"edges":[
{"node":{"id":"8f9a1c2e-0b1d-4c3e-9f00-123456789abc","name":{"firstName":"Ada","lastName":"Lovelace"},
 "emails":{"primaryEmail":"ada@x.com","additionalEmails":null},"jobTitle":"","companyId":null,"deletedAt":null}},
{"node":{"id":"8f9a1c2e-0b1d-4c3e-9f00-123456789abd","name":{"firstName":"Bob","lastName":""},
 "emails":{"primaryEmail":"","additionalEmails":[]},"jobTitle":"CTO"}}],
"totalCount":7,"pageInfo":{"hasNextPage":true,"endCursor":"cur-2"}}}})";

std::string person_record(const std::string& id) {
  return R"({"id":")" + id
         + R"(","name":{"firstName":"Ada","lastName":"Lovelace"},"jobTitle":"","position":3,"searchVector":"x","companyId":null})";
}

struct fixture : tool_harness {
  fixture() { start(); }

  std::vector<fake_twenty_api::call> calls_of(call_kind k) {
    std::vector<fake_twenty_api::call> out;
    for (auto& c : api->calls())
      if (c.kind == k)
        out.push_back(c);
    return out;
  }
};

std::string str(const json::value& v) {
  return json::stringify(v);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(record_tools_tests, fixture)

// --- Reads ---------------------------------------------------------------------------------

CAF_TEST(list sends filter order limit and cursor through graphql and returns compact records) {
  api->on(verb::post, "/graphql people", 200, gql_people_page);
  auto a = call("twenty_list_records", R"({"object":"person","filter":"name.firstName[ilike]:\"%ad%\"",
    "order_by":"createdAt[DescNullsLast]","limit":5,"cursor":"cur-0"})");
  CAF_REQUIRE(a.ok());
  CAF_CHECK(!a.is_error());
  auto reads = calls_of(call_kind::read);
  CAF_REQUIRE_EQUAL(reads.size(), 1u);
  CAF_CHECK_EQUAL(reads[0].req.target, "/graphql");
  CAF_CHECK(reads[0].req.method == verb::post);
  CAF_CHECK(reads[0].req.kind == tmcp::twenty::api::graphql);
  auto body = json::parse(reads[0].req.body);
  CAF_REQUIRE(body);
  CAF_CHECK_EQUAL(str((*body)["variables"]),
                  R"({"first":5,"filter":{"name":{"firstName":{"ilike":"%ad%"}}},)"
                  R"("orderBy":[{"createdAt":"DescNullsLast"}],"after":"cur-0"})");
  std::string query = (*body)["query"].GetString();
  CAF_CHECK(contains(query, "people(first: $first, filter: $filter, orderBy: $orderBy, after: $after)"));
  CAF_CHECK(contains(query, "$filter: PersonFilterInput"));
  // The selection holds what the answer shows: no audit blocks, no search vector.
  CAF_CHECK(contains(query, "name { firstName lastName }"));
  CAF_CHECK(contains(query, "companyId"));
  CAF_CHECK(!contains(query, "createdBy"));
  CAF_CHECK(!contains(query, "searchVector"));
  CAF_CHECK_EQUAL(reads[0].tags, (std::vector<std::string>{"object:people"}));
  auto out = a.structured();
  CAF_CHECK_EQUAL(str(out),
                  R"({"object":"people","columns":["id","name.firstName","name.lastName","emails","jobTitle"],)"
                  R"("rows":[["8f9a1c2e-0b1d-4c3e-9f00-123456789abc","Ada","Lovelace","ada@x.com",null],)"
                  R"(["8f9a1c2e-0b1d-4c3e-9f00-123456789abd","Bob",null,null,"CTO"]],)"
                  R"("totalCount":7,"nextCursor":"cur-2"})");
  // The text block carries the same JSON for clients without structured output.
  CAF_CHECK_EQUAL(a.text(), str(out));
}

CAF_TEST(list answers from rest and from graphql read the same) {
  api->on(verb::post, "/graphql people", 200, gql_people_page);
  api->on(verb::get, "/rest/people", 200, people_page);
  auto via_graphql = call("twenty_list_records", R"({"object":"people"})");
  auto via_rest = call("twenty_list_records", R"({"object":"people","depth":1})");
  CAF_CHECK_EQUAL(calls_of(call_kind::read)[1].req.target.substr(0, 12), "/rest/people");
  CAF_CHECK_EQUAL(str(via_graphql.structured()), str(via_rest.structured()));
}

CAF_TEST(list without a next page leaves out nextCursor and keeps only the asked fields) {
  api->on(verb::post, "/graphql people", 200,
          R"({"data":{"people":{"edges":[{"node":{"id":"i1","jobTitle":"CEO"}}],
              "totalCount":1,"pageInfo":{"hasNextPage":false,"endCursor":"e"}}}})");
  auto a = call("twenty_list_records", R"({"object":"people","fields":["jobTitle"]})");
  CAF_CHECK_EQUAL(str(a.structured()),
                  R"({"object":"people","columns":["jobTitle"],"rows":[["CEO"]],"totalCount":1})");
  // The configured default limit applies when none is given; only the asked field is selected.
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  auto body = json::parse(calls[0].req.body);
  CAF_REQUIRE(body);
  CAF_CHECK_EQUAL(str((*body)["variables"]), R"({"first":20})");
  CAF_CHECK(contains((*body)["query"].GetString(), "edges { node { id jobTitle } }"));
}

CAF_TEST(get reads one record through get_record and compacts it) {
  api->on(verb::get, std::string("/rest/people/") + ada_id, 200, person_record(ada_id));
  auto a = call("twenty_get_record",
                std::string(R"({"object":"people","depth":1,"id":")") + ada_id + "\"}");
  CAF_REQUIRE(!a.is_error());
  auto gets = calls_of(call_kind::get_record);
  CAF_REQUIRE_EQUAL(gets.size(), 1u);
  CAF_CHECK_EQUAL(gets[0].req.target, std::string("/rest/people/") + ada_id + "?depth=1");
  CAF_CHECK_EQUAL(gets[0].depth, 1);
  CAF_CHECK_EQUAL(str(a.structured()),
                  std::string(R"({"object":"people","record":{"id":")") + ada_id
                    + R"(","name":{"firstName":"Ada","lastName":"Lovelace"}}})");
}

CAF_TEST(search fans out one call per searchable object before any answer arrives) {
  api->deferred = true;
  api->on(verb::post, "/graphql people", 200,
          R"({"data":{"people":{"edges":[{"node":{"id":"p1","name":{"firstName":"Ada","lastName":""}}}]}}})");
  api->on(verb::post, "/graphql companies", 200, R"({"data":{"companies":{"edges":[]}}})");
  api->on(verb::post, "/graphql opportunities", 500, R"({"statusCode":500,"messages":["boom"]})");
  api->on(verb::post, "/graphql pets", 200,
          R"({"data":{"pets":{"edges":[{"node":{"id":"x1","name":"Ada's cat"}}]}}})");
  auto sink = send(R"({"jsonrpc":"2.0","id":50,"method":"tools/call","params":{"name":"twenty_search_records","arguments":{"query":"ada","limit":3}}})");
  // Every upstream call is out before the first answer.
  CAF_CHECK_EQUAL(api->pending(), 4u);
  CAF_CHECK(sink->last().empty());
  std::vector<std::string> roots;
  for (auto& c : api->calls()) {
    auto body = json::parse(c.req.body);
    std::string q = body ? (*body)["query"].GetString() : "";
    auto open = q.find("{ ") + 2;
    roots.push_back(q.substr(open, q.find('(', open) - open));
  }
  CAF_CHECK_EQUAL(roots, (std::vector<std::string>{"companies", "opportunities", "people", "pets"}));
  // People match on both name parts, the email and the job title, OR-ed.
  auto people = json::parse(api->calls()[2].req.body);
  CAF_REQUIRE(people);
  CAF_CHECK(contains(str((*people)["variables"]),
                     R"({"first":3,"filter":{"or":[{"name":{"firstName":{"ilike":"%ada%"}}},)"
                     R"({"name":{"lastName":{"ilike":"%ada%"}}})"));
  api->complete_all();
  host->run();
  auto a = answer(*sink);
  CAF_REQUIRE(a.ok());
  CAF_CHECK(!a.is_error());
  auto out = a.structured();
  CAF_REQUIRE_EQUAL(out["results"].Size(), 4u);
  CAF_CHECK_EQUAL(str(out["results"][0]), R"({"object":"companies","columns":[],"rows":[]})");
  CAF_CHECK_EQUAL(std::string(out["results"][1]["object"].GetString()), "opportunities");
  CAF_CHECK(contains(out["results"][1]["error"].GetString(), "TWENTY_API_ERROR"));
  CAF_CHECK_EQUAL(str(out["results"][2]), R"({"object":"people","columns":["id","name.firstName"],"rows":[["p1","Ada"]]})");
  CAF_CHECK_EQUAL(str(out["results"][3]), R"({"object":"pets","columns":["id","name"],"rows":[["x1","Ada's cat"]]})");
}

// --- Writes --------------------------------------------------------------------------------

CAF_TEST(create posts the data once and invalidates the object and its related objects) {
  api->on(verb::post, "/rest/people", 201,
          std::string(R"({"data":{"createPerson":)") + person_record(ada_id) + "}}");
  auto a = call("twenty_create_record", R"({"object":"people","data":{"name":{"firstName":"Ada","lastName":"Lovelace"},"companyId":"0c000000-0000-4000-8000-000000000002"}})");
  CAF_REQUIRE(!a.is_error());
  auto writes = calls_of(call_kind::write);
  CAF_REQUIRE_EQUAL(writes.size(), 1u);
  CAF_CHECK(writes[0].req.method == verb::post);
  CAF_CHECK_EQUAL(writes[0].req.target, "/rest/people");
  CAF_CHECK_EQUAL(writes[0].req.body, R"({"name":{"firstName":"Ada","lastName":"Lovelace"},"companyId":"0c000000-0000-4000-8000-000000000002"})");
  CAF_CHECK(!writes[0].req.idempotent);
  CAF_CHECK_EQUAL(writes[0].tags, (std::vector<std::string>{"object:people", "graphql",
                                                            "object:companies", "object:pets"}));
  CAF_CHECK(writes[0].changed.empty());
  CAF_CHECK_EQUAL(str(a.structured()["record"]["name"]), R"({"firstName":"Ada","lastName":"Lovelace"})");
}

CAF_TEST(a create that failed after reaching twenty says to search before sending it again) {
  api->fail(verb::post, "/rest/people",
            twenty::error{twenty::errc::network_error, 0,
                          "The connection to Twenty failed while waiting for the answer (reset). "
                          "The request may be retried.", ""});
  api->on(verb::post, "/rest/companies", 502, R"({"statusCode":502,"messages":["bad gateway"]})");
  auto lost = call("twenty_create_record", R"({"object":"people","data":{"jobTitle":"CTO"}})");
  auto failed = call("twenty_create_record", R"({"object":"companies","data":{"name":"Acme"}})");
  api = std::make_shared<fake_twenty_api>();
  start();
  api->on(verb::post, "/rest/people", 503, R"({"statusCode":503,"messages":["unavailable"]})");
  auto refused = call("twenty_create_record", R"({"object":"people","data":{"jobTitle":"CTO"}})");
  for (auto* a : {&lost, &failed}) {
    CAF_CHECK(a->is_error());
    CAF_CHECK(contains(a->text(), "search for the record before sending it again"));
  }
  CAF_CHECK(contains(lost.text(), "NETWORK_ERROR"));
  CAF_CHECK(!contains(lost.text(), "may be retried")); // the transport's advice is withdrawn
  CAF_CHECK(contains(failed.text(), "HTTP 502"));
  // Twenty did not run a 503 (the gateway retries those): nothing to search for.
  CAF_CHECK(refused.is_error());
  CAF_CHECK(!contains(refused.text(), "search for the record"));
}

CAF_TEST(a batch create that failed after reaching twenty says to search for each record) {
  api->on(verb::post, "/rest/batch/companies", 502, R"({"statusCode":502,"messages":["bad gateway"]})");
  auto out = call("twenty_batch_operations",
                  R"({"object":"companies","operation":"create","records":[{"name":"A"},{"name":"B"}]})");
  auto s = out.structured();
  CAF_REQUIRE(s.HasMember("results"));
  CAF_CHECK_EQUAL(s["failed"].GetInt(), 2);
  for (auto& item : s["results"].GetArray())
    CAF_CHECK(contains(item["error"].GetString(), "search for the record before sending it again"));
}

CAF_TEST(update patches by id and announces the changed record) {
  api->on(verb::patch, "/rest/opportunities/", 200,
          std::string(R"({"data":{"updateOpportunity":{"id":")") + ada_id + R"(","stage":"MEETING"}}})");
  auto a = call("twenty_update_record", std::string(R"({"object":"opportunity","id":")") + ada_id
                                          + R"(","data":{"stage":"MEETING"}})");
  CAF_REQUIRE(!a.is_error());
  auto w = calls_of(call_kind::write).at(0);
  CAF_CHECK(w.req.method == verb::patch);
  CAF_CHECK_EQUAL(w.req.target, std::string("/rest/opportunities/") + ada_id);
  CAF_CHECK_EQUAL(w.req.body, R"({"stage":"MEETING"})");
  CAF_CHECK(w.req.idempotent);
  CAF_CHECK(std::count(w.tags.begin(), w.tags.end(),
                       std::string("record:opportunities:") + ada_id) == 1);
  CAF_CHECK(std::count(w.tags.begin(), w.tags.end(), "object:people") == 1); // pointOfContact
  CAF_CHECK_EQUAL(w.changed.size(), 1u);
  CAF_CHECK_EQUAL(w.changed.at(0).first, "opportunities");
  CAF_CHECK_EQUAL(str(a.structured()), std::string(R"({"object":"opportunities","record":{"id":")")
                                         + ada_id + R"(","stage":"MEETING"}})");
}

CAF_TEST(delete is soft by default and hard only when asked and restore uses graphql) {
  auto deleted = std::string(R"({"data":{"deletePerson":{"id":")") + ada_id + "\"}}}";
  api->on(verb::del, "/rest/people/", 200, deleted);
  api->on(verb::post, "/graphql", 200,
          std::string(R"({"data":{"restorePerson":)") + person_record(ada_id) + "}}");
  auto id_args = std::string(R"({"object":"people","id":")") + ada_id + "\"";
  CAF_CHECK(!call("twenty_delete_record", id_args + "}").is_error());
  CAF_CHECK(!call("twenty_delete_record", id_args + ",\"soft\":false}").is_error());
  CAF_CHECK(!call("twenty_restore_record", id_args + "}").is_error());
  auto w = calls_of(call_kind::write);
  CAF_REQUIRE_EQUAL(w.size(), 3u);
  CAF_CHECK(w[0].req.method == verb::del);
  CAF_CHECK_EQUAL(w[0].req.target, std::string("/rest/people/") + ada_id + "?soft_delete=true");
  CAF_CHECK_EQUAL(w[1].req.target, std::string("/rest/people/") + ada_id);
  // Neither REST restore route works on the releases recorded; the mutation works on all.
  CAF_CHECK(w[2].req.method == verb::post);
  CAF_CHECK_EQUAL(w[2].req.target, "/graphql");
  CAF_CHECK(w[2].req.kind == twenty::api::graphql);
  CAF_CHECK(w[2].req.body.find(std::string("restorePerson(id: \\\"") + ada_id) != std::string::npos);
  CAF_CHECK(w[2].req.body.find("name { firstName lastName }") != std::string::npos);
  for (auto& c : w)
    CAF_CHECK(std::count(c.tags.begin(), c.tags.end(),
                         std::string("record:people:") + ada_id) == 1);
}

CAF_TEST(batch create sends 130 records in three calls and reports a failed chunk per item) {
  std::atomic<int> n{0};
  api->on(verb::post, "/rest/batch/people", [&n](const twenty::request& req) -> twenty::outcome {
    if (++n == 2)
      return make_unexpected(twenty::classify(429, R"({"statusCode":429,"messages":["Too many requests"]})"));
    auto body = json::parse(req.body);
    std::string created;
    for (rapidjson::SizeType i = 0; i < body->Size(); ++i)
      created += (i ? "," : "") + std::string(R"({"id":"n)") + std::to_string(n) + "-"
                 + std::to_string(i) + "\"}";
    return twenty::response{201, R"({"data":{"createPeople":[)" + created + "]}}", {}, {}, {}, {}};
  });
  std::string records;
  for (int i = 0; i < 130; ++i)
    records += (i ? "," : "") + std::string(R"({"jobTitle":"t)") + std::to_string(i) + "\"}";
  auto a = call("twenty_batch_operations",
                R"({"object":"people","operation":"create","records":[)" + records + "]}");
  CAF_REQUIRE(a.ok());
  auto w = calls_of(call_kind::write);
  CAF_REQUIRE_EQUAL(w.size(), 3u);
  std::vector<std::size_t> sizes;
  for (auto& c : w) {
    CAF_CHECK_EQUAL(c.req.target, "/rest/batch/people");
    CAF_CHECK(!c.req.idempotent);
    sizes.push_back(json::parse(c.req.body)->Size());
  }
  CAF_CHECK_EQUAL(sizes, (std::vector<std::size_t>{60, 60, 10}));
  // The chunks keep the records' order.
  CAF_CHECK_EQUAL(str((*json::parse(w[1].req.body))[0]), R"({"jobTitle":"t60"})");
  auto out = a.structured();
  CAF_CHECK_EQUAL(out["succeeded"].GetInt(), 70);
  CAF_CHECK_EQUAL(out["failed"].GetInt(), 60);
  CAF_REQUIRE_EQUAL(out["results"].Size(), 130u);
  CAF_CHECK_EQUAL(str(out["results"][0]), R"({"index":0,"id":"n1-0","ok":true})");
  CAF_CHECK_EQUAL(out["results"][60]["ok"].GetBool(), false);
  CAF_CHECK(contains(out["results"][119]["error"].GetString(), "RATE_LIMIT_EXCEEDED"));
  CAF_CHECK_EQUAL(str(out["results"][129]), R"({"index":129,"id":"n3-9","ok":true})");
}

CAF_TEST(batch create reports an invalid record without sending it) {
  api->on(verb::post, "/rest/batch/opportunities", 201,
          R"({"data":{"createOpportunities":[{"id":"o1"}]}})");
  auto a = call("twenty_batch_operations", R"({"object":"opportunities","operation":"create",
    "records":[{"name":"Deal"},{"stage":"WON"}]})");
  auto out = a.structured();
  CAF_CHECK_EQUAL(out["succeeded"].GetInt(), 1);
  CAF_CHECK_EQUAL(out["failed"].GetInt(), 1);
  CAF_CHECK(contains(out["results"][1]["error"].GetString(), "SCHEMA_VALIDATION_ERROR"));
  auto w = calls_of(call_kind::write);
  CAF_REQUIRE_EQUAL(w.size(), 1u);
  CAF_CHECK_EQUAL(w[0].req.body, R"([{"name":"Deal"}])");
}

CAF_TEST(batch delete uses one id in filter and flags ids Twenty did not delete) {
  api->on(verb::del, "/rest/people", 200,
          std::string(R"({"data":{"deletePeople":[{"id":")") + ada_id + "\"}]}}");
  auto a = call("twenty_batch_operations", std::string(R"({"object":"people","operation":"delete","ids":[")")
                                             + ada_id + "\",\"" + bob_id + "\",\"nope\"]}");
  auto w = calls_of(call_kind::write);
  CAF_REQUIRE_EQUAL(w.size(), 1u);
  CAF_CHECK(w[0].req.method == verb::del);
  CAF_CHECK_EQUAL(w[0].req.target, std::string("/rest/people?filter=id%5Bin%5D%3A%5B") + ada_id
                                     + "%2C" + bob_id + "%5D&soft_delete=true");
  CAF_CHECK_EQUAL(w[0].changed.size(), 2u);
  auto out = a.structured();
  CAF_CHECK_EQUAL(out["succeeded"].GetInt(), 1);
  CAF_CHECK(contains(out["results"][1]["error"].GetString(), "RECORD_NOT_FOUND"));
  CAF_CHECK(contains(out["results"][2]["error"].GetString(), "not a record UUID"));
}

// --- Query tools ---------------------------------------------------------------------------

CAF_TEST(query builder refuses a mutation in read only mode but runs queries) {
  config.read_only = true;
  config.allow_graphql_mutations = true; // read-only wins
  config.toolsets = {"core", "graphql"};
  start();
  auto refused = call("twenty_query_builder", R"({"query":"mutation { deletePerson(id: \"x\") { id } }"})");
  CAF_CHECK(refused.is_error());
  CAF_CHECK(contains(refused.text(), "INSUFFICIENT_PERMISSIONS"));
  CAF_CHECK(api->calls().empty());
  api->on(verb::post, "/graphql", 200, R"({"data":{"people":{"edges":[]}}})");
  auto ok = call("twenty_query_builder", R"({"query":"{ people { edges { node { id } } } }"})");
  CAF_CHECK(!ok.is_error());
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK(calls[0].kind == call_kind::read);
  CAF_CHECK_EQUAL(calls[0].tags, (std::vector<std::string>{"graphql"}));
  // Read-only hides every write tool.
  for (auto& n : tool_names())
    CAF_CHECK(!contains(n, "create") && !contains(n, "delete") && !contains(n, "batch"));
}

CAF_TEST(get schema lists active non system objects and the fields of one object) {
  auto all = call("twenty_get_schema", "{}").structured();
  std::vector<std::string> names;
  for (auto& o : all["objects"].GetArray())
    names.emplace_back(o["name"].GetString());
  CAF_CHECK_EQUAL(names, (std::vector<std::string>{"companies", "opportunities", "people", "pets",
                                                   "taskTargets"}));
  auto opp = call("twenty_get_schema", R"({"object":"opportunity"})").structured();
  std::string stage;
  for (auto& f : opp["fields"].GetArray())
    if (std::string(f["name"].GetString()) == "stage")
      stage = str(f);
  CAF_CHECK_EQUAL(stage, R"({"name":"stage","type":"SELECT","options":["NEW","SCREENING","MEETING","PROPOSAL","CUSTOMER"]})");
}

CAF_TEST(the brief schema names the system fields it leaves out and how to get them) {
  auto opp = call("twenty_get_schema", R"({"object":"opportunities"})").structured();
  std::vector<std::string> shown;
  for (auto& f : opp["fields"].GetArray())
    shown.emplace_back(f["name"].GetString());
  CAF_CHECK_EQUAL(shown, (std::vector<std::string>{"id", "createdAt", "updatedAt", "deletedAt",
                                                   "name", "amount", "closeDate", "stage",
                                                   "company", "pointOfContact"}));
  CAF_CHECK_EQUAL(str(opp["left_out"]["fields"]), R"(["position","searchVector"])");
  CAF_CHECK_EQUAL(opp["left_out"]["count"].GetInt(), 2);
  CAF_CHECK(contains(opp["left_out"]["how"].GetString(), "detail \"full\""));
  // Only the exceptions carry filterable/sortable in the brief form.
  for (auto& f : opp["fields"].GetArray())
    if (std::string(f["name"].GetString()) == "pointOfContact")
      CAF_CHECK_EQUAL(str(f), R"J({"name":"pointOfContact","type":"RELATION(person)",)J"
                              R"J("set_with":"pointOfContactId","sortable":false})J");
}

CAF_TEST(the full schema lists every active field with nullability options relations and filter support) {
  auto opp = call("twenty_get_schema", R"({"object":"opportunity","detail":"full"})").structured();
  CAF_CHECK(!opp.HasMember("left_out"));
  std::map<std::string, std::string> by_name;
  for (auto& f : opp["fields"].GetArray())
    by_name[f["name"].GetString()] = str(f);
  CAF_CHECK_EQUAL(by_name.size(), 12u);
  CAF_CHECK_EQUAL(by_name["position"], R"({"name":"position","label":"position","type":"POSITION",)"
                                       R"("nullable":false,"system":true,"readOnly":true,)"
                                       R"("filterable":true,"sortable":true})");
  CAF_CHECK_EQUAL(by_name["searchVector"], R"({"name":"searchVector","label":"searchVector",)"
                                           R"("type":"TS_VECTOR","nullable":false,"system":true,)"
                                           R"("readOnly":true,"filterable":false,"sortable":false})");
  CAF_CHECK_EQUAL(by_name["stage"], R"({"name":"stage","label":"stage","type":"SELECT","nullable":false,)"
                                    R"("readOnly":false,"default":"NEW","options":[{"value":"NEW","label":"NEW"},)"
                                    R"({"value":"SCREENING","label":"SCREENING"},{"value":"MEETING","label":"MEETING"},)"
                                    R"({"value":"PROPOSAL","label":"PROPOSAL"},{"value":"CUSTOMER","label":"CUSTOMER"}],)"
                                    R"("filterable":true,"sortable":true})");
  CAF_CHECK_EQUAL(by_name["company"], R"({"name":"company","label":"company","type":"RELATION",)"
                                      R"("nullable":true,"readOnly":false,"relation":{"target":"company",)"
                                      R"("direction":"MANY_TO_ONE","join_column":"companyId"},)"
                                      R"("filterable":true,"sortable":false})");
  CAF_CHECK_EQUAL(by_name["name"], R"({"name":"name","label":"name","type":"TEXT","nullable":false,)"
                                   R"("readOnly":false,"filterable":true,"sortable":true})");
  auto company = call("twenty_get_schema", R"({"object":"companies","detail":"full"})").structured();
  for (auto& f : company["fields"].GetArray())
    if (std::string(f["name"].GetString()) == "opportunities")
      CAF_CHECK_EQUAL(str(f["relation"]), R"({"target":"opportunity","direction":"ONE_TO_MANY"})");
  auto bad = call("twenty_get_schema", R"({"object":"opportunity","detail":"everything"})");
  CAF_CHECK(!bad.ok() || bad.is_error());
}

// --- Error classes -------------------------------------------------------------------------

CAF_TEST(an unknown object is an isError result with a suggestion and no upstream call) {
  auto a = call("twenty_list_records", R"({"object":"peple"})");
  CAF_CHECK(a.is_error());
  CAF_CHECK_EQUAL(a.text(), "OBJECT_NOT_FOUND: unknown object 'peple'; did you mean 'people'?");
  auto inactive = call("twenty_get_record", std::string(R"({"object":"legacyThings","id":")") + ada_id + "\"}");
  CAF_CHECK(contains(inactive.text(), "OBJECT_NOT_FOUND"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(an unknown filter field and a bad select value are caught before any call) {
  auto field = call("twenty_list_records", R"({"object":"people","filter":"jobTitel[eq]:CTO"})");
  CAF_CHECK(field.is_error());
  CAF_CHECK(contains(field.text(), "SCHEMA_VALIDATION_ERROR"));
  CAF_CHECK(contains(field.text(), "jobTitle"));
  auto select = call("twenty_list_records", R"({"object":"opportunities","filter":"stage[eq]:WON"})");
  CAF_CHECK(select.is_error());
  CAF_CHECK(contains(select.text(), "'WON' is not an option of opportunity.stage"));
  auto create = call("twenty_create_record", R"({"object":"opportunities","data":{"name":"x","stage":"WON"}})");
  CAF_CHECK(create.is_error());
  CAF_CHECK(contains(create.text(), "stage"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(an invalid id and a missing required field are input errors) {
  auto get = call("twenty_get_record", R"({"object":"people","id":"123"})");
  CAF_CHECK(get.is_error());
  CAF_CHECK(contains(get.text(), "SCHEMA_VALIDATION_ERROR: 'id' must be a record UUID"));
  auto del = call("twenty_delete_record", R"({"object":"people","id":"123"})");
  CAF_CHECK(contains(del.text(), "SCHEMA_VALIDATION_ERROR"));
  auto create = call("twenty_create_record", R"({"object":"pets","data":{"name":"Rex"}})");
  CAF_CHECK(create.is_error());
  CAF_CHECK(contains(create.text(), "species"));
  // Arguments that break the tool's own inputSchema are refused by the session, as isError.
  auto missing = call("twenty_get_record", R"({"object":"people"})");
  CAF_CHECK(missing.is_error());
  CAF_CHECK(contains(missing.text(), "id"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(twenty failures are mapped through error_result) {
  struct row {
    int status;
    const char* body;
    const char* code;
  };
  std::vector<row> rows{
    {401, R"({"statusCode":401,"error":"UnauthorizedException","messages":["Token invalid"]})", "INVALID_API_KEY"},
    {404, R"({"statusCode":404,"error":"NotFoundException","messages":["Record not found"]})", "RECORD_NOT_FOUND"},
    {429, R"({"statusCode":429,"messages":["Too many requests"]})", "RATE_LIMIT_EXCEEDED"},
    {500, R"({"statusCode":500,"error":"InternalServerErrorException","messages":["db down"]})", "TWENTY_API_ERROR"},
  };
  for (auto& r : rows) {
    CAF_MESSAGE("HTTP " << r.status);
    api = std::make_shared<fake_twenty_api>();
    start();
    api->on(verb::get, "/rest/people", r.status, r.body);
    api->on(verb::post, "/graphql", r.status, r.body);
    auto expected_text = json::parse(twenty::tools::error_result(twenty::classify(r.status, r.body)));
    auto list = call("twenty_list_records", R"({"object":"people"})");
    auto get = call("twenty_get_record", std::string(R"({"object":"people","id":")") + ada_id + "\"}");
    for (auto* a : {&list, &get}) {
      CAF_CHECK(a->is_error());
      CAF_CHECK_EQUAL(a->text(), (*expected_text)["content"][0]["text"].GetString());
      CAF_CHECK(contains(a->text(), r.code));
    }
  }
}

// --- Snapshot ------------------------------------------------------------------------------

namespace {

std::string snapshot_path() {
  std::string here = __FILE__;
  return here.substr(0, here.rfind('/')) + "/../data/tools_list.snapshot.json";
}

std::string pretty(const std::string& json_text) {
  auto doc = json::parse(json_text);
  CAF_REQUIRE(doc);
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  doc->Accept(w);
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

} // namespace

// Guards the agent-facing text of the default catalog: names, descriptions, schemas and
// annotations. After an intended change, run with UPDATE_SNAPSHOTS=1 and review the diff.
CAF_TEST(the default tools list matches the snapshot) {
  auto page = cat->list_tools(nullptr);
  CAF_REQUIRE(page.has_value());
  auto actual = pretty(*page);
  auto path = snapshot_path();
  if (auto update = std::getenv("UPDATE_SNAPSHOTS"); update && std::string(update) == "1") {
    std::ofstream out(path);
    out << actual;
    CAF_REQUIRE(out.good());
    CAF_MESSAGE("rewrote " << path);
    return;
  }
  std::ifstream in(path);
  CAF_REQUIRE(in.good()); // missing: run once with UPDATE_SNAPSHOTS=1
  std::stringstream ss;
  ss << in.rdbuf();
  auto expected = ss.str();
  if (expected != actual) {
    std::istringstream a(actual), e(expected);
    std::string la, le;
    for (int line = 1; std::getline(e, le); ++line)
      if (!std::getline(a, la) || la != le) {
        CAF_MESSAGE("first difference at line " << line << ": snapshot '" << le << "' vs '"
                                                << la << "'");
        break;
      }
  }
  CAF_CHECK(expected == actual);
}

CAF_TEST_FIXTURE_SCOPE_END()

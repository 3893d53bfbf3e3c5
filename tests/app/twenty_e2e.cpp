#define CAF_SUITE app.twenty
#include "caf/test/unit_test.hpp"

#include <cstdlib>
#include <set>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"
#include "tests/support/record_table.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

struct fixture {
  standin_process standin;
  std::unique_ptr<mcp_stdio_client> mcp;

  fixture() { start({}); }

  void start(std::vector<std::string> extra) {
    CAF_REQUIRE(!standin.url.empty());
    mcp = std::make_unique<mcp_stdio_client>(standin_server_argv(standin.url, extra));
    CAF_REQUIRE(mcp->initialize());
  }

  json::document call(const std::string& tool, const std::string& args) {
    return mcp->call_tool(tool, args);
  }

  // The structuredContent of a successful call (asserts success).
  json::document ok(const std::string& tool, const std::string& args) {
    auto r = call(tool, args);
    if (!r.IsObject() || is_error_result(r) || !r.HasMember("structuredContent")) {
      CAF_FAIL(tool << " failed: " << json::stringify(r));
    }
    json::document out;
    out.CopyFrom(r["structuredContent"], out.GetAllocator());
    return out;
  }

  std::string first_id(const std::string& object) {
    auto page = ok("twenty_list_records", R"({"object":")" + object + R"(","limit":1})");
    return std::string(records_of(page)[0]["id"].GetString());
  }
};

// The release the stand-in answers as ("" for the newest), from TMCP_TWENTY_VERSION.
std::string release() {
  auto r = std::getenv("TMCP_TWENTY_VERSION");
  return r ? r : "";
}

std::string text_of(const json::document& r) {
  return result_text(r);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(twenty_tests, fixture)

CAF_TEST(the core tools are listed with annotations and output schemas) {
  auto r = mcp->request("tools/list", "{}");
  CAF_REQUIRE(r.HasMember("result"));
  std::set<std::string> names;
  for (auto& t : r["result"]["tools"].GetArray()) {
    names.insert(t["name"].GetString());
    // Hints are given where they differ from MCP's defaults: reads say they are read-only.
    std::string name = t["name"].GetString();
    if (name.find("_list_") != std::string::npos || name.find("_get_") != std::string::npos)
      CAF_CHECK(t.HasMember("annotations") && t["annotations"].HasMember("readOnlyHint"));
    CAF_CHECK(t.HasMember("description"));
  }
  for (auto n : {"twenty_list_records", "twenty_search_records", "twenty_get_record",
                 "twenty_create_record", "twenty_update_record", "twenty_delete_record",
                 "twenty_restore_record", "twenty_batch_operations", "twenty_get_schema"})
    CAF_CHECK(names.count(n) == 1);
  CAF_CHECK(names.count("twenty_query_builder") == 0); // the opt-in graphql toolset
}

CAF_TEST(the schema lists standard and custom objects) {
  auto s = ok("twenty_get_schema", "{}");
  auto text = json::stringify(s);
  CAF_CHECK(text.find("\"people\"") != std::string::npos);
  CAF_CHECK(text.find("\"opportunities\"") != std::string::npos);
  CAF_CHECK(text.find("\"custom\":true") != std::string::npos);
  auto opp = ok("twenty_get_schema", R"({"object":"opportunity"})");
  CAF_CHECK(json::stringify(opp).find("\"stage\"") != std::string::npos);
}

CAF_TEST(the schema says which release answered and how relations were read) {
  auto s = ok("twenty_get_schema", "{}");
  CAF_REQUIRE(s.HasMember("twenty"));
  std::string relations = s["twenty"]["relations"].GetString();
  CAF_CHECK_EQUAL(relations, release() == "0.50" ? "relationDefinition" : "relation");
  auto person = ok("twenty_get_schema", R"({"object":"people"})");
  CAF_CHECK(json::stringify(person).find("RELATION(company)") != std::string::npos);
}

CAF_TEST(every resource and prompt answers on this release) {
  auto read = [&](const std::string& uri) {
    auto r = mcp->request("resources/read", R"({"uri":")" + uri + R"("})");
    if (!r.HasMember("result"))
      CAF_FAIL("resources/read " << uri << ": " << json::stringify(r));
    return std::string(r["result"]["contents"][0]["text"].GetString());
  };
  auto id = first_id("people");
  CAF_CHECK(read("twenty://schema").find("\"companies\"") != std::string::npos);
  CAF_CHECK(read("twenty://objects").find("\"opportunities\"") != std::string::npos);
  CAF_CHECK(read("twenty://fields/companies").find("\"domainName\"") != std::string::npos);
  CAF_CHECK(read("twenty://records/companies").find("\"name\"") != std::string::npos);
  CAF_CHECK(read("twenty://records/people/" + id).find(id) != std::string::npos);
  auto prompt = [&](const std::string& name, const std::string& args) {
    auto r = mcp->request("prompts/get", R"({"name":")" + name + R"(","arguments":)" + args + "}");
    if (!r.HasMember("result"))
      CAF_FAIL("prompts/get " << name << ": " << json::stringify(r));
    return std::string(r["result"]["messages"][0]["content"]["text"].GetString());
  };
  CAF_CHECK(prompt("explore_object", R"({"object":"companies"})").find("companies")
            != std::string::npos);
  CAF_CHECK(prompt("find_records", R"({"object":"people","field":"emails","value":"a@b.c"})")
              .find("emails")
            != std::string::npos);
  CAF_CHECK(prompt("analyze_pipeline", R"({"stage":"MEETING"})").find("MEETING")
            != std::string::npos);
  CAF_CHECK(prompt("suggest_next_actions", R"({"object":"people","record":")" + id + "\"}")
              .find(id)
            != std::string::npos);
  // The CRM prompts read this release's junction columns and aggregates.
  CAF_CHECK(prompt("draft_communication", R"({"record":")" + id + "\"}").find(id)
            != std::string::npos);
  CAF_CHECK(prompt("relationship_mapping", R"({"object":"people","record":")" + id
                                             + R"(","depth":"2"})")
              .find(id)
            != std::string::npos);
  CAF_CHECK(prompt("analyze_crm_data", R"({"object":"opportunities"})").find("opportunities")
            != std::string::npos);
  CAF_CHECK(prompt("identify_opportunities", "{}").find("pipeline") != std::string::npos);
}

CAF_TEST(listing pages forward with a cursor) {
  auto p1 = ok("twenty_list_records", R"({"object":"people","limit":5,"order_by":"createdAt"})");
  CAF_REQUIRE_EQUAL(p1["rows"].Size(), 5u);
  CAF_REQUIRE(p1.HasMember("nextCursor"));
  auto p2 = ok("twenty_list_records", R"({"object":"people","limit":5,"order_by":"createdAt","cursor":")"
                                         + std::string(p1["nextCursor"].GetString()) + "\"}");
  CAF_REQUIRE_EQUAL(p2["rows"].Size(), 5u);
  CAF_CHECK_NOT_EQUAL(std::string(records_of(p1)[0]["id"].GetString()),
                      std::string(records_of(p2)[0]["id"].GetString()));
  // These lists go through GraphQL, whose orderBy works on every release.
  CAF_CHECK(!p1.HasMember("note"));
  CAF_CHECK(!p2.HasMember("note"));
  // depth 1 lists go through REST, whose order_by 0.50 cannot run: unsorted, and said so.
  auto deep = ok("twenty_list_records", R"({"object":"people","limit":5,"order_by":"createdAt","depth":1})");
  CAF_CHECK_EQUAL(deep["rows"].Size(), 5u);
  CAF_CHECK_EQUAL(deep.HasMember("note"), release() == "0.50");
  // Compact output: no search vectors; a cell per column in every row (null where empty).
  auto text = json::stringify(p1);
  CAF_CHECK(text.find("searchVector") == std::string::npos);
  for (auto& row : p1["rows"].GetArray())
    CAF_CHECK_EQUAL(row.Size(), p1["columns"].Size());
}

CAF_TEST(filters are checked against the live schema with suggestions) {
  auto r = call("twenty_list_records", R"({"object":"people","filter":"emial.primaryEmail[eq]:x"})");
  CAF_CHECK(is_error_result(r));
  CAF_CHECK(text_of(r).find("emails") != std::string::npos);
  auto stage = call("twenty_list_records", R"({"object":"opportunities","filter":"stage[eq]:MEETNG"})");
  CAF_CHECK(is_error_result(stage));
  CAF_CHECK(text_of(stage).find("MEETING") != std::string::npos);
  auto obj = call("twenty_list_records", R"({"object":"compnies"})");
  CAF_CHECK(is_error_result(obj));
  CAF_CHECK(text_of(obj).find("OBJECT_NOT_FOUND") != std::string::npos);
  CAF_CHECK(text_of(obj).find("companies") != std::string::npos);
}

CAF_TEST(a missing record is record not found and a bad id is caught before any call) {
  auto missing = call("twenty_get_record",
                      R"({"object":"people","id":"00000000-0000-4000-8000-000000000000"})");
  CAF_CHECK(is_error_result(missing));
  CAF_CHECK(text_of(missing).find("RECORD_NOT_FOUND") != std::string::npos);
  auto bad = call("twenty_get_record", R"({"object":"people","id":"42"})");
  CAF_CHECK(is_error_result(bad));
  CAF_CHECK(text_of(bad).find("SCHEMA_VALIDATION_ERROR") != std::string::npos);
}

CAF_TEST(search finds records across objects) {
  auto person = ok("twenty_list_records", R"({"object":"people","limit":1})");
  std::string last = records_of(person)[0]["name"]["lastName"].GetString();
  auto found = ok("twenty_search_records", R"({"query":")" + last + R"("})");
  CAF_CHECK(json::stringify(found).find(last) != std::string::npos);
}

CAF_TEST(a record goes through create get update delete and restore) {
  auto created = ok("twenty_create_record",
                    R"({"object":"people","data":{"name":{"firstName":"Ada","lastName":"Lovelace"},"emails":{"primaryEmail":"ada@example.com"}}})");
  std::string id = created["record"]["id"].GetString();
  auto got = ok("twenty_get_record", R"({"object":"person","id":")" + id + "\"}");
  CAF_CHECK_EQUAL(std::string(got["record"]["name"]["firstName"].GetString()), "Ada");
  ok("twenty_update_record", R"({"object":"people","id":")" + id + R"(","data":{"jobTitle":"Analyst"}})");
  auto again = ok("twenty_get_record", R"({"object":"people","id":")" + id + "\"}");
  CAF_CHECK_EQUAL(std::string(again["record"]["jobTitle"].GetString()), "Analyst");
  ok("twenty_delete_record", R"({"object":"people","id":")" + id + "\"}");
  auto gone = call("twenty_get_record", R"({"object":"people","id":")" + id + "\"}");
  CAF_CHECK(is_error_result(gone));
  auto trash = ok("twenty_list_records",
                  "{\"object\":\"people\",\"filter\":\"and(deletedAt[is]:NOT_NULL,id[eq]:" + id + ")\"}");
  CAF_CHECK_EQUAL(trash["rows"].Size(), 1u);
  ok("twenty_restore_record", R"({"object":"people","id":")" + id + "\"}");
  auto back = ok("twenty_get_record", R"({"object":"people","id":")" + id + "\"}");
  CAF_CHECK_EQUAL(std::string(back["record"]["id"].GetString()), id);
}

CAF_TEST(invalid record data is refused before any upstream call) {
  standin.reset_stats();
  auto r = call("twenty_create_record",
                R"({"object":"opportunities","data":{"name":"Deal","stage":"WON_BIG"}})");
  CAF_CHECK(is_error_result(r));
  CAF_CHECK(text_of(r).find("stage") != std::string::npos);
  auto unknown = call("twenty_create_record", R"({"object":"people","data":{"nmae":{}}})");
  CAF_CHECK(is_error_result(unknown));
  CAF_CHECK(text_of(unknown).find("did you mean 'name'") != std::string::npos);
  CAF_CHECK_EQUAL(standin.count("POST /rest/{object}"), 0);
}

CAF_TEST(a cached record is served without an upstream call until a write invalidates it) {
  auto id = first_id("companies");
  standin.reset_stats();
  ok("twenty_get_record", R"({"object":"companies","id":")" + id + "\"}");
  ok("twenty_get_record", R"({"object":"companies","id":")" + id + "\"}");
  CAF_CHECK_EQUAL(standin.count("GET /rest/{object}/{id}"), 1);
  ok("twenty_update_record", R"({"object":"companies","id":")" + id + R"(","data":{"name":"Renamed Inc"}})");
  auto fresh = ok("twenty_get_record", R"({"object":"companies","id":")" + id + "\"}");
  CAF_CHECK_EQUAL(std::string(fresh["record"]["name"].GetString()), "Renamed Inc");
  CAF_CHECK_EQUAL(standin.count("GET /rest/{object}/{id}"), 2);
}

CAF_TEST(concurrent gets by id collapse into one list call) {
  auto page = ok("twenty_list_records", R"({"object":"people","limit":12,"fields":["id"]})");
  standin.reset_stats();
  // Slow answers hold every connection while the later gets arrive, so those wait for a turn.
  CAF_REQUIRE_EQUAL(standin.http("POST", "/_standin/faults", R"({"latencyMs":300})", "").first, 200);
  // Written at once: the session runs the calls concurrently and the gateway collapses them.
  std::vector<std::string> ids;
  auto recs = records_of(page);
  for (auto& r : recs.GetArray())
    ids.push_back(r["id"].GetString());
  for (std::size_t i = 0; i < ids.size(); ++i)
    mcp->process().write_line(R"({"jsonrpc":"2.0","id":"g)" + std::to_string(i)
                              + R"(","method":"tools/call","params":{"name":"twenty_get_record","arguments":{"object":"people","id":")"
                              + ids[i] + "\"}}}");
  std::size_t answered = 0;
  while (answered < ids.size()) {
    auto line = mcp->process().read_line(10s);
    CAF_REQUIRE(line.has_value());
    if (line->find("\"id\":\"g") != std::string::npos) {
      CAF_CHECK(line->find("isError") == std::string::npos);
      ++answered;
    }
  }
  standin.http("POST", "/_standin/faults", R"({"latencyMs":0})", "");
  // Gets go out at once while a connection is free (8 by default); the four that wait for one
  // ride together in one list call.
  auto upstream = standin.count("GET /rest/{object}/{id}") + standin.count("GET /rest/{object}");
  CAF_MESSAGE("upstream calls for 12 gets: " << upstream);
  CAF_CHECK_LESS_OR_EQUAL(upstream, 9);
}

CAF_TEST(a batch import is chunked into calls of sixty) {
  std::string records;
  for (int i = 0; i < 130; ++i)
    records += (i ? "," : "") + std::string(R"({"name":"Batch Co )") + std::to_string(i) + "\"}";
  standin.reset_stats();
  auto r = ok("twenty_batch_operations",
              R"({"object":"companies","operation":"create","records":[)" + records + "]}");
  CAF_CHECK_EQUAL(r["succeeded"].GetInt(), 130);
  CAF_CHECK_EQUAL(r["failed"].GetInt(), 0);
  CAF_CHECK_EQUAL(standin.count("POST /rest/batch/{object}"), 3);
}

CAF_TEST(a graphql mutation is refused in the default read only query mode) {
  start({"--toolsets", "core,graphql"});
  auto r = call("twenty_query_builder",
                R"({"query":"mutation { deleteCompany(id: \"00000000-0000-4000-8000-000000000000\") { id } }"})");
  CAF_CHECK(is_error_result(r));
  auto q = call("twenty_query_builder", R"({"query":"{ companies(first: 2) { edges { node { id name } } } }"})");
  CAF_CHECK(!is_error_result(q));
}

CAF_TEST_FIXTURE_SCOPE_END()

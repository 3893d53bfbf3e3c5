// twenty_manage_webhooks over a fake Twenty: the metadata API first, the REST routes when the
// metadata schema has no webhooks (0.50's recorded answers), the route remembered, checked
// input, secrets never shown, destructive hints.
#define CAF_SUITE integration.webhook_tool
#include "caf/test/unit_test.hpp"

#include "tests/integration/support/recordings.hpp"
#include "tests/integration/support/tool_harness.hpp"

using namespace tmcp;
using namespace tmcp::testing;
namespace tw = tmcp::twenty;

namespace {

const std::string hook_id = "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

std::string hook_json() {
  return R"({"id":")" + hook_id
         + R"(","targetUrl":"https://mcp.example.com/webhooks/twenty","operations":["*.*"],"description":"mcp","secret":"topsecret","createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"})";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

struct fixture : tool_harness {
  fixture() {
    config.toolsets = {"core", "webhooks"};
    start();
  }

  std::vector<fake_twenty_api::call> calls() { return api->calls(); }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(webhook_tool_tests, fixture)

CAF_TEST(the default toolset leaves the administrator tool out and refuses calls to it) {
  config.toolsets = {"core"};
  start();
  auto page = cat->list_tools(nullptr);
  CAF_REQUIRE(page.has_value());
  CAF_CHECK(!contains(*page, "twenty_manage_webhooks"));
  auto r = call("twenty_manage_webhooks", R"({"action":"list"})");
  CAF_CHECK(r.error_code() != 0 || r.is_error());
  CAF_CHECK(calls().empty());
}

CAF_TEST(the tool is annotated destructive and read only servers only list) {
  auto page = cat->list_tools(nullptr);
  CAF_REQUIRE(page.has_value());
  auto doc = json::parse(*page);
  bool found = false;
  for (auto& t : (*doc)["tools"].GetArray())
    if (std::string(t["name"].GetString()) == "twenty_manage_webhooks") {
      found = true;
      // Hints equal to MCP's defaults (destructive, not read-only) are left out.
      auto hints = json::find(t, "annotations");
      auto destructive = hints ? json::find(*hints, "destructiveHint") : nullptr;
      auto read_only = hints ? json::find(*hints, "readOnlyHint") : nullptr;
      CAF_CHECK(!destructive || destructive->GetBool());
      CAF_CHECK(!read_only || !read_only->GetBool());
    }
  CAF_CHECK(found);
  config.read_only = true;
  start();
  auto r = call("twenty_manage_webhooks", R"({"action":"delete","id":")" + hook_id + "\"}");
  CAF_CHECK(r.error_code() != 0 || r.is_error());
  CAF_CHECK(calls().empty());
}

CAF_TEST(list reads the metadata api and hides secrets) {
  api->on(tw::verb::post, "/metadata", 200, R"({"data":{"webhooks":[)" + hook_json() + "]}}");
  auto r = call("twenty_manage_webhooks", R"({"action":"list"})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK(!r.is_error());
  auto s = json::stringify(r.structured());
  CAF_CHECK(contains(s, "https://mcp.example.com/webhooks/twenty"));
  CAF_CHECK(contains(s, "\"hasSecret\":true"));
  CAF_CHECK(contains(s, "\"route\":\"metadata\""));
  CAF_CHECK(!contains(r.text(), "topsecret"));
  auto c = calls();
  CAF_REQUIRE_EQUAL(c.size(), 1u);
  CAF_CHECK(c[0].kind == fake_twenty_api::call_kind::read);
  CAF_CHECK(contains(c[0].req.body, "webhooks"));
}

CAF_TEST(list falls back to rest when the metadata schema has no webhooks) {
  api->on(tw::verb::post, "/metadata", 200,
          R"({"errors":[{"message":"Cannot query field \"webhooks\" on type \"Query\".","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]})");
  api->on(tw::verb::get, "/rest/metadata/webhooks", 200,
          R"({"data":[)" + hook_json() + R"(],"pageInfo":{},"totalCount":1})");
  auto r = call("twenty_manage_webhooks", "{}");
  CAF_REQUIRE(r.ok());
  CAF_CHECK(!r.is_error());
  CAF_CHECK(contains(json::stringify(r.structured()), "\"route\":\"rest\""));
  CAF_CHECK(contains(json::stringify(r.structured()), hook_id));
  CAF_CHECK_EQUAL(calls().size(), 2u);
}

CAF_TEST(create sends the fields as a metadata mutation and drops the cached list) {
  api->on(tw::verb::post, "/metadata", 200, R"({"data":{"createWebhook":)" + hook_json() + "}}");
  auto r = call("twenty_manage_webhooks",
                R"({"action":"create","targetUrl":"https://mcp.example.com/webhooks/twenty","operations":["person.created","*.updated"],"secret":"s"})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK(!r.is_error());
  CAF_CHECK(contains(json::stringify(r.structured()), "\"webhook\":{\"id\":\"" + hook_id));
  auto c = calls();
  CAF_REQUIRE_EQUAL(c.size(), 1u);
  CAF_CHECK(c[0].kind == fake_twenty_api::call_kind::write);
  CAF_CHECK(!c[0].req.idempotent);
  CAF_CHECK(contains(c[0].req.body, "createWebhook(input: {targetUrl:"));
  CAF_CHECK(contains(c[0].req.body, R"(operations:[\"person.created\",\"*.updated\"])"));
  CAF_CHECK(c[0].tags == std::vector<std::string>{"webhooks"});
}

CAF_TEST(update and delete over rest when metadata is missing) {
  api->on(tw::verb::post, "/metadata", 404, R"({"statusCode":404,"message":"Cannot POST /metadata"})");
  api->on(tw::verb::patch, "/rest/metadata/webhooks/", 200, hook_json());
  api->on(tw::verb::del, "/rest/metadata/webhooks/", 200, "true");
  auto u = call("twenty_manage_webhooks",
                R"({"action":"update","id":")" + hook_id + R"(","description":"renamed"})");
  CAF_REQUIRE(u.ok());
  CAF_CHECK(!u.is_error());
  auto d = call("twenty_manage_webhooks", R"({"action":"delete","id":")" + hook_id + "\"}");
  CAF_REQUIRE(d.ok());
  CAF_CHECK(!d.is_error());
  CAF_CHECK(contains(json::stringify(d.structured()), "\"deleted\":\"" + hook_id));
  // The delete goes straight to the route the update found.
  auto c = calls();
  CAF_REQUIRE_EQUAL(c.size(), 3u);
  CAF_CHECK_EQUAL(c[1].req.target, "/rest/metadata/webhooks/" + hook_id);
  CAF_CHECK_EQUAL(c[1].req.body, R"({"description":"renamed"})");
  CAF_CHECK_EQUAL(c[2].req.target, "/rest/metadata/webhooks/" + hook_id);
}

CAF_TEST(on 0.50 both metadata routes refuse as recorded and the record route lists webhooks) {
  // twenty-0.50: /rest/metadata/webhooks is a 400 naming the path; /rest/webhooks lists records.
  auto metadata_rest = test::load_recording("twenty-0.50", "rest-webhooks");
  auto records = test::load_recording("twenty-0.50", "rest-webhooks-core");
  api->on(tw::verb::post, "/metadata", 200,
          R"({"errors":[{"message":"Cannot query field \"webhooks\" on type \"Query\".","locations":[{"line":1,"column":9}]}]})");
  api->on(tw::verb::get, "/rest/metadata/webhooks", metadata_rest.status, metadata_rest.body);
  api->on(tw::verb::get, "/rest/webhooks", records.status, records.body);
  auto r = call("twenty_manage_webhooks", R"({"action":"list"})");
  CAF_REQUIRE(r.ok());
  CAF_CHECK(!r.is_error());
  CAF_CHECK_EQUAL(json::stringify(r.structured()), R"({"webhooks":[],"route":"records"})");
  auto c = calls();
  CAF_REQUIRE_EQUAL(c.size(), 3u);
  CAF_CHECK_EQUAL(c[1].req.target, "/rest/metadata/webhooks");
  CAF_CHECK_EQUAL(c[2].req.target, "/rest/webhooks");
  // Remembered: the next list asks the record route only.
  api->on(tw::verb::get, "/rest/webhooks", 200,
          R"({"data":{"webhooks":[)" + hook_json() + R"(]},"pageInfo":{"hasNextPage":false}})");
  auto again = call("twenty_manage_webhooks", "{}");
  CAF_CHECK(contains(json::stringify(again.structured()), hook_id));
  CAF_CHECK(!contains(again.text(), "topsecret"));
  CAF_CHECK_EQUAL(calls().size(), 4u);
}

CAF_TEST(a schema read as 0.50 sends writes to the record route first and reads its envelopes) {
  auto schema = tw::make_schema(workspace_objects(), nullptr);
  schema.release.relations = "relationDefinition";
  api->set_schema(std::make_shared<const tw::workspace_schema>(std::move(schema)));
  rebuild();
  api->on(tw::verb::post, "/rest/webhooks", 201, R"({"data":{"createWebhook":)" + hook_json() + "}}");
  api->on(tw::verb::patch, "/rest/webhooks/", 200, R"({"data":{"updateWebhook":)" + hook_json() + "}}");
  api->on(tw::verb::del, "/rest/webhooks/", 200, R"({"data":{"deleteWebhook":{"id":")" + hook_id + "\"}}}");
  auto created = call("twenty_manage_webhooks",
                      R"({"action":"create","targetUrl":"https://mcp.example.com/webhooks/twenty","secret":"s"})");
  CAF_CHECK(contains(json::stringify(created.structured()),
                     "\"webhook\":{\"id\":\"" + hook_id));
  CAF_CHECK(contains(json::stringify(created.structured()), "\"route\":\"records\""));
  auto updated = call("twenty_manage_webhooks",
                      R"({"action":"update","id":")" + hook_id + R"(","operations":["person.*"]})");
  CAF_CHECK(contains(json::stringify(updated.structured()), "\"webhook\":{\"id\""));
  auto deleted = call("twenty_manage_webhooks", R"({"action":"delete","id":")" + hook_id + "\"}");
  CAF_CHECK(contains(json::stringify(deleted.structured()), "\"deleted\":\"" + hook_id));
  auto c = calls();
  CAF_REQUIRE_EQUAL(c.size(), 3u);
  CAF_CHECK_EQUAL(c[0].req.target, "/rest/webhooks");
  CAF_CHECK_EQUAL(c[0].req.body,
                  R"({"targetUrl":"https://mcp.example.com/webhooks/twenty","operations":["*.*"],"secret":"s"})");
  CAF_CHECK_EQUAL(c[1].req.target, "/rest/webhooks/" + hook_id);
  CAF_CHECK_EQUAL(c[2].req.target, "/rest/webhooks/" + hook_id);
}

CAF_TEST(a remembered route that disappears is probed again and a missing webhook is not) {
  api->on(tw::verb::post, "/metadata", 200, R"({"data":{"webhooks":[]}})");
  CAF_CHECK(!call("twenty_manage_webhooks", "{}").is_error());
  // The Twenty is replaced by one without metadata webhooks: the next route answers.
  api->on(tw::verb::post, "/metadata", 200,
          R"({"errors":[{"message":"Cannot query field \"webhooks\" on type \"Query\"."}]})");
  api->on(tw::verb::get, "/rest/metadata/webhooks", 200, "[]");
  auto r = call("twenty_manage_webhooks", "{}");
  CAF_CHECK(contains(json::stringify(r.structured()), "\"route\":\"rest\""));
  // A webhook that does not exist is Twenty's 404, not a missing route: no other route tried.
  api->clear_calls();
  api->on(tw::verb::del, "/rest/metadata/webhooks/", 404,
          R"({"statusCode":404,"message":"Webhook not found","error":"Not Found"})");
  auto d = call("twenty_manage_webhooks", R"({"action":"delete","id":")" + hook_id + "\"}");
  CAF_CHECK(d.is_error());
  CAF_CHECK(contains(d.text(), "Webhook not found"));
  CAF_CHECK_EQUAL(calls().size(), 1u);
}

CAF_TEST(bad input is refused before any call with what to fix) {
  auto cases = std::vector<std::pair<std::string, std::string>>{
    {R"({"action":"create"})", "targetUrl"},
    {R"({"action":"create","targetUrl":"ftp://x"})", "http:// or https://"},
    {R"({"action":"create","targetUrl":"http://x","operations":["person.exploded"]})",
     "unknown action 'exploded'"},
    {R"({"action":"create","targetUrl":"http://x","operations":["person"]})",
     "<object>.<action>"},
    {R"({"action":"update","id":")" + hook_id + "\"}", "at least one of"},
    {R"({"action":"delete","id":"42"})", "UUID"},
  };
  for (auto& [args, words] : cases) {
    auto r = call("twenty_manage_webhooks", args);
    CAF_MESSAGE(args << " -> " << r.text());
    CAF_CHECK(r.is_error());
    CAF_CHECK(contains(r.text(), words));
  }
  CAF_CHECK(calls().empty());
}

CAF_TEST_FIXTURE_SCOPE_END()

// twenty_manage_webhooks over a fake Twenty: the metadata API first, the REST route when the
// metadata schema has no webhooks, checked input, secrets never shown, destructive hints.
#define CAF_SUITE integration.webhook_tool
#include "caf/test/unit_test.hpp"

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
  auto c = calls();
  CAF_REQUIRE_EQUAL(c.size(), 4u);
  CAF_CHECK_EQUAL(c[1].req.target, "/rest/metadata/webhooks/" + hook_id);
  CAF_CHECK_EQUAL(c[1].req.body, R"({"description":"renamed"})");
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

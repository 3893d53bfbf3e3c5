#define CAF_SUITE integration.permissions
#include "caf/test/unit_test.hpp"

#include <algorithm>

#include "tests/integration/support/tool_harness.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using tmcp::twenty::verb;

namespace {

constexpr const char* pet_id = "0c000000-0000-4000-8000-00000000000a";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

struct fixture : tool_harness {
  // pets may be read and created; people read, updated and deleted; the rest only read.
  void start_with(const std::string& spec, std::set<std::string> toolsets = {"core"}) {
    auto p = config::permissions::parse(spec);
    if (!p)
      CAF_FAIL(p.error());
    config.access = *p;
    config.toolsets = std::move(toolsets);
    start();
  }

  bool has_tool(const std::string& name) {
    auto names = tool_names();
    return std::find(names.begin(), names.end(), name) != names.end();
  }

  // The call was refused before anything went to Twenty, naming the object and operation.
  void check_refused(const rpc_answer& a, const std::string& op, const std::string& object) {
    CAF_CHECK(a.is_error());
    CAF_CHECK(contains(a.text(), "INSUFFICIENT_PERMISSIONS"));
    CAF_CHECK(contains(a.text(), "do not allow " + op + " on " + object));
    CAF_CHECK(api->calls().empty());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(permissions_tests, fixture)

CAF_TEST(every record tool refuses an operation the matrix does not grant and sends nothing) {
  start_with("pets:read,create;people:read,update,delete;*:read");
  check_refused(call("twenty_create_record", R"({"object":"people","data":{"jobTitle":"x"}})"),
                "create", "people");
  check_refused(call("twenty_update_record",
                     std::string(R"({"object":"pets","id":")") + pet_id
                       + R"(","data":{"name":"Rex"}})"),
                "update", "pets");
  check_refused(call("twenty_delete_record",
                     std::string(R"({"object":"companies","id":")") + pet_id + R"("})"),
                "delete", "companies");
  check_refused(call("twenty_restore_record",
                     std::string(R"({"object":"pets","id":")") + pet_id + R"("})"),
                "update", "pets");
  check_refused(call("twenty_batch_operations",
                     R"({"object":"companies","operation":"create","records":[{"name":"A"}]})"),
                "create", "companies");
  check_refused(call("twenty_batch_operations",
                     std::string(R"({"object":"pets","operation":"delete","ids":[")") + pet_id
                       + R"("]})"),
                "delete", "pets");
}

CAF_TEST(reads of an object outside the matrix are refused in list get search aggregate and schema) {
  start_with("people:read;pets:read,create");
  check_refused(call("twenty_list_records", R"({"object":"companies"})"), "read", "companies");
  check_refused(call("twenty_get_record",
                     std::string(R"({"object":"company","id":")") + pet_id + R"("})"),
                "read", "companies");
  check_refused(call("twenty_search_records", R"({"query":"acme","objects":["companies"]})"),
                "read", "companies");
  check_refused(call("twenty_aggregate", R"({"object":"opportunities","group_by":["stage"]})"),
                "read", "opportunities");
  check_refused(call("twenty_get_schema", R"({"object":"companies"})"), "read", "companies");
}

CAF_TEST(related records of an object outside the matrix are refused in fields depth and filters) {
  start_with("people:read;pets:read");
  check_refused(call("twenty_list_records", R"({"object":"people","fields":["name","company.name"]})"),
                "read", "companies");
  check_refused(call("twenty_list_records", R"({"object":"people","depth":1})"), "read",
                "companies");
  check_refused(call("twenty_list_records",
                     R"({"object":"people","filter":"company.name[ilike]:\"%acme%\""})"),
                "read", "companies");
  check_refused(call("twenty_list_records", R"({"object":"people","order_by":"company.name"})"),
                "read", "companies");
  check_refused(call("twenty_get_record", std::string(R"({"object":"people","id":")") + pet_id
                                            + R"(","fields":["company.name"]})"),
                "read", "companies");
  check_refused(call("twenty_get_record",
                     std::string(R"({"object":"people","id":")") + pet_id + R"(","depth":1})"),
                "read", "companies");
  auto search = call("twenty_search_records",
                     R"({"query":"ada","objects":["people"],"fields":["company.name"]})");
  CAF_CHECK(contains(search.text(), "do not allow read on companies"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(a granted operation still goes to twenty) {
  start_with("pets:read,create;*:read");
  api->on(verb::post, "/rest/pets", 201,
          R"({"data":{"createPet":{"id":"0c000000-0000-4000-8000-00000000000a","name":"Rex"}}})");
  auto a = call("twenty_create_record", R"({"object":"pets","data":{"name":"Rex","species":"DOG"}})");
  CAF_CHECK(!a.is_error());
  CAF_CHECK_EQUAL(api->calls().size(), 1u);
}

CAF_TEST(search without objects only searches the readable ones) {
  start_with("people:read");
  api->on(verb::post, "/graphql people", 200, R"({"data":{"people":{"edges":[]}}})");
  auto a = call("twenty_search_records", R"({"query":"ada"})");
  CAF_CHECK(!a.is_error());
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK(contains(calls[0].req.body, "people"));
}

CAF_TEST(tools list hides tools that can do nothing and batch offers only granted operations) {
  start_with("pets:read,create;*:read", {"core", "graphql"});
  CAF_CHECK(has_tool("twenty_create_record"));
  CAF_CHECK(!has_tool("twenty_update_record"));
  CAF_CHECK(!has_tool("twenty_delete_record"));
  CAF_CHECK(!has_tool("twenty_restore_record"));
  CAF_CHECK(has_tool("twenty_query_builder")); // every object may be read
  auto batch = tool_entry("twenty_batch_operations");
  CAF_REQUIRE(batch.IsObject());
  CAF_CHECK_EQUAL(json::stringify(batch["inputSchema"]["properties"]["operation"]["enum"]),
                  R"(["create"])");
  auto write = tool_entry("twenty_create_record");
  CAF_CHECK(json::find(write, "annotations")); // the hints of a write stay as they were
}

CAF_TEST(tools list hides graphql when some object may not be read and all writes when none may) {
  start_with("people:read", {"core", "graphql"});
  CAF_CHECK(!has_tool("twenty_query_builder"));
  CAF_CHECK(has_tool("twenty_list_records"));
  for (auto& n : tool_names())
    CAF_CHECK(!contains(n, "create") && !contains(n, "update") && !contains(n, "delete")
              && !contains(n, "batch") && !contains(n, "restore"));
}

CAF_TEST(per object tools exist only for the granted verbs of each object) {
  start_with("pets:read,create;people:update", {"objects"});
  auto names = tool_names();
  CAF_CHECK(has_tool("twenty_list_pets"));
  CAF_CHECK(has_tool("twenty_create_pet"));
  CAF_CHECK(!has_tool("twenty_update_pet"));
  CAF_CHECK(!has_tool("twenty_delete_pet"));
  CAF_CHECK(!has_tool("twenty_list_people"));
  CAF_CHECK(has_tool("twenty_update_person"));
  CAF_CHECK(!has_tool("twenty_list_companies"));
  CAF_CHECK(!has_tool("twenty_get_company"));
}

CAF_TEST(webhooks are listed with read everywhere and changed only with every write everywhere) {
  start_with("people:read", {"core", "webhooks"});
  CAF_CHECK(!has_tool("twenty_manage_webhooks"));
  start_with("*:read,create,update", {"core", "webhooks"});
  auto hooks = tool_entry("twenty_manage_webhooks");
  CAF_REQUIRE(hooks.IsObject());
  CAF_CHECK(json::get_bool(hooks["annotations"], "readOnlyHint").value_or(false));
  auto a = call("twenty_manage_webhooks", R"({"action":"delete","id":"x"})");
  CAF_CHECK(a.is_error());
  CAF_CHECK(contains(a.text(), "'action' must be one of: list"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(read only is the matrix star read) {
  config.read_only = true;
  start_with("");
  CAF_CHECK(has_tool("twenty_list_records"));
  CAF_CHECK(!has_tool("twenty_create_record"));
  CAF_CHECK(!has_tool("twenty_batch_operations"));
}

CAF_TEST(resources and prompts refuse objects that may not be read) {
  start_with("people:read");
  for (const char* uri : {"twenty://fields/companies", "twenty://records/companies",
                          "twenty://records/companies/0c000000-0000-4000-8000-00000000000a"}) {
    CAF_MESSAGE(uri);
    auto a = read(uri);
    CAF_CHECK_EQUAL(a.error_code(), -32602);
    CAF_CHECK(contains(a.error_message(), "do not allow read on companies"));
  }
  CAF_CHECK(api->calls().empty());
  CAF_CHECK(read("twenty://fields/people").ok());
  // The listings show only what may be read.
  for (const char* uri : {"twenty://schema", "twenty://objects"}) {
    CAF_MESSAGE(uri);
    auto listing = read(uri);
    CAF_REQUIRE(listing.ok());
    auto body = json::stringify(listing.result());
    CAF_CHECK(contains(body, "\\\"people\\\""));
    CAF_CHECK(!contains(body, "\\\"companies\\\""));
  }
  auto described = call("twenty_get_schema", "{}");
  CAF_CHECK(contains(described.text(), "\"people\""));
  CAF_CHECK(!contains(described.text(), "\"companies\""));
  auto p = prompt("explore_object", R"({"object":"companies"})");
  CAF_CHECK_EQUAL(p.error_code(), -32602);
  CAF_CHECK(contains(p.error_message(), "do not allow read on companies"));
  auto pipeline = prompt("analyze_pipeline", "{}");
  CAF_CHECK(contains(pipeline.error_message(), "do not allow read on opportunities"));
  CAF_CHECK(prompt("explore_object", R"({"object":"people"})").ok());
  auto offered = complete("ref/resource", "twenty://records/{object}", "object", "");
  CAF_CHECK_EQUAL(offered, (std::vector<std::string>{"people"}));
}

CAF_TEST_FIXTURE_SCOPE_END()

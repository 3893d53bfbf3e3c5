#define CAF_SUITE integration.object_tools
#include "caf/test/unit_test.hpp"

#include <algorithm>

#include "integration/tools/schema_hints.hpp"
#include "tests/integration/support/tool_harness.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using tmcp::twenty::verb;
namespace tw = tmcp::twenty;

namespace {

constexpr const char* rex_id = "0c000000-0000-4000-8000-00000000000a";

struct fixture : tool_harness {
  fixture() {
    config.toolsets = {"core", "objects"};
    start();
  }

  std::vector<std::string> object_tool_names() {
    std::vector<std::string> out;
    for (auto& n : tool_names())
      if (n != "twenty_list_records" && n != "twenty_get_record" && n != "twenty_search_records"
          && n != "twenty_get_schema" && n != "twenty_query_builder"
          && n != "twenty_create_record" && n != "twenty_update_record"
          && n != "twenty_delete_record" && n != "twenty_restore_record"
          && n != "twenty_batch_operations" && n != "twenty_manage_webhooks"
          && n != "twenty_aggregate" && n != "twenty_dashboard")
        out.push_back(n);
    return out;
  }

  bool has_tool(const std::string& name) {
    auto names = tool_names();
    return std::find(names.begin(), names.end(), name) != names.end();
  }
};

std::string str(const json::value& v) {
  return json::stringify(v);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string hints(const json::document& entry) {
  std::string out;
  for (const char* k : {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}) {
    auto a = json::find(entry, "annotations");
    auto v = a ? json::find(*a, k) : nullptr;
    out += v ? (v->GetBool() ? "1" : "0") : "-";
  }
  return out;
}

} // namespace

CAF_TEST(snake case splits camel case words and keeps only lowercase letters digits and underscores) {
  using tw::tools::snake_case;
  CAF_CHECK_EQUAL(snake_case("workspaceMembers"), "workspace_members");
  CAF_CHECK_EQUAL(snake_case("opportunity"), "opportunity");
  CAF_CHECK_EQUAL(snake_case("calendarEventParticipants"), "calendar_event_participants");
  CAF_CHECK_EQUAL(snake_case("HTTPServer"), "http_server");
  CAF_CHECK_EQUAL(snake_case("invoice2Lines"), "invoice2_lines");
  CAF_CHECK_EQUAL(snake_case("_weird--Name!"), "weird_name");
}

CAF_TEST_FIXTURE_SCOPE(object_tools_tests, fixture)

CAF_TEST(every active non system object gets list and get and the three write tools) {
  CAF_CHECK_EQUAL(object_tool_names(),
                  (std::vector<std::string>{
                    "twenty_list_companies", "twenty_get_company", "twenty_create_company",
                    "twenty_update_company", "twenty_delete_company", "twenty_list_opportunities",
                    "twenty_get_opportunity", "twenty_create_opportunity",
                    "twenty_update_opportunity", "twenty_delete_opportunity",
                    "twenty_list_people", "twenty_get_person", "twenty_create_person",
                    "twenty_update_person", "twenty_delete_person", "twenty_list_pets",
                    "twenty_get_pet", "twenty_create_pet", "twenty_update_pet", "twenty_delete_pet",
                    "twenty_list_task_targets", "twenty_get_task_target",
                    "twenty_create_task_target", "twenty_update_task_target",
                    "twenty_delete_task_target"}));
}

CAF_TEST(the default toolset has no per object tools) {
  config.toolsets = {"core"};
  start();
  CAF_CHECK(object_tool_names().empty());
  CAF_CHECK(has_tool("twenty_list_records"));
}

CAF_TEST(annotations and titles follow the verb) {
  struct row {
    const char* tool;
    const char* title;
    const char* hints; // readOnly destructive idempotent openWorld; '-': MCP's default
  };
  for (auto& r : std::vector<row>{{"twenty_list_people", "List people", "1---"},
                                  {"twenty_get_person", "Get a person", "1---"},
                                  {"twenty_create_person", "Create a person", "-0--"},
                                  {"twenty_update_opportunity", "Update an opportunity", "-01-"},
                                  {"twenty_delete_pet", "Delete a pet", "--1-"},
                                  {"twenty_list_task_targets", "List task targets", "1---"}}) {
    CAF_MESSAGE(r.tool);
    auto e = tool_entry(r.tool);
    CAF_REQUIRE(e.IsObject());
    CAF_CHECK_EQUAL(std::string(e["title"].GetString()), r.title);
    CAF_CHECK_EQUAL(hints(e), r.hints);
    CAF_CHECK(e.HasMember("outputSchema"));
  }
}

CAF_TEST(create and update schemas carry the object fields and list has no object argument) {
  auto schema = api->schema();
  const auto& pet = *schema->find_object("pet");
  auto create = tool_entry("twenty_create_pet");
  CAF_CHECK_EQUAL(str(create["inputSchema"]),
                  R"({"type":"object","properties":{"dry_run":{"type":"boolean"},"data":)"
                    + tw::record_input_schema(pet, tw::input_mode::create)
                    + R"(},"required":["data"],"additionalProperties":false})");
  auto update = tool_entry("twenty_update_pet");
  CAF_CHECK_EQUAL(str(update["inputSchema"]["properties"]["data"]),
                  tw::record_input_schema(pet, tw::input_mode::update));
  CAF_CHECK_EQUAL(str(update["inputSchema"]["required"]), R"(["id","data"])");
  auto list = tool_entry("twenty_list_pets");
  CAF_CHECK(!list["inputSchema"]["properties"].HasMember("object"));
  CAF_CHECK(!list["inputSchema"].HasMember("required"));
  CAF_CHECK_EQUAL(str(list["outputSchema"]["required"]), R"(["object","columns","rows"])");
  auto del = tool_entry("twenty_delete_pet");
  CAF_CHECK_EQUAL(str(del["inputSchema"]["required"]), R"(["id"])");
  CAF_CHECK(del["inputSchema"]["properties"].HasMember("soft"));
}

CAF_TEST(descriptions name the object label and some of its filterable fields) {
  auto people = tool_entry("twenty_list_people");
  std::string d = people["description"].GetString();
  CAF_CHECK(contains(d, "List people (Twenty object 'people')"));
  CAF_CHECK(contains(d, "name.firstName, emails.primaryEmail, companyId"));
  std::string pets = tool_entry("twenty_list_pets")["description"].GetString();
  CAF_CHECK(contains(pets, "Pets of our customers."));
  CAF_CHECK(contains(pets, "name, species, traits"));
  std::string filter_doc =
    tool_entry("twenty_list_opportunities")["inputSchema"]["properties"]["filter"]["description"]
      .GetString();
  CAF_CHECK(contains(filter_doc, "stage[eq]:NEW"));
  std::string create = tool_entry("twenty_create_pet")["description"].GetString();
  CAF_CHECK(contains(create, "Required: species."));
  CAF_CHECK(contains(create, "ownerId"));
}

CAF_TEST(handlers delegate to the record logic with the object fixed) {
  api->on(verb::post, "/graphql pets", 200,
          R"({"data":{"pets":{"edges":[{"node":{"id":"a","name":"Rex","species":"DOG"}}]}}})");
  api->on(verb::post, "/rest/pets", 201, R"({"data":{"createPet":{"id":"a","name":"Rex"}}})");
  api->on(verb::del, "/rest/opportunities/", 200, R"({"data":{"deleteOpportunity":{"id":"x"}}})");
  auto list = call("twenty_list_pets", R"({"filter":"species[eq]:DOG","limit":2})");
  CAF_CHECK(!list.is_error());
  CAF_CHECK_EQUAL(str(list.structured()),
                  R"({"object":"pets","columns":["id","name","species"],"rows":[["a","Rex","DOG"]]})");
  auto created = call("twenty_create_pet", R"({"data":{"name":"Rex","species":"DOG"}})");
  CAF_CHECK(!created.is_error());
  auto deleted = call("twenty_delete_opportunity", std::string(R"({"id":")") + rex_id + "\"}");
  CAF_CHECK(!deleted.is_error());
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 3u);
  CAF_CHECK_EQUAL(calls[0].req.target, "/graphql");
  CAF_CHECK(contains(calls[0].req.body, R"("variables":{"first":2,"filter":{"species":{"eq":"DOG"}}})"));
  CAF_CHECK_EQUAL(calls[1].req.target, "/rest/pets");
  CAF_CHECK_EQUAL(calls[1].req.body, R"({"name":"Rex","species":"DOG"})");
  CAF_CHECK_EQUAL(calls[2].req.target,
                  std::string("/rest/opportunities/") + rex_id + "?soft_delete=true");
}

CAF_TEST(arguments outside the object schema are refused before any call) {
  auto no_species = call("twenty_create_pet", R"({"data":{"name":"Rex"}})");
  CAF_CHECK(no_species.is_error());
  CAF_CHECK(contains(no_species.text(), "species"));
  auto bad_option = call("twenty_update_pet", std::string(R"({"id":")") + rex_id
                                                + R"(","data":{"species":"FISH"}})");
  CAF_CHECK(bad_option.is_error());
  auto object_arg = call("twenty_list_pets", R"({"object":"people"})");
  CAF_CHECK(object_arg.is_error());
  auto bad_id = call("twenty_get_pet", R"({"id":"rex"})");
  CAF_CHECK(contains(bad_id.text(), "SCHEMA_VALIDATION_ERROR"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(read only mode keeps only the list and get tools) {
  config.read_only = true;
  start();
  auto names = object_tool_names();
  CAF_CHECK_EQUAL(names.size(), 10u);
  for (auto& n : names)
    CAF_CHECK(n.rfind("twenty_list_", 0) == 0 || n.rfind("twenty_get_", 0) == 0);
}

CAF_TEST(a schema change yields a different tool list after rebuilding the catalog) {
  auto objects = workspace_objects();
  for (auto& o : objects)
    if (o.name_singular == "pet")
      o.is_active = false;
  auto invoice = make_object("invoiceLine", "invoiceLines", "Invoice line", "Invoice lines",
                             {make_field("name", tw::field_type::text)});
  invoice.is_custom_guess = true;
  objects.push_back(invoice);
  auto old_schema = api->schema();
  api->set_schema(workspace_schema_ptr(objects, old_schema.get()));
  CAF_CHECK(has_tool("twenty_list_pets")); // the old catalog until it is rebuilt
  rebuild();
  CAF_CHECK(!has_tool("twenty_list_pets"));
  CAF_CHECK(has_tool("twenty_list_invoice_lines"));
  CAF_CHECK(has_tool("twenty_create_invoice_line"));
  CAF_CHECK_EQUAL(api->schema()->version, old_schema->version + 1);
  // A call through the rebuilt session reaches the new object.
  api->on(verb::post, "/graphql invoiceLines", 200, R"({"data":{"invoiceLines":{"edges":[]}}})");
  CAF_CHECK(!call("twenty_list_invoice_lines", "{}").is_error());
}

CAF_TEST(a tool of an object that disappeared answers object not found) {
  auto objects = workspace_objects();
  objects.erase(std::remove_if(objects.begin(), objects.end(),
                               [](auto& o) { return o.name_singular == "pet"; }),
                objects.end());
  api->set_schema(workspace_schema_ptr(objects));
  auto a = call("twenty_list_pets", "{}"); // the catalog still has it
  CAF_CHECK(a.is_error());
  CAF_CHECK(contains(a.text(), "OBJECT_NOT_FOUND"));
}

CAF_TEST(long and clashing names stay unique within 64 characters) {
  auto objects = workspace_objects();
  std::string stem = "aVeryLongCustomObjectNameThatKeepsGoingAndGoingForeverAndEver";
  objects.push_back(make_object(stem + "One", stem + "Ones", "One", "Ones", {}));
  objects.push_back(make_object(stem + "Two", stem + "Twos", "Two", "Twos", {}));
  objects.push_back(make_object("record", "records", "Record", "Records", {}));
  api->set_schema(workspace_schema_ptr(objects));
  rebuild();
  auto names = tool_names();
  auto sorted = names;
  std::sort(sorted.begin(), sorted.end());
  CAF_CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  std::size_t long_ones = 0;
  for (auto& n : names) {
    CAF_CHECK_LESS_OR_EQUAL(n.size(), 64u);
    CAF_CHECK(std::all_of(n.begin(), n.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }));
    if (n.rfind("twenty_list_a_very_long", 0) == 0)
      ++long_ones;
  }
  CAF_CHECK_EQUAL(long_ones, 2u);
  // The core tool keeps its name; the object's list tool gets a distinct one.
  CAF_CHECK(contains(tool_entry("twenty_list_records")["description"].GetString(), "any object"));
  CAF_CHECK(has_tool("twenty_list_records_object"));
  CAF_CHECK(has_tool("twenty_get_record_object"));
  api->on(verb::post, "/graphql records", 200, R"({"data":{"records":{"edges":[]}}})");
  auto a = call("twenty_list_records_object", "{}");
  CAF_CHECK_EQUAL(str(a.structured()), R"({"object":"records","columns":[],"rows":[]})");
}

CAF_TEST(without the core toolset descriptions name no core tool) {
  config.toolsets = {"objects"};
  start();
  for (auto& n : tool_names()) {
    CAF_MESSAGE(n);
    auto e = tool_entry(n);
    auto text = json::stringify(e);
    for (const char* core : {"twenty_get_schema", "twenty_restore_record", "twenty_list_records"})
      CAF_CHECK(!contains(text, core));
  }
  CAF_CHECK(contains(tool_entry("twenty_list_people")["description"].GetString(),
                     "the resource twenty://fields/people lists every field"));
}

CAF_TEST(without a schema there are no object tools but the core tools remain) {
  api->set_schema(nullptr);
  rebuild();
  CAF_CHECK(object_tool_names().empty());
  CAF_CHECK(has_tool("twenty_get_schema"));
}

CAF_TEST_FIXTURE_SCOPE_END()

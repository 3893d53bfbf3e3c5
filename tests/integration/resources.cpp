#define CAF_SUITE integration.resources
#include "caf/test/unit_test.hpp"

#include "integration/tools/schema_describe.hpp"
#include "tests/integration/support/tool_harness.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using tmcp::twenty::verb;
namespace tw = tmcp::twenty;

namespace {

constexpr const char* ada_id = "8f9a1c2e-0b1d-4c3e-9f00-123456789abc";

struct fixture : tool_harness {
  fixture() { start(); }

  // The text of a successful resources/read (and checks its uri and mime type).
  std::string read_text(const std::string& uri) {
    auto a = read(uri);
    CAF_REQUIRE(a.ok());
    const auto& c = a.result()["contents"];
    CAF_REQUIRE_EQUAL(c.Size(), 1u);
    CAF_CHECK_EQUAL(std::string(c[0]["uri"].GetString()), uri);
    CAF_CHECK_EQUAL(std::string(c[0]["mimeType"].GetString()), "application/json");
    return c[0]["text"].GetString();
  }

  // The user message text of a prompts/get answer.
  std::string prompt_text(const std::string& name, const std::string& args) {
    auto a = prompt(name, args);
    CAF_REQUIRE(a.ok());
    const auto& m = a.result()["messages"];
    CAF_REQUIRE_EQUAL(m.Size(), 1u);
    CAF_CHECK_EQUAL(std::string(m[0]["role"].GetString()), "user");
    return m[0]["content"]["text"].GetString();
  }
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

using strings = std::vector<std::string>;

} // namespace

CAF_TEST_FIXTURE_SCOPE(resources_tests, fixture)

// --- Lists ---------------------------------------------------------------------------------

CAF_TEST(resources and templates are listed with titles and mime types) {
  auto res = request("resources/list", "{}");
  CAF_REQUIRE(res.ok());
  strings uris;
  for (auto& r : res.result()["resources"].GetArray()) {
    uris.emplace_back(r["uri"].GetString());
    CAF_CHECK(r.HasMember("title") && r.HasMember("description"));
    CAF_CHECK_EQUAL(std::string(r["mimeType"].GetString()),
                    uris.back() == "ui://twenty/dashboard" ? "text/html;profile=mcp-app"
                                                           : "application/json");
  }
  CAF_CHECK_EQUAL(uris, (strings{"twenty://schema", "twenty://objects",
                                 "twenty://analytics/dashboard", "ui://twenty/dashboard"}));
  auto tpl = request("resources/templates/list", "{}");
  strings templates;
  for (auto& t : tpl.result()["resourceTemplates"].GetArray())
    templates.emplace_back(t["uriTemplate"].GetString());
  CAF_CHECK_EQUAL(templates, (strings{"twenty://fields/{object}", "twenty://records/{object}",
                                        "twenty://records/{object}/{id}"}));
  auto prompts = request("prompts/list", "{}");
  strings names;
  for (auto& p : prompts.result()["prompts"].GetArray())
    names.emplace_back(p["name"].GetString());
  CAF_CHECK_EQUAL(names, (strings{"explore_object", "find_records", "analyze_pipeline",
                                  "analyze_crm_data", "identify_opportunities",
                                  "suggest_next_actions", "draft_communication",
                                  "relationship_mapping"}));
  CAF_CHECK_EQUAL(json::stringify(prompts.result()["prompts"][1]["arguments"][1]),
                  R"J({"name":"field","description":"The field to match (name, emails, stage, companyId, ...)","required":true})J");
}

// --- Reads ---------------------------------------------------------------------------------

CAF_TEST(the objects resource lists the objects an agent can use) {
  CAF_CHECK_EQUAL(read_text("twenty://objects"), tw::tools::describe_objects(*api->schema()));
  CAF_CHECK(!contains(read_text("twenty://objects"), "blocklists"));
}

CAF_TEST(the schema resource has every active object with its fields) {
  auto doc = json::parse(read_text("twenty://schema"));
  CAF_REQUIRE(doc);
  const auto& objects = (*doc)["objects"];
  CAF_REQUIRE_EQUAL(objects.Size(), 5u);
  for (auto& o : objects.GetArray()) {
    auto obj = api->schema()->find_object(o["name"].GetString());
    CAF_REQUIRE(obj != nullptr);
    auto expected = json::parse(tw::tools::describe_object(*obj));
    CAF_CHECK_EQUAL(json::stringify(o["fields"]), json::stringify((*expected)["fields"]));
  }
  CAF_CHECK_EQUAL(std::string(objects[3]["name"].GetString()), "pets");
  CAF_CHECK(objects[3]["custom"].GetBool());
  CAF_CHECK_EQUAL(std::string(objects[3]["description"].GetString()), "Pets of our customers");
  CAF_CHECK_EQUAL((*doc)["version"].GetInt(), 1);
}

CAF_TEST(the fields template describes one object completely by plural or singular name) {
  auto expected = tw::tools::describe_object(*api->schema()->find_object("pets"),
                                             tw::tools::schema_detail::full);
  CAF_CHECK_EQUAL(read_text("twenty://fields/pets"), expected);
  CAF_CHECK_EQUAL(read_text("twenty://fields/pet"), expected);
}

CAF_TEST(an unknown object in a template is resource not found with a suggestion) {
  auto a = read("twenty://fields/peple");
  CAF_CHECK_EQUAL(a.error_code(), -32002);
  CAF_CHECK_EQUAL(a.error_message(), "Resource not found: twenty://fields/peple; unknown object "
                                     "'peple'; did you mean 'people'?");
  CAF_CHECK_EQUAL(json::stringify(a.doc["error"]["data"]), R"({"uri":"twenty://fields/peple"})");
  auto inactive = read("twenty://fields/legacyThings");
  CAF_CHECK_EQUAL(inactive.error_code(), -32002);
  auto record = read(std::string("twenty://records/petz/") + ada_id);
  CAF_CHECK_EQUAL(record.error_code(), -32002);
  CAF_CHECK(contains(record.error_message(), "did you mean 'pets'?"));
  CAF_CHECK(api->calls().empty());
  // A URI that matches no resource or template at all.
  CAF_CHECK_EQUAL(read("twenty://nothing").error_code(), -32002);
}

CAF_TEST(the records template reads one record and leaves out empty values) {
  api->on(verb::get, "/rest/people/", 200,
          std::string(R"({"id":")") + ada_id
            + R"(","name":{"firstName":"Ada","lastName":""},"jobTitle":null,"searchVector":"x"})");
  auto uri = std::string("twenty://records/person/") + ada_id;
  CAF_CHECK_EQUAL(read_text(uri),
                  std::string(R"({"id":")") + ada_id + R"(","name":{"firstName":"Ada"}})");
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK(calls[0].kind == fake_twenty_api::call_kind::get_record);
  CAF_CHECK_EQUAL(calls[0].req.target, std::string("/rest/people/") + ada_id + "?depth=0");
  // Queued with the rest of the reading session's calls.
  CAF_CHECK_EQUAL(calls[0].fairness_key, "sid-1");
}

CAF_TEST(the collection template reads the recently updated records of an object) {
  api->on(verb::get, "/rest/people?", 200,
          std::string(R"({"data":{"people":[{"id":")") + ada_id
            + R"(","jobTitle":null,"city":"Paris"}]},"pageInfo":{},"totalCount":1})");
  CAF_CHECK_EQUAL(read_text("twenty://records/person"),
                  std::string(R"({"object":"people","records":[{"id":")") + ada_id
                    + R"(","city":"Paris"}]})");
  auto calls = api->calls();
  CAF_REQUIRE_EQUAL(calls.size(), 1u);
  CAF_CHECK(contains(calls[0].req.target, "order_by=updatedAt"));
  CAF_CHECK_EQUAL(read("twenty://records/peeple").error_code(), -32002);
}

CAF_TEST(a record id that is not a uuid is resource not found without a call) {
  auto a = read("twenty://records/people/ada");
  CAF_CHECK_EQUAL(a.error_code(), -32002);
  CAF_CHECK(contains(a.error_message(), "'ada' is not a record id"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(twenty failures of a record read map to not found or internal errors) {
  struct row {
    int status;
    const char* body;
    int code;
    const char* text;
  };
  for (auto& r : std::vector<row>{
         {404, R"({"statusCode":404,"messages":["Record not found"]})", -32002, "No record with this id"},
         {401, R"({"statusCode":401,"messages":["Token invalid"]})", -32603, "INVALID_API_KEY: "},
         {500, R"({"statusCode":500,"messages":["db down"]})", -32603, "TWENTY_API_ERROR: "}}) {
    CAF_MESSAGE("HTTP " << r.status);
    api = std::make_shared<fake_twenty_api>();
    start();
    api->on(verb::get, "/rest/people/", r.status, r.body);
    auto a = read(std::string("twenty://records/people/") + ada_id);
    CAF_CHECK_EQUAL(a.error_code(), r.code);
    CAF_CHECK(contains(a.error_message(), r.text));
  }
}

CAF_TEST(a record read waits for the deferred answer) {
  api->deferred = true;
  api->on(verb::get, "/rest/people/", 200, std::string(R"({"id":")") + ada_id + "\"}");
  uri_vars vars;
  auto uri = std::string("twenty://records/people/") + ada_id;
  auto reader = cat->find_reader(uri, vars);
  CAF_REQUIRE(reader != nullptr);
  auto ctx = std::make_shared<fake_request_context>();
  (*reader)(uri, vars, ctx);
  CAF_CHECK(!ctx->done());
  CAF_CHECK_EQUAL(api->pending(), 1u);
  api->complete_all();
  CAF_REQUIRE_EQUAL(ctx->replies.size(), 1u);
  CAF_CHECK(ctx->failures.empty());
  CAF_CHECK(contains(ctx->replies[0], ada_id));
}

CAF_TEST(reads before the schema is loaded are internal errors) {
  api->set_schema(nullptr);
  CAF_CHECK_EQUAL(read("twenty://schema").error_code(), -32603);
  CAF_CHECK_EQUAL(read("twenty://objects").error_code(), -32603);
  CAF_CHECK_EQUAL(read("twenty://fields/people").error_code(), -32603);
  CAF_CHECK(contains(read("twenty://records/people/x").error_message(), "not loaded"));
}

// --- Completions ---------------------------------------------------------------------------

CAF_TEST(template completions offer object names and no ids) {
  CAF_CHECK_EQUAL(complete("ref/resource", "twenty://fields/{object}", "object", "pe"),
                  (strings{"people", "pets"}));
  CAF_CHECK_EQUAL(complete("ref/resource", "twenty://records/{object}/{id}", "object", ""),
                  (strings{"companies", "opportunities", "people", "pets", "taskTargets"}));
  CAF_CHECK(complete("ref/resource", "twenty://records/{object}/{id}", "id", "").empty());
}

CAF_TEST(completions read the schema at call time) {
  auto objects = workspace_objects();
  objects.push_back(make_object("petOwner", "petOwners", "Pet owner", "Pet owners", {}));
  api->set_schema(workspace_schema_ptr(objects));
  CAF_CHECK_EQUAL(complete("ref/resource", "twenty://fields/{object}", "object", "pet"),
                  (strings{"petOwners", "pets"}));
  CAF_CHECK_EQUAL(complete("ref/prompt", "explore_object", "object", "petO"), (strings{"petOwners"}));
}

CAF_TEST(field completions follow the object in the context) {
  CAF_CHECK_EQUAL(complete("ref/prompt", "find_records", "field", "", R"({"object":"pets"})"),
                  (strings{"name", "species", "traits", "ownerId", "createdAt", "updatedAt",
                           "deletedAt"}));
  CAF_CHECK_EQUAL(complete("ref/prompt", "explore_object", "field", "na", R"({"object":"people"})"),
                  (strings{"name"}));
  // Without a known object: the fields of every object.
  auto all = complete("ref/prompt", "find_records", "field", "s");
  CAF_CHECK_EQUAL(all, (strings{"species", "stage"}));
  CAF_CHECK_EQUAL(complete("ref/prompt", "find_records", "field", "s", R"({"object":"nope"})"), all);
}

CAF_TEST(value completions are the select options of the field in the context) {
  CAF_CHECK_EQUAL(complete("ref/prompt", "find_records", "value", "",
                           R"({"object":"opportunities","field":"stage"})"),
                  (strings{"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"}));
  CAF_CHECK_EQUAL(complete("ref/prompt", "find_records", "value", "p",
                           R"({"object":"pet","field":"traits"})"),
                  (strings{"PLAYFUL"}));
  CAF_CHECK(complete("ref/prompt", "find_records", "value", "",
                     R"({"object":"people","field":"jobTitle"})")
              .empty());
  CAF_CHECK(complete("ref/prompt", "find_records", "value", "", R"({"field":"stage"})").empty());
}

CAF_TEST(stage completions are the opportunity stages) {
  CAF_CHECK_EQUAL(complete("ref/prompt", "analyze_pipeline", "stage", "S"),
                  (strings{"SCREENING"}));
  CAF_CHECK_EQUAL(complete("ref/prompt", "analyze_pipeline", "stage", "").size(), 5u);
  CAF_CHECK_EQUAL(complete("ref/prompt", "identify_opportunities", "stage", "PRO"),
                  (strings{"PROPOSAL"}));
  CAF_CHECK(complete("ref/prompt", "suggest_next_actions", "as_of", "").empty());
}

// --- Prompts -------------------------------------------------------------------------------

CAF_TEST(explore object points at the schema tool and sample records) {
  auto t = prompt_text("explore_object", R"({"object":"person"})");
  CAF_CHECK(contains(t, "'people' (People)"));
  CAF_CHECK(contains(t, R"(twenty_get_schema with {"object":"people"})"));
  CAF_CHECK(contains(t, R"(twenty_list_records with {"object":"people","limit":5})"));
  auto focused = prompt_text("explore_object", R"({"object":"opportunities","field":"stage"})");
  CAF_CHECK(contains(focused, "Focus on the field 'stage' (SELECT, options NEW, SCREENING, "
                              "MEETING, PROPOSAL, CUSTOMER)"));
  auto unknown = prompt("explore_object", R"({"object":"peple"})");
  CAF_CHECK_EQUAL(unknown.error_code(), -32602);
  CAF_CHECK(contains(unknown.error_message(), "did you mean 'people'?"));
  CAF_CHECK_EQUAL(prompt("explore_object", "{}").error_code(), -32602); // object is required
  CAF_CHECK(contains(prompt("explore_object", R"({"object":"people","field":"jobTitel"})")
                       .error_message(),
                     "did you mean 'jobTitle'?"));
}

CAF_TEST(find records builds the filter for the field type) {
  struct row {
    const char* args;
    const char* filter;
  };
  for (auto& r : std::vector<row>{
         {R"({"object":"opportunities","field":"stage","value":"MEETING"})", R"("filter":"stage[eq]:MEETING")"},
         {R"({"object":"pets","field":"traits","value":"CALM"})", R"("filter":"traits[containsAny]:[CALM]")"},
         {R"({"object":"people","field":"name","value":"Ada"})",
          R"J("filter":"or(name.firstName[ilike]:\"%Ada%\",name.lastName[ilike]:\"%Ada%\")")J"},
         {R"({"object":"people","field":"emails","value":"x.com"})", R"("filter":"emails.primaryEmail[ilike]:\"%x.com%\"")"},
         {R"({"object":"people","field":"companyId","value":"c1"})", R"("filter":"companyId[eq]:c1")"},
         {R"({"object":"companies","field":"name","value":"Ac\"me"})", R"("filter":"name[ilike]:\"%Acme%\"")"}}) {
    CAF_MESSAGE(r.args);
    auto t = prompt_text("find_records", r.args);
    CAF_CHECK(contains(t, r.filter));
    CAF_CHECK(contains(t, "twenty_list_records with {\"object\":"));
  }
  auto ask = prompt_text("find_records", R"({"object":"opportunities","field":"stage"})");
  CAF_CHECK(contains(ask, "ask me for it first"));
  CAF_CHECK(contains(ask, "allowed values of stage are NEW, SCREENING"));
  auto bad = prompt("find_records", R"({"object":"opportunities","field":"stage","value":"WON"})");
  CAF_CHECK_EQUAL(bad.error_code(), -32602);
  CAF_CHECK(contains(bad.error_message(), "the options are NEW, SCREENING, MEETING"));
  CAF_CHECK_EQUAL(prompt("find_records", R"({"object":"people"})").error_code(), -32602);
}

CAF_TEST(analyze pipeline lists opportunities with the stage filter and the real stages) {
  auto all = prompt_text("analyze_pipeline", "{}");
  CAF_CHECK(contains(all, R"(twenty_list_records with {"object":"opportunities","fields":["name","stage","amount","closeDate","companyId"])"));
  CAF_CHECK(contains(all, "pipeline order: NEW, SCREENING, MEETING, PROPOSAL, CUSTOMER"));
  CAF_CHECK(contains(all, "stage not CUSTOMER"));
  CAF_CHECK(!contains(all, "\"filter\""));
  auto one = prompt_text("analyze_pipeline", R"({"stage":"PROPOSAL"})");
  CAF_CHECK(contains(one, R"("filter":"stage[eq]:PROPOSAL")"));
  auto bad = prompt("analyze_pipeline", R"({"stage":"WON"})");
  CAF_CHECK_EQUAL(bad.error_code(), -32602);
  CAF_CHECK(contains(bad.error_message(), "the stages are NEW"));
}

CAF_TEST(a record id that is no record of the object is invalid params) {
  api->on(verb::get, "/rest/people?", 200, R"({"data":{"people":[]},"totalCount":0})");
  auto a = prompt("suggest_next_actions",
                  R"({"object":"people","record":"00000000-0000-4000-8000-000000000001"})");
  CAF_CHECK_EQUAL(a.error_code(), -32602);
  CAF_CHECK(contains(a.error_message(), "no people record has the id"));
  CAF_CHECK_EQUAL(prompt("draft_communication", R"({"record":"ada","tone":"rude"})").error_code(),
                  -32602);
}

CAF_TEST(prompts name the per object tools when the core toolset is off) {
  config.toolsets = {"objects"};
  start();
  auto t = prompt_text("explore_object", R"({"object":"pets"})");
  CAF_CHECK(contains(t, R"(twenty_list_pets with {"limit":5})"));
  CAF_CHECK(contains(t, "twenty://fields/pets"));
}

CAF_TEST_FIXTURE_SCOPE_END()

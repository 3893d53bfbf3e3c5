#define CAF_SUITE integration.linked_creates
#include "caf/test/unit_test.hpp"

#include "integration/graphql_query.hpp"
#include "tests/integration/support/tool_harness.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using tmcp::twenty::verb;
using call_kind = fake_twenty_api::call_kind;

namespace {

constexpr const char* task_id = "7a000000-0000-4000-8000-000000000001";
constexpr const char* acme_id = "0c000000-0000-4000-8000-000000000002";
constexpr const char* ada_id = "8f9a1c2e-0b1d-4c3e-9f00-123456789abc";

// A workspace whose junctions use the names of `release`: "2.5" (targetCompanyId) or "old"
// (companyId), plus a custom project object linked through a custom junction with a `name`.
std::vector<tw::object> objects_of(const std::string& release) {
  bool now = release == "2.5";
  std::vector<tw::object> out;
  out.push_back(make_object("company", "companies", "Company", "Companies",
                            {make_field("name", tw::field_type::text),
                             relation_field("taskTargets", "taskTarget")}));
  out.push_back(make_object("person", "people", "Person", "People",
                            {make_field("name", tw::field_type::full_name)}));
  out.push_back(make_object("task", "tasks", "Task", "Tasks",
                            {make_field("title", tw::field_type::text),
                             make_field("bodyV2", tw::field_type::rich_text),
                             relation_field("taskTargets", "taskTarget"),
                             relation_field("attachments", "attachment")}));
  out.back().label_identifier_field = "title";
  out.push_back(make_object("taskTarget", "taskTargets", "Task Target", "Task Targets",
                            {relation_field("task", "task", "taskId"),
                             relation_field(now ? "targetCompany" : "company", "company",
                                            now ? "targetCompanyId" : "companyId"),
                             relation_field(now ? "targetPerson" : "person", "person",
                                            now ? "targetPersonId" : "personId")}));
  // Attachments point at tasks too, but they are records of their own (a file), not links.
  out.push_back(make_object("attachment", "attachments", "Attachment", "Attachments",
                            {make_field("name", tw::field_type::text),
                             make_field("fullPath", tw::field_type::text),
                             relation_field("task", "task", "taskId"),
                             relation_field("company", "company", "companyId")}));
  out.push_back(make_object("project", "projects", "Project", "Projects",
                            {make_field("name", tw::field_type::text),
                             relation_field("projectLinks", "projectLink")}));
  out.push_back(make_object("projectLink", "projectLinks", "Project link", "Project links",
                            {make_field("name", tw::field_type::text),
                             relation_field("project", "project", "projectId"),
                             relation_field("company", "company", "companyId")}));
  for (auto& o : out)
    o.is_custom_guess = o.name_singular.rfind("project", 0) == 0;
  return out;
}

std::string created(const char* key, const std::string& id) {
  return std::string(R"({"data":{")") + key + R"(":{"id":")" + id + R"(","title":"Call","position":0}}})";
}

struct fixture : tool_harness {
  void start_with(const std::string& release) {
    api = std::make_shared<fake_twenty_api>(workspace_schema_ptr(objects_of(release)));
    start();
  }

  std::vector<fake_twenty_api::call> writes() {
    std::vector<fake_twenty_api::call> out;
    for (auto& c : api->calls())
      if (c.kind == call_kind::write)
        out.push_back(c);
    return out;
  }
};

bool contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos)
    return true;
  CAF_MESSAGE("'" << needle << "' not in: " << haystack);
  return false;
}

std::string targets_args(const std::string& object, const std::string& extra_target = "") {
  return R"({"object":")" + object + R"(","data":{"title":"Call"},"targets":[{"object":"companies","id":")"
         + acme_id + R"("},{"object":"person","id":")" + ada_id + "\"}" + extra_target + "]}";
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(linked_creates_tests, fixture)

CAF_TEST(the junction is found from the schema and attachments are not one) {
  auto schema = workspace_schema_ptr(objects_of("2.5"));
  auto j = twenty::find_junction(*schema, *schema->find_object("task"));
  CAF_REQUIRE(j);
  CAF_CHECK_EQUAL(j->link->name_plural, "taskTargets");
  CAF_CHECK_EQUAL(j->owner->join_column, "taskId");
  CAF_REQUIRE(j->target_field("company"));
  CAF_CHECK_EQUAL(j->target_field("company")->join_column, "targetCompanyId");
  auto custom = twenty::find_junction(*schema, *schema->find_object("project"));
  CAF_REQUIRE(custom);
  CAF_CHECK_EQUAL(custom->link->name_plural, "projectLinks");
  CAF_CHECK(!twenty::find_junction(*schema, *schema->find_object("person")));
}

CAF_TEST(a create with targets links each target with the 2.5 names) {
  start_with("2.5");
  api->on(verb::post, "/rest/tasks", 201, created("createTask", task_id));
  api->on(verb::post, "/rest/taskTargets", 201, R"({"data":{"createTaskTarget":{"id":"l1"}}})");
  auto a = call("twenty_create_record", targets_args("tasks"));
  CAF_REQUIRE(!a.is_error());
  auto w = writes();
  CAF_REQUIRE_EQUAL(w.size(), 3u);
  CAF_CHECK_EQUAL(w[0].req.target, "/rest/tasks");
  CAF_CHECK_EQUAL(w[0].req.body, R"({"title":"Call"})");
  CAF_CHECK_EQUAL(w[1].req.target, "/rest/taskTargets");
  CAF_CHECK_EQUAL(w[1].req.body, std::string(R"({"taskId":")") + task_id
                                   + R"(","targetCompanyId":")" + acme_id + "\"}");
  CAF_CHECK_EQUAL(w[2].req.body, std::string(R"({"taskId":")") + task_id
                                   + R"(","targetPersonId":")" + ada_id + "\"}");
  CAF_CHECK_EQUAL(json::stringify(a.structured()),
                  std::string(R"({"object":"tasks","record":{"id":")") + task_id
                    + R"(","title":"Call","targets":[{"object":"companies","id":")" + acme_id
                    + R"("},{"object":"people","id":")" + ada_id + R"("}]}})");
}

CAF_TEST(older releases name the junction columns companyId and personId) {
  start_with("old");
  api->on(verb::post, "/rest/tasks", 201, created("createTask", task_id));
  api->on(verb::post, "/rest/taskTargets", 201, R"({"data":{"createTaskTarget":{"id":"l1"}}})");
  auto a = call("twenty_create_record", targets_args("task"));
  CAF_REQUIRE(!a.is_error());
  auto w = writes();
  CAF_REQUIRE_EQUAL(w.size(), 3u);
  CAF_CHECK_EQUAL(w[1].req.body, std::string(R"({"taskId":")") + task_id + R"(","companyId":")"
                                   + acme_id + "\"}");
  CAF_CHECK_EQUAL(w[2].req.body, std::string(R"({"taskId":")") + task_id + R"(","personId":")"
                                   + ada_id + "\"}");
}

CAF_TEST(a custom object shaped like tasks links through its own junction) {
  start_with("2.5");
  api->on(verb::post, "/rest/projects", 201, created("createProject", task_id));
  api->on(verb::post, "/rest/projectLinks", 201, R"({"data":{"createProjectLink":{"id":"l1"}}})");
  auto a = call("twenty_create_record",
                std::string(R"({"object":"projects","data":{"name":"Apollo"},"targets":[{"object":"companies","id":")")
                  + acme_id + "\"}]}");
  CAF_REQUIRE(!a.is_error());
  auto w = writes();
  CAF_REQUIRE_EQUAL(w.size(), 2u);
  CAF_CHECK_EQUAL(w[1].req.target, "/rest/projectLinks");
  CAF_CHECK_EQUAL(w[1].req.body, std::string(R"({"projectId":")") + task_id + R"(","companyId":")"
                                   + acme_id + "\"}");
}

CAF_TEST(a failed link removes the links made and the record and names the target) {
  start_with("2.5");
  api->on(verb::post, "/rest/tasks", 201, created("createTask", task_id));
  api->on(verb::post, "/rest/taskTargets", [](const tw::request& req) -> tw::outcome {
    if (req.body.find("targetPersonId") != std::string::npos) {
      std::string body = R"({"statusCode":400,"error":"BadRequestException","messages":["Invalid UUID value 'x' for field \"targetPersonId\""]})";
      return tmcp::make_unexpected(tw::classify(400, body));
    }
    return tw::response{201, R"({"data":{"createTaskTarget":{"id":"l1"}}})", {}, {}, {}, {}};
  });
  api->on(verb::del, "/rest/", 200, R"({"data":{"deleteTask":{"id":"x"}}})");
  auto a = call("twenty_create_record", targets_args("tasks"));
  CAF_REQUIRE(a.is_error());
  CAF_CHECK(contains(a.text(), "the task was not kept because a link failed"));
  CAF_CHECK(contains(a.text(), std::string("linking people ") + ada_id + " failed"));
  CAF_CHECK(contains(a.text(), "targetPersonId"));
  auto w = writes();
  CAF_REQUIRE_EQUAL(w.size(), 5u);
  // The company link that was made goes first, then the task itself, for good.
  CAF_CHECK(w[3].req.method == verb::del);
  CAF_CHECK_EQUAL(w[3].req.target, "/rest/taskTargets?filter=id%5Bin%5D%3A%5Bl1%5D");
  CAF_CHECK(w[4].req.method == verb::del);
  CAF_CHECK_EQUAL(w[4].req.target, std::string("/rest/tasks/") + task_id);
}

CAF_TEST(targets are refused before any call when the object or target cannot link) {
  start_with("2.5");
  auto person = call("twenty_create_record",
                     std::string(R"({"object":"people","data":{},"targets":[{"object":"companies","id":")")
                       + acme_id + "\"}]}");
  CAF_CHECK(person.is_error());
  CAF_CHECK(contains(person.text(), "people records cannot have targets"));
  auto project = call("twenty_create_record",
                      std::string(R"({"object":"tasks","data":{"title":"x"},"targets":[{"object":"projects","id":")")
                        + acme_id + "\"}]}");
  CAF_CHECK(project.is_error());
  CAF_CHECK(contains(project.text(), "a task cannot link to 'projects'; it links to companies, people"));
  auto bad_id = call("twenty_create_record",
                     R"({"object":"tasks","data":{"title":"x"},"targets":[{"object":"companies","id":"acme"}]})");
  CAF_CHECK(contains(bad_id.text(), "must be a record UUID"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(batch creates link each created record and report a failed link per item) {
  start_with("2.5");
  const std::string second = "7a000000-0000-4000-8000-000000000002";
  api->on(verb::post, "/rest/batch/tasks", 201,
          std::string(R"({"data":{"createTasks":[{"id":")") + task_id + R"("},{"id":")" + second
            + R"("}]}})");
  api->on(verb::post, "/rest/taskTargets", [&](const tw::request& req) -> tw::outcome {
    if (req.body.find(second) != std::string::npos)
      return tmcp::make_unexpected(tw::classify(400, R"({"statusCode":400,"messages":["nope"]})"));
    return tw::response{201, R"({"data":{"createTaskTarget":{"id":"l1"}}})", {}, {}, {}, {}};
  });
  api->on(verb::del, "/rest/", 200, R"({"data":{"deleteTask":{"id":"x"}}})");
  auto target = std::string(R"([{"object":"companies","id":")") + acme_id + "\"}]";
  auto a = call("twenty_batch_operations",
                R"({"object":"tasks","operation":"create","records":[{"title":"A","targets":)" + target
                  + R"(},{"title":"B","targets":)" + target + "}]}");
  CAF_REQUIRE(!a.is_error());
  auto out = a.structured();
  CAF_CHECK_EQUAL(out["results"][0]["ok"].GetBool(), true);
  CAF_CHECK_EQUAL(out["results"][1]["ok"].GetBool(), false);
  CAF_CHECK(contains(out["results"][1]["error"].GetString(), "removed again"));
  auto w = writes();
  // The batch body carries no targets; the failed record is deleted by id.
  CAF_CHECK_EQUAL(w[0].req.body, R"([{"title":"A"},{"title":"B"}])");
  CAF_CHECK_EQUAL(w.back().req.target, "/rest/tasks/" + second);
}

CAF_TEST(reading targets selects the junction and answers object id and name) {
  start_with("2.5");
  api->on(verb::post, "/graphql task", 200,
          std::string(R"({"data":{"task":{"id":")") + task_id + R"(","title":"Call","taskTargets":{"edges":[
            {"node":{"id":"l1","targetCompany":{"id":")" + acme_id + R"(","name":"Acme"},"targetPerson":null}},
            {"node":{"id":"l2","targetCompany":null,"targetPerson":{"id":")" + ada_id
            + R"(","name":{"firstName":"Ada","lastName":"Lovelace"}}}}]}}}})");
  auto a = call("twenty_get_record", std::string(R"({"object":"tasks","id":")") + task_id
                                       + R"(","fields":["title","targets"]})");
  CAF_REQUIRE(!a.is_error());
  auto reads = api->calls();
  CAF_REQUIRE_EQUAL(reads.size(), 1u);
  CAF_CHECK(contains(reads[0].req.body,
                     "taskTargets { edges { node { id targetCompany { id name } targetPerson { id "
                     "name { firstName lastName } } } } }"));
  CAF_CHECK_EQUAL(json::stringify(a.structured()["record"]),
                  std::string(R"({"title":"Call","targets":[)")
                    + R"({"object":"companies","id":")" + acme_id + R"(","name":"Acme"},)"
                    + R"({"object":"people","id":")" + ada_id + R"(","name":"Ada Lovelace"}]})");
}

CAF_TEST_FIXTURE_SCOPE_END()

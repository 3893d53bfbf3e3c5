// The workspace schema read from real releases (recorded answers of 0.50, 2.5 and 2.19): every
// query form and the REST form give the same objects and relations, and the introspection
// adapts its questions to what each release answers.
#define CAF_SUITE integration.schema_releases
#include "caf/test/unit_test.hpp"

#include <map>
#include <set>
#include <tuple>

#include "integration/graphql_query.hpp"
#include "integration/schema_introspection.hpp"
#include "tests/integration/support/recordings.hpp"

using namespace tmcp;
using namespace tmcp::twenty;

namespace {

using test::load_recording;

std::vector<object> graphql_objects(const std::string& release, const std::string& name) {
  auto p = parse_metadata_page(load_recording(release, name).body);
  if (!p)
    CAF_FAIL(p.error());
  return std::move(p->objects);
}

std::vector<object> rest_objects(const std::string& release) {
  auto p = parse_rest_metadata_objects(load_recording(release, "rest-metadata-objects").body);
  if (!p)
    CAF_FAIL(p.error());
  return std::move(p->objects);
}

// (object, field, direction, target, join column) of every relation field.
using relation_row = std::tuple<std::string, std::string, std::string, std::string, std::string>;

std::set<relation_row> relations_of(const std::vector<object>& objects) {
  std::set<relation_row> out;
  for (auto& o : objects)
    for (auto& f : o.fields)
      if (f.type == field_type::relation)
        out.emplace(o.name_singular, f.name, f.relation_type, f.relation_target_object,
                    f.join_column);
  return out;
}

// A person's company: many-to-one, to company, through companyId.
void check_person_company(const workspace_schema& schema) {
  auto company = schema.find_object("person")->find_field("company");
  CAF_REQUIRE(company != nullptr);
  CAF_CHECK_EQUAL(company->relation_type, "MANY_TO_ONE");
  CAF_CHECK_EQUAL(company->relation_target_object, "company");
  CAF_CHECK_EQUAL(company->join_column, "companyId");
}

// Answers the introspection's requests from recordings, the way a release would.
struct recorded_release {
  std::string release;
  // Which recording answers a request, by a marker of the request.
  std::map<std::string, std::string> by_marker; // "relation {", "relationDefinition", "rest"
  std::vector<request> seen;

  outcome answer(const request& r) {
    seen.push_back(r);
    std::string key = r.target.rfind("/rest/metadata/objects", 0) == 0 ? "rest"
                      : r.body.find("relationDefinition") != std::string::npos
                        ? "relationDefinition"
                        : r.body.find("relation {") != std::string::npos ? "relation {"
                                                                         : "none";
    auto it = by_marker.find(key);
    if (it == by_marker.end())
      return make_unexpected(error{errc::twenty_api_error, 0, "no recording for " + key, ""});
    auto rec = load_recording(release.substr(0, release.find(':')), it->second);
    return rec.response();
  }
};

// Runs an introspection to its end against recorded answers.
std::vector<object> run(introspection& in, recorded_release& server, std::string* failure = nullptr) {
  auto s = in.begin();
  for (int guard = 0; s.what == introspection_step::kind::fetch && guard < 20; ++guard)
    s = in.take(server.answer(s.next));
  if (s.what == introspection_step::kind::failed) {
    if (failure)
      *failure = s.failure.message;
    return {};
  }
  CAF_REQUIRE(s.what == introspection_step::kind::done);
  return in.take_objects();
}

} // namespace

CAF_TEST(the 0.50 relation answer keeps its 39 objects beside one error per relation field) {
  auto p = parse_metadata_page(load_recording("twenty-0.50", "metadata-graphql-relation").body);
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(p->objects.size(), 39u);
  CAF_CHECK_EQUAL(p->field_errors.size(), 150u);
  CAF_CHECK(p->field_errors.front().find("New relation feature is not enabled") != std::string::npos);
  CAF_CHECK(!p->has_next_page);
  auto schema = make_schema(std::move(p->objects), nullptr);
  auto person = schema.find_object("people");
  CAF_REQUIRE(person != nullptr);
  CAF_CHECK(person->find_field("name") != nullptr);
  CAF_CHECK(person->find_field("company")->relation_target_object.empty());
}

CAF_TEST(the 0.50 relationDefinition answer loads 39 objects with their relations) {
  auto objects = graphql_objects("twenty-0.50", "metadata-graphql-relationDefinition");
  CAF_CHECK_EQUAL(objects.size(), 39u);
  auto schema = make_schema(objects, nullptr);
  check_person_company(schema);
  auto people = schema.find_object("company")->find_field("people");
  CAF_REQUIRE(people != nullptr);
  CAF_CHECK_EQUAL(people->relation_type, "ONE_TO_MANY");
  CAF_CHECK_EQUAL(people->relation_target_object, "person");
  CAF_CHECK(people->join_column.empty());
  auto rels = relations_of(objects);
  CAF_CHECK_GREATER(rels.size(), 100u);
  for (auto& r : rels) {
    CAF_CHECK(!std::get<2>(r).empty());
    CAF_CHECK(!std::get<3>(r).empty());
  }
}

CAF_TEST(the 0.50 REST metadata loads the same 39 objects and relations as the GraphQL query) {
  auto rest = rest_objects("twenty-0.50");
  CAF_CHECK_EQUAL(rest.size(), 39u);
  auto graphql = graphql_objects("twenty-0.50", "metadata-graphql-relationDefinition");
  CAF_CHECK_EQUAL(relations_of(rest), relations_of(graphql));
  auto a = make_schema(rest, nullptr);
  auto b = make_schema(graphql, nullptr);
  CAF_CHECK_EQUAL(a.object_names(), b.object_names());
  // 0.50 reports isCustom: its standard objects are not guessed custom from 2.x names, and
  // the workspace's own objects are custom.
  for (auto& o : a.objects)
    CAF_CHECK_EQUAL(o.is_custom_guess, o.name_singular == "pet" || o.name_singular == "surveyResult");
}

CAF_TEST(the 0.50 relation answer completed by relationDefinition equals either full form) {
  recorded_release server{"twenty-0.50",
                          {{"relation {", "metadata-graphql-relation"},
                           // The relations-only question is answered by the full recording,
                           // a superset of it (ids and relationDefinition included).
                           {"relationDefinition", "metadata-graphql-relationDefinition"}},
                          {}};
  introspection in;
  auto objects = run(in, server);
  CAF_CHECK_EQUAL(objects.size(), 39u);
  CAF_CHECK_EQUAL(relations_of(objects), relations_of(rest_objects("twenty-0.50")));
  CAF_REQUIRE_EQUAL(server.seen.size(), 2u);
  CAF_CHECK(server.seen[0].partial_data);
  CAF_CHECK(server.seen[1].body.find("relationDefinition") != std::string::npos);
  CAF_CHECK(server.seen[1].body.find("labelSingular") == std::string::npos); // relations only
  CAF_CHECK_EQUAL(in.release().relations, "relationDefinition");
  CAF_CHECK(in.release().family().find("0.50") != std::string::npos);
  CAF_CHECK(!in.release().notes.empty());
  CAF_CHECK(in.plan().relations == relation_selection::relation_definition);
  // Remembered: the next read asks relationDefinition at once, in one request.
  recorded_release again{"twenty-0.50",
                         {{"relationDefinition", "metadata-graphql-relationDefinition"}},
                         {}};
  introspection next(in.plan());
  auto second = run(next, again);
  CAF_CHECK_EQUAL(again.seen.size(), 1u);
  CAF_CHECK_EQUAL(make_schema(second, nullptr).fingerprint, make_schema(objects, nullptr).fingerprint);
}

CAF_TEST(when relationDefinition is unknown the relations come from the REST metadata) {
  // 0.50's partial answer, a release that refuses relationDefinition (2.5's recorded
  // validation error), then 0.50's REST metadata.
  recorded_release server{"twenty-0.50",
                          {{"relation {", "metadata-graphql-relation"}, {"rest", "rest-metadata-objects"}},
                          {}};
  auto refusal = load_recording("twenty-2.5", "metadata-graphql-relationDefinition");
  introspection in;
  auto s = in.begin();
  s = in.take(server.answer(s.next));
  CAF_REQUIRE(s.what == introspection_step::kind::fetch);
  CAF_CHECK(s.next.body.find("relationDefinition") != std::string::npos);
  s = in.take(refusal.response());
  CAF_REQUIRE(s.what == introspection_step::kind::fetch);
  CAF_CHECK(s.next.method == verb::get);
  CAF_CHECK_EQUAL(s.next.target, "/rest/metadata/objects");
  s = in.take(server.answer(s.next));
  CAF_REQUIRE(s.what == introspection_step::kind::done);
  auto objects = in.take_objects();
  CAF_CHECK_EQUAL(objects.size(), 39u);
  CAF_CHECK_EQUAL(relations_of(objects),
                  relations_of(graphql_objects("twenty-0.50", "metadata-graphql-relationDefinition")));
  CAF_CHECK_EQUAL(in.release().relations, "rest");
  CAF_CHECK(in.plan().rest);
}

CAF_TEST(the 2.5 and 2.19 relation answers load 33 objects in one request) {
  for (auto release : {"twenty-2.5", "twenty-2.19"}) {
    recorded_release server{release, {{"relation {", "metadata-graphql-relation"}}, {}};
    introspection in;
    auto objects = run(in, server);
    CAF_CHECK_EQUAL(objects.size(), 33u);
    CAF_CHECK_EQUAL(server.seen.size(), 1u);
    CAF_CHECK_EQUAL(in.release().relations, "relation");
    auto schema = make_schema(objects, nullptr);
    check_person_company(schema);
    // The REST form of the same release has the same objects and relation directions.
    auto rest = make_schema(rest_objects(release), nullptr);
    CAF_CHECK_EQUAL(rest.object_names(), schema.object_names());
    CAF_CHECK_EQUAL(rest.find_object("person")->find_field("company")->relation_type, "MANY_TO_ONE");
  }
  // What changed from 2.5 to 2.19 is data: people lost city and gained listMemberships.
  auto p25 = make_schema(graphql_objects("twenty-2.5", "metadata-graphql-relation"), nullptr);
  auto p219 = make_schema(graphql_objects("twenty-2.19", "metadata-graphql-relation"), nullptr);
  CAF_CHECK(p25.find_object("person")->find_field("city") != nullptr);
  CAF_CHECK(p219.find_object("person")->find_field("city") == nullptr);
  CAF_CHECK(p219.find_object("person")->find_field("listMemberships") != nullptr);
}

CAF_TEST(an isCustom the release does not know is dropped from the question) {
  // 2.19 removed isCustom; the error has the form of the recorded validation errors.
  auto refusal = R"({"errors":[{"message":"Cannot query field \"isCustom\" on type \"Object\".",)"
                 R"("locations":[{"line":1,"column":120}]}]})";
  introspection in(introspection_plan{relation_selection::relation, true, false});
  auto s = in.begin();
  CAF_CHECK(s.next.body.find("isCustom") != std::string::npos);
  s = in.take(response{200, refusal, {}, {}, {}, {}});
  CAF_REQUIRE(s.what == introspection_step::kind::fetch);
  CAF_CHECK(s.next.body.find("isCustom") == std::string::npos);
  s = in.take(load_recording("twenty-2.19", "metadata-graphql-relation").response());
  CAF_REQUIRE(s.what == introspection_step::kind::done);
  CAF_CHECK_EQUAL(in.take_objects().size(), 33u);
  CAF_CHECK(!in.plan().is_custom);
  CAF_CHECK(!in.release().reports_is_custom);
}

CAF_TEST(a remembered way that fails is probed again from the newest once) {
  recorded_release server{"twenty-2.5",
                          {{"relation {", "metadata-graphql-relation"},
                           {"relationDefinition", "metadata-graphql-relationDefinition"}},
                          {}};
  introspection in(introspection_plan{relation_selection::relation_definition, false, false});
  auto objects = run(in, server);
  CAF_CHECK_EQUAL(objects.size(), 33u);
  CAF_CHECK_EQUAL(server.seen.size(), 2u);
  CAF_CHECK(in.plan() == introspection_plan{});
  // Without a remembered way, a failure is final (no loop).
  recorded_release broken{"twenty-2.5", {}, {}};
  introspection fresh;
  std::string failure;
  CAF_CHECK(run(fresh, broken, &failure).empty());
  CAF_CHECK_EQUAL(broken.seen.size(), 1u);
  CAF_CHECK(failure.find("no recording") != std::string::npos);
}

CAF_TEST(unknown selections are read from validation errors) {
  CAF_CHECK_EQUAL(unknown_selections(R"(Cannot query field "relationDefinition" on type "Field".)"),
                  std::vector<std::string>{"relationDefinition"});
  CAF_CHECK(unknown_selections("Forbidden resource").empty());
}

CAF_TEST(the 2.x junction targets are morph relations read as many to one relations) {
  for (auto release : {"twenty-2.5", "twenty-2.19"}) {
    auto s = make_schema(graphql_objects(release, "metadata-graphql-relation"), nullptr);
    auto task = s.find_object("task");
    CAF_REQUIRE(task != nullptr);
    auto j = find_junction(s, *task);
    CAF_REQUIRE(j.has_value());
    CAF_CHECK_EQUAL(j->link->name_singular, "taskTarget");
    auto company = j->target_field("company");
    CAF_REQUIRE(company != nullptr);
    CAF_CHECK_EQUAL(company->name, "targetCompany");
    CAF_CHECK_EQUAL(company->join_column, "targetCompanyId");
    CAF_CHECK_EQUAL(company->type_name, "MORPH_RELATION");
    // The longest object name wins: targetPetCareAgreement is not a link to pets.
    auto agreement = j->target_field("petCareAgreement");
    CAF_REQUIRE(agreement != nullptr);
    CAF_CHECK_EQUAL(agreement->name, "targetPetCareAgreement");
    CAF_CHECK_EQUAL(j->target_field("pet")->name, "targetPet");
  }
}

#define CAF_SUITE integration.schema_model
#include "caf/test/unit_test.hpp"


#include <rapidjson/document.h>

#include "integration/schema_model.hpp"
#include "tests/integration/support/recorded_schema.hpp"

using namespace tmcp;
using namespace tmcp::twenty;

namespace {

using test::read_data;

metadata_page page(const std::string& name) {
  auto p = parse_metadata_page(read_data(name));
  if (!p)
    CAF_FAIL(p.error());
  return std::move(*p);
}

// Both recorded pages (4 + 2 objects) as one snapshot.
workspace_schema recorded_schema() {
  auto objects = page("metadata_page.json").objects;
  for (auto& o : page("metadata_page2.json").objects)
    objects.push_back(std::move(o));
  return make_schema(std::move(objects), nullptr);
}

} // namespace

CAF_TEST(a recorded metadata page parses into objects with fields and a next cursor) {
  auto p = page("metadata_page.json");
  CAF_REQUIRE_EQUAL(p.objects.size(), 4u);
  CAF_CHECK(p.has_next_page);
  CAF_CHECK_EQUAL(p.end_cursor, "YXJyYXljb25uZWN0aW9uOjM=");
  auto& company = p.objects[0];
  CAF_CHECK_EQUAL(company.name_singular, "company");
  CAF_CHECK_EQUAL(company.name_plural, "companies");
  CAF_CHECK_EQUAL(company.label_plural, "Companies");
  CAF_CHECK_EQUAL(company.label_identifier_field, "name");
  CAF_CHECK(!company.is_custom_guess);
  CAF_CHECK_EQUAL(company.fields.size(), 17u);
  auto domain = company.find_field("domainName");
  CAF_REQUIRE(domain != nullptr);
  CAF_CHECK(domain->type == field_type::links);
  CAF_CHECK(domain->is_unique);
  CAF_CHECK_EQUAL(p.objects[3].label_identifier_field, "title");
  auto last = page("metadata_page2.json");
  CAF_CHECK(!last.has_next_page);
  CAF_CHECK_EQUAL(last.objects.size(), 2u);
  CAF_CHECK(last.objects[0].is_custom_guess); // pet
  CAF_CHECK(!last.objects[1].is_custom_guess); // task
}

CAF_TEST(many to one relations get their join column and one to many relations none) {
  auto s = recorded_schema();
  auto person = s.find_object("person");
  CAF_REQUIRE(person != nullptr);
  auto company = person->find_field("company");
  CAF_REQUIRE(company != nullptr);
  CAF_CHECK_EQUAL(company->relation_type, "MANY_TO_ONE");
  CAF_CHECK_EQUAL(company->relation_target_object, "company");
  CAF_CHECK_EQUAL(company->join_column, "companyId");
  CAF_CHECK(person->find_field("companyId") == company);
  auto opps = person->find_field("pointOfContactForOpportunities");
  CAF_REQUIRE(opps != nullptr);
  CAF_CHECK_EQUAL(opps->relation_type, "ONE_TO_MANY");
  CAF_CHECK(opps->join_column.empty());
}

CAF_TEST(a relation without settings falls back to the name plus Id) {
  auto body = R"({"data":{"objects":{"edges":[{"node":{"id":"o1","nameSingular":"pet",
    "namePlural":"pets","fields":{"edges":[{"node":{"id":"f1","name":"owner","type":"RELATION",
    "relation":{"type":"MANY_TO_ONE","targetObjectMetadata":{"nameSingular":"person"}}}}]}}}],
    "pageInfo":{"hasNextPage":false,"endCursor":null}}}})";
  auto p = parse_metadata_page(body);
  CAF_REQUIRE(p.has_value());
  CAF_CHECK_EQUAL(p->objects.at(0).fields.at(0).join_column, "ownerId");
  CAF_CHECK(p->end_cursor.empty());
}

CAF_TEST(select options and default values are kept) {
  auto s = recorded_schema();
  auto stage = s.find_object("opportunities")->find_field("stage");
  CAF_REQUIRE(stage != nullptr);
  CAF_CHECK(stage->type == field_type::select);
  CAF_REQUIRE_EQUAL(stage->options.size(), 5u);
  CAF_CHECK_EQUAL(stage->options[3].value, "PROPOSAL");
  CAF_CHECK_EQUAL(stage->options[3].label, "Proposal");
  CAF_CHECK_EQUAL(stage->default_value_json, "\"'NEW'\"");
  CAF_CHECK(stage->has_default());
  CAF_CHECK(!stage->nullable);
  auto name = s.find_object("opportunity")->find_field("name");
  CAF_CHECK(!name->has_default());
}

CAF_TEST(graphql errors and malformed answers become error strings) {
  auto e = parse_metadata_page(
    R"({"errors":[{"message":"Cannot query field \"isCustom\" on type \"Object\".",
        "extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}],"data":null})");
  CAF_REQUIRE(!e.has_value());
  CAF_CHECK(e.error().find("isCustom") != std::string::npos);
  CAF_CHECK(e.error().find("GRAPHQL_VALIDATION_FAILED") != std::string::npos);
  auto bad = parse_metadata_page("<html>502</html>");
  CAF_REQUIRE(!bad.has_value());
  CAF_CHECK(bad.error().find("not JSON") != std::string::npos);
  CAF_CHECK(!parse_metadata_page(R"({"data":{}})").has_value());
}

CAF_TEST(the metadata query pages by a thousand and asks for no isCustom) {
  auto first = metadata_objects_query("");
  rapidjson::Document d;
  d.Parse(first.c_str());
  CAF_REQUIRE(!d.HasParseError() && d.HasMember("query"));
  std::string q = d["query"].GetString();
  CAF_CHECK(q.find("objects(paging: {first: 1000})") != std::string::npos);
  CAF_CHECK(q.find("fields(paging: {first: 1000})") != std::string::npos);
  CAF_CHECK(q.find("pageInfo { hasNextPage endCursor }") != std::string::npos);
  CAF_CHECK(q.find("relation { type targetObjectMetadata") != std::string::npos);
  CAF_CHECK(q.find("isCustom") == std::string::npos);
  CAF_CHECK(q.find("after") == std::string::npos);
  auto next = metadata_objects_query("YXJy\"x");
  d.Parse(next.c_str());
  CAF_REQUIRE(!d.HasParseError());
  q = d["query"].GetString();
  CAF_CHECK(q.find(R"(after: "YXJy\"x")") != std::string::npos);
}

CAF_TEST(rich text is composite on new servers and text only beside RICH_TEXT_V2) {
  auto s = recorded_schema();
  auto body = s.find_object("note")->find_field("bodyV2");
  CAF_CHECK(body->type == field_type::rich_text);
  CAF_CHECK(is_composite(body->type));
  auto old_body = R"({"data":{"objects":{"edges":[{"node":{"id":"o1","nameSingular":"note",
    "namePlural":"notes","fields":{"edges":[
      {"node":{"id":"f1","name":"body","type":"RICH_TEXT"}},
      {"node":{"id":"f2","name":"bodyV2","type":"RICH_TEXT_V2"}}]}}}]}}})";
  auto p = parse_metadata_page(old_body);
  CAF_REQUIRE(p.has_value());
  auto old = make_schema(p->objects, nullptr);
  auto& note = old.objects.at(0);
  CAF_CHECK(note.find_field("body")->type == field_type::rich_text_deprecated);
  CAF_CHECK(note.find_field("bodyV2")->type == field_type::rich_text_v2);
  auto in = record_input_schema(note, input_mode::create);
  CAF_CHECK(in.find(R"("body":{"type":"string"})") != std::string::npos);
  CAF_CHECK(in.find(R"("bodyV2":{"type":"object")") != std::string::npos);
  CAF_CHECK(in.find("markdown") != std::string::npos);
  CAF_CHECK(parse_field_type("RICH_TEXT_DEPRECATED") == field_type::rich_text_deprecated);
  CAF_CHECK(parse_field_type("SOMETHING_NEW") == field_type::unknown);
}

CAF_TEST(the fingerprint ignores order and changes with content) {
  auto a = page("metadata_page.json").objects;
  auto b = a;
  std::reverse(b.begin(), b.end());
  for (auto& o : b)
    std::reverse(o.fields.begin(), o.fields.end());
  CAF_CHECK_EQUAL(schema_fingerprint(a), schema_fingerprint(b));
  CAF_CHECK_EQUAL(schema_fingerprint(a).size(), 16u);
  auto first = make_schema(a, nullptr);
  CAF_CHECK_EQUAL(first.version, 1u);
  auto same = make_schema(b, &first);
  CAF_CHECK_EQUAL(same.version, 1u);
  CAF_CHECK_EQUAL(same.fingerprint, first.fingerprint);
  auto c = a;
  CAF_REQUIRE_EQUAL(c[2].fields[11].name, "stage");
  c[2].fields[11].options.push_back({"LOST", "Lost"});
  auto changed = make_schema(c, &same);
  CAF_CHECK_NOT_EQUAL(changed.fingerprint, first.fingerprint);
  CAF_CHECK_EQUAL(changed.version, 2u);
  auto d = a;
  d[0].fields[9].description = "another description";
  CAF_CHECK_NOT_EQUAL(schema_fingerprint(d), first.fingerprint);
}

CAF_TEST(objects are found by singular or plural name and listed by plural) {
  auto s = recorded_schema();
  CAF_CHECK(s.find_object("people") == s.find_object("person"));
  CAF_CHECK(s.find_object("people") != nullptr);
  CAF_CHECK(s.find_object("persons") == nullptr);
  auto names = s.object_names();
  std::vector<std::string> expected{"companies", "notes", "opportunities", "people", "pets", "tasks"};
  CAF_CHECK_EQUAL(names, expected);
}

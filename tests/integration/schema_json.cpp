#define CAF_SUITE integration.schema_json
#include "caf/test/unit_test.hpp"

#include <rapidjson/document.h>
#include <rapidjson/schema.h>

#include "integration/schema_model.hpp"
#include "tests/integration/support/recorded_schema.hpp"

using namespace tmcp;
using namespace tmcp::twenty;

namespace {

struct fixture : test::recorded_schema {};

// Validates `instance` against `schema_text` with RapidJSON's draft-04 validator.
bool valid(const std::string& schema_text, const char* instance) {
  rapidjson::Document sd;
  sd.Parse(schema_text.c_str());
  CAF_REQUIRE(!sd.HasParseError());
  rapidjson::SchemaDocument sdoc(sd);
  rapidjson::Document d;
  d.Parse(instance);
  CAF_REQUIRE(!d.HasParseError());
  rapidjson::SchemaValidator v(sdoc);
  return d.Accept(v);
}

rapidjson::Document parsed(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  CAF_REQUIRE(!d.HasParseError());
  return d;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(schema_json_tests, fixture)

CAF_TEST(create requires non nullable fields without defaults and update requires nothing) {
  auto create = record_input_schema(obj("opportunity"), input_mode::create);
  auto update = record_input_schema(obj("opportunity"), input_mode::update);
  auto d = parsed(create);
  CAF_REQUIRE(d.HasMember("required"));
  CAF_REQUIRE_EQUAL(d["required"].Size(), 1u); // name; stage has a default
  CAF_CHECK_EQUAL(std::string(d["required"][0].GetString()), "name");
  CAF_CHECK(!parsed(update).HasMember("required"));
  CAF_CHECK(!valid(create, R"({"stage":"NEW"})"));
  CAF_CHECK(valid(create, R"({"name":"Big deal","stage":"MEETING"})"));
  CAF_CHECK(valid(update, R"({"stage":"NEW"})"));
  // A non-nullable MANY_TO_ONE relation is required through its join column.
  auto pet = parsed(record_input_schema(obj("pet"), input_mode::create));
  std::vector<std::string> required;
  for (auto& r : pet["required"].GetArray())
    required.push_back(r.GetString());
  CAF_CHECK_EQUAL(required, (std::vector<std::string>{"species", "ownerId"}));
}

CAF_TEST(select values outside the options and unknown properties are rejected) {
  auto update = record_input_schema(obj("opportunity"), input_mode::update);
  CAF_CHECK(!valid(update, R"({"stage":"PROPSAL"})"));
  CAF_CHECK(!valid(update, R"({"nmae":"x"})"));
  CAF_CHECK(!valid(update, R"({"amount":{"amountMicros":1.5}})"));
  CAF_CHECK(!valid(update, R"({"amount":{"amount":5}})"));
  CAF_CHECK(valid(update, R"({"amount":{"amountMicros":1500000,"currencyCode":"EUR"}})"));
  auto pet = record_input_schema(obj("pet"), input_mode::update);
  CAF_CHECK(valid(pet, R"({"traits":["CALM"],"cuteness":"RATING_4","vaccinated":true,
                          "legs":4,"weight":3.5,"nicknames":["Rex"],"extra":{"a":[1]},
                          "birthday":"2020-01-31","chipId":"0c000000-0000-4000-8000-000000000001"})"));
  CAF_CHECK(!valid(pet, R"({"traits":["LAZY"]})"));
  CAF_CHECK(!valid(pet, R"({"cuteness":"RATING_9"})"));
  CAF_CHECK(!valid(pet, R"({"vaccinated":"yes"})"));
  CAF_CHECK(!valid(pet, R"({"nicknames":"Rex"})"));
  CAF_CHECK(!valid(pet, R"({"oldNotes":"inactive fields are not writable"})"));
}

CAF_TEST(composite fields are nested objects with their subfields) {
  auto person = record_input_schema(obj("person"), input_mode::create);
  CAF_CHECK(valid(person, R"({"name":{"firstName":"Ada","lastName":"Lovelace"},
    "emails":{"primaryEmail":"ada@x.com","additionalEmails":["a@b.c"]},
    "phones":{"primaryPhoneNumber":"612345678","primaryPhoneCountryCode":"FR",
              "primaryPhoneCallingCode":"+33","additionalPhones":[{"number":"1","countryCode":"US","callingCode":"+1"}]},
    "linkedinLink":{"primaryLinkUrl":"https://l.in/ada","secondaryLinks":[{"url":"u","label":"l"}]},
    "jobTitle":"Countess","companyId":"0c000000-0000-4000-8000-000000000002"})"));
  CAF_CHECK(!valid(person, R"({"name":{"fristName":"Ada"}})"));
  CAF_CHECK(!valid(person, R"({"name":"Ada Lovelace"})"));
  CAF_CHECK(!valid(person, R"({"emails":{"additionalEmails":"a@b.c"}})"));
  auto company = record_input_schema(obj("company"), input_mode::update);
  CAF_CHECK(valid(company, R"({"address":{"addressCity":"Paris","addressLat":48.85},
                              "domainName":{"primaryLinkUrl":"https://acme.com"}})"));
  CAF_CHECK(!valid(company, R"({"address":{"addressLat":"north"}})"));
  auto note = record_input_schema(obj("note"), input_mode::create);
  CAF_CHECK(valid(note, R"({"title":"Call","bodyV2":{"markdown":"# Notes"}})"));
  CAF_CHECK(!valid(note, R"({"bodyV2":"# Notes"})"));
}

CAF_TEST(system fields one to many relations and relation objects are not inputs) {
  auto d = parsed(record_input_schema(obj("person"), input_mode::update));
  auto& props = d["properties"];
  for (auto name : {"id", "createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy",
                    "position", "searchVector", "avatarUrl", "company",
                    "pointOfContactForOpportunities"})
    CAF_CHECK_EQUAL(props.HasMember(name), false);
  CAF_REQUIRE(props.HasMember("companyId"));
  auto& company_id = props["companyId"];
  CAF_CHECK_EQUAL(std::string(company_id["format"].GetString()), "uuid");
  CAF_CHECK(std::string(company_id["description"].GetString()).find("company")
            != std::string::npos);
  // Update mode may detach a relation with null; create mode wants an id.
  auto update = record_input_schema(obj("person"), input_mode::update);
  auto create = record_input_schema(obj("person"), input_mode::create);
  CAF_CHECK(valid(update, R"({"companyId":null})"));
  CAF_CHECK(!valid(create, R"({"companyId":null})"));
  CAF_CHECK(!valid(create, R"({"id":"0c000000-0000-4000-8000-000000000002"})"));
}

CAF_TEST(descriptions carry labels and descriptions only when they add something) {
  auto d = parsed(record_input_schema(obj("company"), input_mode::update));
  auto& props = d["properties"];
  CAF_CHECK_EQUAL(std::string(props["annualRevenue"]["description"].GetString()),
                  "ARR: Annual recurring revenue");
  CAF_CHECK_EQUAL(std::string(props["name"]["description"].GetString()), "The company name");
  CAF_CHECK(!props["address"].HasMember("description")); // label "Address" == name
  auto& tier = props["tier"]["enum"];
  CAF_CHECK_EQUAL(tier.Size(), 3u);
}

CAF_TEST(every input and output schema compiles and stays compact) {
  for (auto& o : schema.objects) {
    for (auto text : {record_input_schema(o, input_mode::create),
                      record_input_schema(o, input_mode::update), record_output_schema(o)}) {
      auto d = parsed(text);
      rapidjson::SchemaDocument compiled(d); // must not crash; draft-04 keywords only
      CAF_CHECK(text.find("$ref") == std::string::npos);
      CAF_CHECK_LESS(text.size(), 3000u);
    }
  }
}

CAF_TEST(the output schema accepts a record as Twenty returns it) {
  auto out = record_output_schema(obj("person"));
  CAF_CHECK(valid(out, R"({"id":"0c000000-0000-4000-8000-000000000002","createdAt":"2026-01-01T10:00:00.000Z",
    "deletedAt":null,"name":{"firstName":"Ada","lastName":"Lovelace"},
    "emails":{"primaryEmail":"ada@x.com","additionalEmails":null},"jobTitle":"","position":1,
    "createdBy":{"source":"API","workspaceMemberId":null,"name":"key","context":{}},
    "companyId":null,"company":{"id":"c1","name":"Acme"},"pointOfContactForOpportunities":[],
    "somethingNew":42})"));
  CAF_CHECK(!valid(out, R"({"name":"Ada"})"));
  CAF_CHECK(!valid(out, R"({"companyId":7})"));
}

CAF_TEST_FIXTURE_SCOPE_END()

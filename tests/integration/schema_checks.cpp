#define CAF_SUITE integration.schema_checks
#include "caf/test/unit_test.hpp"

#include <chrono>

#include "integration/schema_model.hpp"
#include "tests/integration/support/recorded_schema.hpp"

using namespace tmcp;
using namespace tmcp::twenty;

namespace {

struct fixture : test::recorded_schema {
  // The error for a filter on `object`, or "" when it is fine.
  std::string filter(const char* object, const char* text) {
    auto e = check_filter(obj(object), text);
    return e ? *e : std::string{};
  }
};

bool contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos)
    return true;
  CAF_MESSAGE("'" << needle << "' not in: " << haystack);
  return false;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(schema_checks_tests, fixture)

CAF_TEST(field names accept composite paths and join columns) {
  auto ok = check_field_names(obj("person"),
                              {"name", "name.firstName", "emails.primaryEmail", "companyId", "id",
                               "createdAt", "company"});
  CAF_CHECK(!ok);
}

CAF_TEST(an unknown field name gets a did you mean suggestion) {
  auto e = check_field_names(obj("person"), {"emial"});
  CAF_REQUIRE(e);
  CAF_CHECK_EQUAL(*e, "unknown field 'emial' on person; did you mean 'emails'?");
  auto join = check_field_names(obj("person"), {"compnyId"});
  CAF_REQUIRE(join);
  CAF_CHECK(contains(*join, "did you mean 'companyId'?"));
  auto far = check_field_names(obj("note"), {"zzzzzzzz"});
  CAF_REQUIRE(far);
  CAF_CHECK(contains(*far, "fields of note: "));
  CAF_CHECK(contains(*far, "bodyV2"));
}

CAF_TEST(a wrong subfield or a subfield of a plain field is reported) {
  auto e = check_field_names(obj("person"), {"name.fristName"});
  CAF_REQUIRE(e);
  CAF_CHECK_EQUAL(*e, "unknown subfield 'fristName' of name (FULL_NAME) on person; did you mean "
                      "'firstName'?");
  auto plain = check_field_names(obj("person"), {"jobTitle.x"});
  CAF_REQUIRE(plain);
  CAF_CHECK(contains(*plain, "has no subfields"));
  auto both = check_field_names(obj("person"), {"emial", "name.lastName", "jobTitel"});
  CAF_REQUIRE(both);
  CAF_CHECK(contains(*both, "'emails'"));
  CAF_CHECK(contains(*both, "'jobTitle'"));
}

CAF_TEST(valid filters pass) {
  CAF_CHECK_EQUAL(filter("people", ""), "");
  CAF_CHECK_EQUAL(filter("people", R"(name.firstName[ilike]:"%ada%")"), "");
  CAF_CHECK_EQUAL(filter("people", R"(and(emails.primaryEmail[eq]:"a,b@x.com",not(jobTitle[is]:NULL)))"), "");
  CAF_CHECK_EQUAL(filter("opportunities", "stage[in]:[NEW,'MEETING'],amount.amountMicros[gte]:10"), "");
  CAF_CHECK_EQUAL(filter("opportunities", "or(stage[eq]:PROPOSAL,closeDate[lt]:2026-01-01)"), "");
  CAF_CHECK_EQUAL(filter("people", "companyId[eq]:0c000000-0000-4000-8000-000000000002"), "");
  CAF_CHECK_EQUAL(filter("people", "deletedAt[is]:NOT_NULL"), "");
  CAF_CHECK_EQUAL(filter("pets", "traits[containsAny]:[PLAYFUL]"), "");
}

CAF_TEST(a filter on an unknown field suggests the right one) {
  auto e = filter("people", R"(and(emial.primaryEmail[eq]:x,jobTitle[eq]:CEO))");
  CAF_CHECK_EQUAL(e, "unknown field 'emial' on person; did you mean 'emails'?");
}

CAF_TEST(an unknown operator lists the valid ones) {
  auto e = filter("people", "jobTitle[equals]:CEO");
  CAF_CHECK(contains(e, "unknown operator 'equals' in 'jobTitle[equals]'; did you mean 'eq'? "
                        "valid operators: eq, neq"));
  auto far = filter("people", "jobTitle[zz]:CEO");
  CAF_CHECK(contains(far, "valid operators: eq, neq, in, containsAny, is"));
  CAF_CHECK(contains(far, "ilike"));
}

CAF_TEST(a select value that is not an option suggests the closest option) {
  auto e = filter("opportunities", "stage[eq]:PROPSAL");
  CAF_CHECK_EQUAL(e, "'PROPSAL' is not an option of opportunity.stage; did you mean 'PROPOSAL'?");
  auto list = filter("opportunities", "stage[in]:[NEW,WON]");
  CAF_CHECK(contains(list, "'WON' is not an option of opportunity.stage; one of: NEW, SCREENING"));
  CAF_CHECK(!contains(list, "'NEW'"));
}

CAF_TEST(malformed filters and misused operators are explained) {
  CAF_CHECK(contains(filter("people", "jobTitle:CEO"), "malformed filter"));
  CAF_CHECK(contains(filter("people", "and(jobTitle[eq]:CEO"), "missing ')'"));
  CAF_CHECK(contains(filter("people", "jobTitle[eq]:CEO)"), "unbalanced ')'"));
  CAF_CHECK(contains(filter("people", R"(jobTitle[eq]:"CEO)"), "unterminated quote"));
  CAF_CHECK(contains(filter("people", "xor(jobTitle[eq]:CEO)"), "unknown conjunction 'xor('"));
  CAF_CHECK(contains(filter("people", "jobTitle[in]:CEO"), "'in' needs a list value"));
  CAF_CHECK(contains(filter("people", "jobTitle[is]:EMPTY"), "'is' takes NULL or NOT_NULL"));
  CAF_CHECK(contains(filter("people", "not(jobTitle[eq]:a,jobTitle[eq]:b)"),
                     "not(...) takes exactly one condition, got 2"));
  CAF_CHECK(contains(filter("people", "company[eq]:abc"), "through its id: companyId[eq]:<uuid>"));
  CAF_CHECK(contains(filter("people", "name[eq]:Ada"),
                     "is FULL_NAME; filter on a subfield: name.firstName, name.lastName"));
}

CAF_TEST(order by checks fields and directions) {
  CAF_CHECK(!check_order_by(obj("people"), "createdAt[DescNullsLast],name.lastName,jobTitle[AscNullsFirst]"));
  auto dir = check_order_by(obj("people"), "createdAt[DescNullLast]");
  CAF_REQUIRE(dir);
  CAF_CHECK(contains(*dir, "did you mean 'DescNullsLast'?"));
  auto field = check_order_by(obj("people"), "createdat[AscNullsFirst]");
  CAF_REQUIRE(field);
  CAF_CHECK(contains(*field, "did you mean 'createdAt'?"));
}

CAF_TEST(deeply nested conjunctions are refused without exhausting the stack) {
  std::string deep;
  for (int i = 0; i < 200000; ++i)
    deep += "and(";
  auto e = filter("person", deep.c_str());
  CAF_CHECK(contains(e, "conjunctions nested deeper than 32 levels"));
  std::string ok = "jobTitle[eq]:x";
  for (int i = 0; i < 30; ++i)
    ok = "and(" + ok + ")";
  CAF_CHECK_EQUAL(filter("person", ok.c_str()), "");
}

CAF_TEST(a megabyte of bad conditions costs linear time and a short answer) {
  std::string many;
  for (int i = 0; i < 100000; ++i)
    many += (i ? "," : "") + std::string("nope") + std::to_string(i) + "[eq]:1";
  auto t0 = std::chrono::steady_clock::now();
  auto e = filter("person", many.c_str());
  auto order = check_order_by(obj("person"), many);
  std::vector<std::string> names(100000, std::string(1 << 10, 'z'));
  auto fields = check_field_names(obj("person"), names);
  CAF_CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  CAF_CHECK(contains(e, "unknown field 'nope0'"));
  CAF_CHECK(contains(e, ", ..."));
  CAF_CHECK_LESS(e.size(), 20000u);
  CAF_REQUIRE(order && fields);
  CAF_CHECK_LESS(order->size(), 20000u);
  CAF_CHECK_LESS(fields->size(), 100000u);
}

CAF_TEST(an unknown object is answered with the closest plural name or the list) {
  CAF_CHECK_EQUAL(suggest_object(schema, "people"), "");
  CAF_CHECK_EQUAL(suggest_object(schema, "company"), "");
  CAF_CHECK_EQUAL(suggest_object(schema, "compnay"), "unknown object 'compnay'; did you mean 'companies'?");
  CAF_CHECK_EQUAL(suggest_object(schema, "oportunities"),
                  "unknown object 'oportunities'; did you mean 'opportunities'?");
  CAF_CHECK_EQUAL(suggest_object(schema, "invoices"),
                  "unknown object 'invoices'; available objects: companies, notes, opportunities, "
                  "people, pets, tasks");
}

CAF_TEST_FIXTURE_SCOPE_END()

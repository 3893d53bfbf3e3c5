#define CAF_SUITE standin.rest
#include "caf/test/unit_test.hpp"

#include "support.hpp"

using namespace standin;
using namespace standin::test;

namespace {

struct rest_fixture {
  workspace ws;
  std::string first_company() { return ws.call("GET", "/rest/companies?limit=1").str("/data/companies/0/id"); }
};

// Top-level keys of an object, in order.
std::vector<std::string> keys(const json_value* v) {
  std::vector<std::string> out;
  if (v && v->IsObject())
    for (auto m = v->MemberBegin(); m != v->MemberEnd(); ++m) out.push_back(m->name.GetString());
  return out;
}

using strings = std::vector<std::string>;

}  // namespace

CAF_TEST_FIXTURE_SCOPE(rest_tests, rest_fixture)

CAF_TEST(find many has the twenty envelope) {
  auto r = ws.call("GET", "/rest/companies?limit=3");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK(keys(&r.json) == (strings{"data", "totalCount", "pageInfo"}));
  CAF_CHECK(keys(r.at("/pageInfo")) == (strings{"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}));
  CAF_CHECK_EQUAL(r.size("/data/companies"), 3u);
  CAF_CHECK_EQUAL(r.num("/totalCount"), 50);
  CAF_CHECK_EQUAL(r.str("/pageInfo/hasNextPage"), "true");
  CAF_CHECK_EQUAL(r.str("/pageInfo/hasPreviousPage"), "false");
}

CAF_TEST(a record at depth zero has the documented columns in order) {
  auto r = ws.call("GET", "/rest/people?limit=1");
  auto k = keys(r.at("/data/people/0"));
  CAF_CHECK(k == (strings{"id", "createdAt", "updatedAt", "deletedAt", "name", "emails", "linkedinLink", "jobTitle",
                          "phones", "avatarUrl", "position", "searchVector", "createdBy", "updatedBy", "companyId"}));
  CAF_CHECK(keys(r.at("/data/people/0/phones")) == (strings{"primaryPhoneNumber", "primaryPhoneCountryCode",
                                                            "primaryPhoneCallingCode", "additionalPhones"}));
  auto created = r.str("/data/people/0/createdAt");
  CAF_CHECK_EQUAL(created.size(), 24u);
  CAF_CHECK_EQUAL(created.back(), 'Z');
}

CAF_TEST(create returns 201 and the createX envelope with an API actor) {
  auto r = ws.call("POST", "/rest/people", R"({"name":{"firstName":"Ada","lastName":"Lovelace"},"emails":{"primaryEmail":"ada@x.com"}})");
  CAF_CHECK_EQUAL(r.status, 201);
  CAF_CHECK(keys(r.at("/data")) == (strings{"createPerson"}));
  CAF_CHECK_EQUAL(r.str("/data/createPerson/name/firstName"), "Ada");
  CAF_CHECK_EQUAL(r.str("/data/createPerson/createdBy/source"), "API");
  CAF_CHECK_EQUAL(r.str("/data/createPerson/createdAt"), "2026-01-01T00:00:00.000Z");
  CAF_CHECK_EQUAL(r.str("/data/createPerson/emails/additionalEmails"), "null");
  auto id = r.str("/data/createPerson/id");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people/" + id).str("/data/person/emails/primaryEmail"), "ada@x.com");
}

CAF_TEST(batch create uses the plural key and enforces its limits) {
  auto r = ws.call("POST", "/rest/batch/people", R"([{"jobTitle":"A"},{"jobTitle":"B"}])");
  CAF_CHECK_EQUAL(r.status, 201);
  CAF_CHECK_EQUAL(r.size("/data/createPeople"), 2u);
  CAF_CHECK_EQUAL(ws.call("POST", "/rest/batch/people", "{}").str("/messages/0"), "Body must be an array");
  CAF_CHECK_EQUAL(ws.call("POST", "/rest/batch/people", "[]").str("/messages/0"), "Input must not be empty");
  std::string many = "[";
  for (int i = 0; i < 201; ++i) many += std::string(i ? "," : "") + "{}";
  many += "]";
  auto big = ws.call("POST", "/rest/batch/people", many);
  CAF_CHECK_EQUAL(big.status, 400);
  CAF_CHECK_EQUAL(big.str("/messages/0"), "Maximum number of records to upsert is 200.");
  auto before = ws.call("GET", "/rest/people").num("/totalCount");
  auto bad = ws.call("POST", "/rest/batch/people", R"([{"jobTitle":"ok"},{"nope":1}])");
  CAF_CHECK_EQUAL(bad.status, 400);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people").num("/totalCount"), before);  // all or nothing
}

CAF_TEST(update one and many return their envelopes) {
  auto id = first_company();
  auto r = ws.call("PATCH", "/rest/companies/" + id, R"({"name":"Renamed"})");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.str("/data/updateCompany/name"), "Renamed");
  CAF_CHECK_EQUAL(ws.call("PUT", "/rest/companies/" + id, R"({"name":"Again"})").str("/data/updateCompany/name"), "Again");
  auto many = ws.call("PATCH", "/rest/opportunities?filter=stage[eq]:NEW", R"({"stage":"SCREENING"})");
  CAF_CHECK_EQUAL(many.status, 200);
  CAF_CHECK(many.size("/data/updateOpportunities") > 0u);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/opportunities?filter=stage[eq]:NEW").num("/totalCount"), 0);
  auto bad = ws.call("PATCH", "/rest/opportunities/" + id, R"({"stage":"WON"})");
  CAF_CHECK_EQUAL(bad.status, 404);  // a company id is no opportunity
  auto opp = ws.call("GET", "/rest/opportunities?limit=1").str("/data/opportunities/0/id");
  CAF_CHECK_EQUAL(ws.call("PATCH", "/rest/opportunities/" + opp, R"({"stage":"WON"})").status, 400);
}

CAF_TEST(ids names and missing records give twenty errors) {
  auto bad_id = ws.call("GET", "/rest/companies/not-a-uuid");
  CAF_CHECK_EQUAL(bad_id.status, 400);
  CAF_CHECK_EQUAL(bad_id.body, R"({"statusCode":400,"error":"BadRequestException","messages":["'not-a-uuid' is not a valid UUID"]})");
  auto singular = ws.call("GET", "/rest/company");
  CAF_CHECK_EQUAL(singular.body, R"({"statusCode":400,"error":"BadRequestException","messages":["object 'company' not found. Did you mean 'companies'?"]})");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/foo").str("/messages/0"), "object 'foo' not found. eg: companies");
  auto missing = ws.call("GET", "/rest/companies/00000000-0000-4000-8000-000000000000");
  CAF_CHECK_EQUAL(missing.status, 404);
  CAF_CHECK_EQUAL(missing.body, R"({"statusCode":404,"error":"NotFoundException","messages":["Record not found"]})");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies/a/b/c").str("/messages/0"),
                  "Query path '/rest/companies/a/b/c' invalid. Valid examples: /rest/companies/id or /rest/companies or /rest/batch/companies");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies?depth=2").str("/messages/0"), "'depth=2' parameter invalid. Allowed values are 0, 1");
}

CAF_TEST(delete is hard unless soft_delete is true) {
  auto a = first_company();
  auto r = ws.call("DELETE", "/rest/companies/" + a);
  CAF_CHECK_EQUAL(r.body, "{\"data\":{\"deleteCompany\":{\"id\":\"" + a + "\"}}}");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies?filter=deletedAt[is]:NOT_NULL").num("/totalCount"), 0);
  CAF_CHECK_EQUAL(ws.call("PATCH", "/rest/companies/" + a + "/restore").status, 404);  // gone for good
  auto b = first_company();
  CAF_CHECK_EQUAL(ws.call("DELETE", "/rest/companies/" + b + "?soft_delete=true").status, 200);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies/" + b).status, 404);
  auto trash = ws.call("GET", "/rest/companies?filter=deletedAt[is]:NOT_NULL");
  CAF_CHECK(ids_of(trash, "companies") == (strings{b}));
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies").num("/totalCount"), 48);
}

CAF_TEST(restore works in both route forms) {
  auto a = first_company();
  ws.call("DELETE", "/rest/companies/" + a + "?soft_delete=true");
  auto r = ws.call("PATCH", "/rest/companies/" + a + "/restore");
  CAF_CHECK_EQUAL(r.status, 200);
  CAF_CHECK_EQUAL(r.str("/data/restoreCompany/deletedAt"), "null");
  ws.call("DELETE", "/rest/companies/" + a + "?soft_delete=true");
  auto old_form = ws.call("PATCH", "/rest/restore/companies/" + a);
  CAF_CHECK_EQUAL(old_form.str("/data/restoreCompany/id"), a);
  ws.call("DELETE", "/rest/companies?soft_delete=true&filter=name[like]:A%25");
  auto n = ws.call("GET", "/rest/companies?filter=deletedAt[is]:NOT_NULL").num("/totalCount");
  CAF_CHECK(n > 0);
  auto many = ws.call("PATCH", "/rest/companies/restore?filter=deletedAt[is]:NOT_NULL");
  CAF_CHECK_EQUAL(static_cast<std::int64_t>(many.size("/data/restoreCompanies")), n);
  ws.call("DELETE", "/rest/companies?soft_delete=true&filter=name[like]:A%25");
  CAF_CHECK_EQUAL(static_cast<std::int64_t>(ws.call("PATCH", "/rest/restore/companies").size("/data/restoreCompanies")), n);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies").num("/totalCount"), 50);
}

CAF_TEST(bulk delete needs a filter and returns ids) {
  auto none = ws.call("DELETE", "/rest/tasks");
  CAF_CHECK_EQUAL(none.status, 400);
  CAF_CHECK(none.str("/messages/0").rfind("Filters are mandatory for bulk destroy operations.", 0) == 0);
  auto done = ws.call("DELETE", "/rest/tasks?filter=status[eq]:DONE");
  CAF_CHECK_EQUAL(done.status, 200);
  CAF_CHECK(done.size("/data/deleteTasks") > 0u);
  CAF_CHECK(keys(done.at("/data/deleteTasks/0")) == (strings{"id"}));
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/tasks?filter=status[eq]:DONE").num("/totalCount"), 0);
}

CAF_TEST(depth one adds related records) {
  auto r = ws.call("GET", "/rest/people?limit=1&depth=1");
  CAF_CHECK_EQUAL(r.str("/data/people/0/company/id"), r.str("/data/people/0/companyId"));
  auto c = ws.call("GET", "/rest/companies/" + r.str("/data/people/0/companyId") + "?depth=1");
  CAF_CHECK(c.size("/data/company/people") >= 1u);
  CAF_CHECK(c.at("/data/company/opportunities")->IsArray());
  CAF_CHECK(ws.call("GET", "/rest/people?limit=1").at("/data/people/0/company") == nullptr);
}

CAF_TEST(duplicates merge and group by answer) {
  auto a = ws.create("companies", R"({"name":"Twin","domainName":{"primaryLinkUrl":"https://twin.example"}})");
  auto b = ws.create("companies", R"({"name":"Twin","address":{"addressCity":"Oslo"}})");
  auto d = ws.call("POST", "/rest/companies/duplicates", "{\"ids\":[\"" + a + "\"]}");
  CAF_CHECK_EQUAL(d.num("/data/0/totalCount"), 1);
  CAF_CHECK_EQUAL(d.str("/data/0/companyDuplicates/0/id"), b);
  auto m = ws.call("PATCH", "/rest/companies/merge", "{\"ids\":[\"" + a + "\",\"" + b + "\"],\"conflictPriorityIndex\":0}");
  CAF_CHECK_EQUAL(m.status, 200);
  CAF_CHECK_EQUAL(m.str("/data/mergeCompanies/id"), a);
  CAF_CHECK_EQUAL(m.str("/data/mergeCompanies/address/addressCity"), "Oslo");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies/" + b).status, 404);
  auto g = ws.call("GET", "/rest/opportunities/groupBy?group_by=" + url_encode(R"([{"stage":true}])")
                            + "&aggregate=" + url_encode(R"(["countNotEmptyId","sumAmountAmountMicros"])"));
  CAF_CHECK_EQUAL(g.status, 200);
  auto groups = g.at("/data/opportunitiesGroupBy");
  CAF_REQUIRE(groups && groups->IsArray());
  std::int64_t total = 0;
  for (auto& grp : groups->GetArray()) total += grp["countNotEmptyId"].GetInt64();
  CAF_CHECK_EQUAL(total, 80);
  CAF_CHECK(keys(g.at("/data/opportunitiesGroupBy/0")) == (strings{"groupByDimensionValues", "countNotEmptyId", "sumAmountAmountMicros"}));
  auto monthly = ws.call("GET", "/rest/opportunities/groupBy?group_by=" + url_encode(R"([{"closeDate":{"granularity":"MONTH"}}])"));
  CAF_CHECK(monthly.size("/data/opportunitiesGroupBy") >= 10u);
  CAF_CHECK_EQUAL(monthly.str("/data/opportunitiesGroupBy/0/groupByDimensionValues/0").substr(8), "01");
}

CAF_TEST_FIXTURE_SCOPE_END()

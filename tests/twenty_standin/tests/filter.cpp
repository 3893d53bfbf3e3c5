#define CAF_SUITE standin.filter
#include "caf/test/unit_test.hpp"

#include "filter.hpp"
#include "support.hpp"

using namespace standin;
using namespace standin::test;

namespace {

// A tiny people table with the values each operator needs.
struct people_fixture {
  workspace ws{false};
  std::string company_id, ada, alan, grace, anon;
  people_fixture() {
    company_id = ws.create("companies", R"({"name":"Acme"})");
    ada = ws.create("people", R"({"name":{"firstName":"Ada","lastName":"Lovelace"},"jobTitle":"CTO","emails":{"primaryEmail":"ada@x.com"},"companyId":")" + company_id + "\"}");
    alan = ws.create("people", R"({"name":{"firstName":"Alan","lastName":"Turing"},"jobTitle":"val,ue","emails":{"primaryEmail":"alan@y.org"}})");
    grace = ws.create("people", R"({"name":{"firstName":"Grace","lastName":"Hopper"},"jobTitle":"Admiral"})");
    anon = ws.create("people", R"({"jobTitle":null})");
  }
  std::vector<std::string> find(const std::string& filter) {
    return ids_of(ws.call("GET", "/rest/people?filter=" + url_encode(filter)), "people");
  }
  std::string error(const std::string& filter) {
    auto r = ws.call("GET", "/rest/people?filter=" + url_encode(filter));
    return std::to_string(r.status) + " " + r.str("/messages/0");
  }
};

bool same_set(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

}  // namespace

CAF_TEST(a bare condition gets the default and conjunction) {
  auto f = parse_rest_filter("a[eq]:1,b[gt]:2");
  CAF_REQUIRE(static_cast<bool>(f));
  CAF_CHECK(f.value.kind == filter_node::and_k);
  CAF_REQUIRE_EQUAL(f.value.children.size(), 2u);
  CAF_CHECK_EQUAL(f.value.children[1].op, "gt");
  CAF_CHECK_EQUAL(f.value.children[1].values[0].s, "2");
}

CAF_TEST(and or not nest at any depth) {
  auto f = parse_rest_filter("or(a[eq]:1,and(b[gt]:2,not(or(c[like]:\"%x%\",d[is]:NULL))))");
  CAF_REQUIRE(static_cast<bool>(f));
  CAF_CHECK(f.value.kind == filter_node::or_k);
  auto& inner = f.value.children[1];
  CAF_CHECK(inner.kind == filter_node::and_k);
  auto& neg = inner.children[1];
  CAF_CHECK(neg.kind == filter_node::not_k);
  CAF_CHECK(neg.children[0].kind == filter_node::or_k);
  CAF_CHECK_EQUAL(neg.children[0].children[0].values[0].s, "%x%");
  CAF_CHECK_EQUAL(neg.children[0].children[1].values[0].s, "NULL");
}

CAF_TEST(the reference example parses into the documented tree) {
  auto f = parse_rest_filter("and(fieldNumber[eq]:1,not(fieldNumber[eq]:2))");
  CAF_REQUIRE(static_cast<bool>(f));
  CAF_CHECK(f.value.kind == filter_node::and_k);
  CAF_CHECK_EQUAL(f.value.children[0].path[0], "fieldNumber");
  CAF_CHECK(f.value.children[1].kind == filter_node::not_k);
  CAF_CHECK_EQUAL(f.value.children[1].children[0].values[0].s, "2");
}

CAF_TEST(quoted values keep their commas and lose their quotes) {
  auto f = parse_rest_filter("name[eq]:\"val,ue\",city[eq]:'Paris'");
  CAF_REQUIRE(static_cast<bool>(f));
  CAF_REQUIRE_EQUAL(f.value.children.size(), 2u);
  CAF_CHECK_EQUAL(f.value.children[0].values[0].s, "val,ue");
  CAF_CHECK_EQUAL(f.value.children[1].values[0].s, "Paris");
}

CAF_TEST(in splits its list and strips quotes) {
  auto f = parse_rest_filter("stage[in]:[NEW,\"MEETING\"]");
  CAF_REQUIRE(static_cast<bool>(f));
  auto& leaf = f.value.children[0];
  CAF_REQUIRE_EQUAL(leaf.values.size(), 2u);
  CAF_CHECK_EQUAL(leaf.values[1].s, "MEETING");
}

CAF_TEST(invalid filters give twenty messages) {
  auto bad = [](const std::string& q) {
    auto f = parse_rest_filter(q);
    return f ? std::string("ok") : f.error->message;
  };
  CAF_CHECK_EQUAL(bad("foo"), "'filter' invalid for 'foo'. eg: price[gte]:10");
  CAF_CHECK_EQUAL(bad("stage[in]:NEW"), "'filter' invalid for 'in' operator. Received 'NEW' but array value "
                                        "expected eg: 'field[in]:[value_1,value_2]'");
  CAF_CHECK_EQUAL(bad("a[eq]:1)"), "'filter' invalid. 1 open bracket is missing in the query");
  CAF_CHECK_EQUAL(bad("and(a[eq]:1"), "'filter' invalid. 1 close bracket is missing in the query");
  CAF_CHECK_EQUAL(bad("not(a[eq]:1,b[eq]:2)"),
                  "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)");
  CAF_CHECK_EQUAL(bad("a[foo]:1"), "'filter' invalid for 'a[foo]:1', comparator foo not in eq, neq, in, "
                                   "containsAny, is, gt, gte, lt, lte, startsWith, endsWith, like, ilike");
}

CAF_TEST_FIXTURE_SCOPE(filter_evaluation, people_fixture)

CAF_TEST(every comparator selects the right rows) {
  CAF_CHECK(same_set(find("jobTitle[eq]:CTO"), {ada}));
  CAF_CHECK(same_set(find("jobTitle[neq]:CTO"), {alan, grace}));  // NULL <> 'CTO' is unknown
  CAF_CHECK(same_set(find("jobTitle[in]:[CTO,Admiral]"), {ada, grace}));
  CAF_CHECK(same_set(find("jobTitle[is]:NULL"), {anon}));
  CAF_CHECK(same_set(find("jobTitle[is]:NOT_NULL"), {ada, alan, grace}));
  CAF_CHECK(same_set(find("name.firstName[startsWith]:A"), {ada, alan}));
  CAF_CHECK(same_set(find("name.lastName[endsWith]:er"), {grace}));
  CAF_CHECK(same_set(find("name.firstName[like]:%a%"), {ada, alan, grace}));
  CAF_CHECK(same_set(find("name.firstName[like]:A_a"), {ada}));
  CAF_CHECK(same_set(find("name.lastName[ilike]:%TUR%"), {alan}));
  CAF_CHECK(same_set(find("name.firstName[gt]:Alan"), {grace}));
  CAF_CHECK(same_set(find("name.firstName[gte]:Alan"), {alan, grace}));
  CAF_CHECK(same_set(find("name.firstName[lt]:Alan"), {ada, anon}));  // '' sorts first
  CAF_CHECK(same_set(find("name.firstName[lte]:Alan"), {ada, alan, anon}));
}

CAF_TEST(composite paths relation ids and quoted commas filter rows) {
  CAF_CHECK(same_set(find("emails.primaryEmail[eq]:ada@x.com"), {ada}));
  CAF_CHECK(same_set(find("companyId[eq]:" + company_id), {ada}));
  CAF_CHECK(same_set(find("companyId[is]:NULL"), {alan, grace, anon}));
  CAF_CHECK(same_set(find("jobTitle[eq]:\"val,ue\""), {alan}));
}

CAF_TEST(conjunctions combine at any depth) {
  CAF_CHECK(same_set(find("or(jobTitle[eq]:CTO,and(name.firstName[eq]:Grace,not(jobTitle[eq]:CTO)))"), {ada, grace}));
  CAF_CHECK(same_set(find("and(name.firstName[like]:A%,not(jobTitle[eq]:CTO))"), {alan}));
  CAF_CHECK(same_set(find("not(jobTitle[eq]:CTO)"), {alan, grace}));  // SQL: NOT(NULL) stays unknown
}

CAF_TEST(unknown fields and bad paths are rejected) {
  CAF_CHECK_EQUAL(error("foo[eq]:1"), "400 Object person doesn't have any \"foo\" field.");
  CAF_CHECK_EQUAL(error("name.middleName[eq]:x"), "400 Object person doesn't have any \"name.middleName\" field.");
  CAF_CHECK_EQUAL(error("foo"), "400 'filter' invalid for 'foo'. eg: price[gte]:10");
}

CAF_TEST(soft deleted rows are hidden unless the filter names deletedAt) {
  CAF_CHECK_EQUAL(ws.call("DELETE", "/rest/people/" + grace + "?soft_delete=true").status, 200);
  CAF_CHECK(same_set(find("jobTitle[is]:NOT_NULL"), {ada, alan}));
  CAF_CHECK(same_set(find("deletedAt[is]:NOT_NULL"), {grace}));
  CAF_CHECK(same_set(find("or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)"), {ada, alan, grace, anon}));
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people").num("/totalCount"), 3);
}

CAF_TEST_FIXTURE_SCOPE_END()

#define CAF_SUITE standin.graphql
#include "caf/test/unit_test.hpp"

#include "graphql.hpp"
#include "support.hpp"

using namespace standin;
using namespace standin::test;

namespace {

struct graphql_fixture {
  workspace ws;
};

}  // namespace

CAF_TEST(the parser reads aliases arguments variables and fragments) {
  gql_error err;
  auto op = parse_graphql(R"(query Q($n: Int = 5) { a: companies(first: $n, filter: {name: {ilike: "%a%"}}) { ...F } }
                             fragment F on CompanyConnection { totalCount edges { node { id } } })", "", &err);
  CAF_REQUIRE(static_cast<bool>(op));
  CAF_CHECK_EQUAL(op.value.name, "Q");
  CAF_REQUIRE_EQUAL(op.value.selection.size(), 1u);
  auto& f = op.value.selection[0];
  CAF_CHECK_EQUAL(f.key(), "a");
  CAF_CHECK_EQUAL(f.name, "companies");
  CAF_CHECK_EQUAL(f.selection.size(), 2u);
  CAF_CHECK_EQUAL(f.selection[0].name, "totalCount");
  auto bad = parse_graphql("{ companies { ", "", &err);
  CAF_CHECK(!bad);
  CAF_CHECK_EQUAL(err.code, "GRAPHQL_PARSE_FAILED");
}

CAF_TEST_FIXTURE_SCOPE(graphql_tests, graphql_fixture)

CAF_TEST(a collection query filters orders and pages) {
  auto r = ws.gql(R"({ opportunities(first: 5, filter: {stage: {eq: "PROPOSAL"}}, orderBy: [{amount: {amountMicros: DescNullsLast}}]) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id name stage amount { amountMicros currencyCode } } } } })");
  CAF_CHECK_EQUAL(r.size("/data/opportunities/edges"), 5u);
  CAF_CHECK_EQUAL(r.str("/data/opportunities/edges/0/node/stage"), "PROPOSAL");
  auto first = r.num("/data/opportunities/edges/0/node/amount/amountMicros");
  auto second = r.num("/data/opportunities/edges/1/node/amount/amountMicros");
  CAF_CHECK(first >= second);
  auto rest_total = ws.call("GET", "/rest/opportunities?filter=stage[eq]:PROPOSAL").num("/totalCount");
  CAF_CHECK_EQUAL(r.num("/data/opportunities/totalCount"), rest_total);
  CAF_CHECK_EQUAL(r.str("/data/opportunities/pageInfo/endCursor"), r.str("/data/opportunities/edges/4/cursor"));
  auto next = ws.gql("query($c: String) { opportunities(first: 5, after: $c, filter: {stage: {eq: \"PROPOSAL\"}}, orderBy: [{amount: {amountMicros: DescNullsLast}}]) { edges { node { id amount { amountMicros } } } } }",
                     "{\"c\":\"" + r.str("/data/opportunities/pageInfo/endCursor") + "\"}");
  CAF_CHECK(next.num("/data/opportunities/edges/0/node/amount/amountMicros") <= r.num("/data/opportunities/edges/4/node/amount/amountMicros"));
  CAF_CHECK(next.str("/data/opportunities/edges/0/node/id") != r.str("/data/opportunities/edges/4/node/id"));
  auto last = ws.gql("{ people(last: 3) { edges { node { id } } pageInfo { hasPreviousPage hasNextPage } } }");
  auto rest_ids = ids_of(ws.call("GET", "/rest/people?limit=200"), "people");
  CAF_CHECK_EQUAL(last.str("/data/people/edges/2/node/id"), rest_ids.back());
  CAF_CHECK_EQUAL(last.str("/data/people/pageInfo/hasPreviousPage"), "true");
}

CAF_TEST(nested relations and composite selections project) {
  auto r = ws.gql("{ people(first: 1) { edges { node { name { firstName } companyId company { name people { totalCount edges { node { id } } } } } } } }");
  CAF_CHECK(r.at("/data/people/edges/0/node/name/lastName") == nullptr);
  CAF_CHECK(r.at("/data/people/edges/0/node/name/firstName") != nullptr);
  CAF_CHECK(r.num("/data/people/edges/0/node/company/people/totalCount") >= 1);
}

CAF_TEST(a single record query finds by filter or answers not found) {
  auto id = ws.call("GET", "/rest/companies?limit=1").str("/data/companies/0/id");
  auto r = ws.gql("query($id: UUID!) { company(filter: {id: {eq: $id}}) { id name __typename } }", "{\"id\":\"" + id + "\"}");
  CAF_CHECK_EQUAL(r.str("/data/company/id"), id);
  CAF_CHECK_EQUAL(r.str("/data/company/__typename"), "Company");
  auto missing = ws.gql(R"({ company(filter: {id: {eq: "00000000-0000-4000-8000-000000000000"}}) { id } })");
  CAF_CHECK_EQUAL(missing.str("/errors/0/extensions/code"), "NOT_FOUND");
  CAF_CHECK_EQUAL(missing.str("/data/company"), "null");
}

CAF_TEST(mutations create update delete destroy and restore) {
  auto c = ws.gql(R"(mutation { createCompany(data: {name: "Gql Co", domainName: {primaryLinkUrl: "https://gql.example"}}) { id name createdBy { source } } })");
  auto id = c.str("/data/createCompany/id");
  CAF_CHECK_EQUAL(c.str("/data/createCompany/createdBy/source"), "API");
  auto many = ws.gql(R"(mutation { createPeople(data: [{jobTitle: "A"}, {jobTitle: "B"}]) { id jobTitle } })");
  CAF_CHECK_EQUAL(many.size("/data/createPeople"), 2u);
  auto u = ws.gql("mutation($id: UUID!) { updateCompany(id: $id, data: {name: \"Renamed\"}) { name } }", "{\"id\":\"" + id + "\"}");
  CAF_CHECK_EQUAL(u.str("/data/updateCompany/name"), "Renamed");
  auto um = ws.gql(R"(mutation { updatePeople(filter: {jobTitle: {in: ["A", "B"]}}, data: {jobTitle: "C"}) { jobTitle } })");
  CAF_CHECK_EQUAL(um.size("/data/updatePeople"), 2u);
  auto d = ws.gql("mutation($id: UUID!) { deleteCompany(id: $id) { id deletedAt } }", "{\"id\":\"" + id + "\"}");
  CAF_CHECK(d.str("/data/deleteCompany/deletedAt") != "null");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies/" + id).status, 404);
  auto back = ws.gql("mutation($id: UUID!) { restoreCompany(id: $id) { deletedAt } }", "{\"id\":\"" + id + "\"}");
  CAF_CHECK_EQUAL(back.str("/data/restoreCompany/deletedAt"), "null");
  auto gone = ws.gql("mutation($id: UUID!) { destroyCompany(id: $id) { id name } }", "{\"id\":\"" + id + "\"}");
  CAF_CHECK_EQUAL(gone.str("/data/destroyCompany/name"), "Renamed");
  CAF_CHECK_EQUAL(ws.call("PATCH", "/rest/companies/" + id + "/restore").status, 404);
  auto dm = ws.gql(R"(mutation { deletePeople(filter: {jobTitle: {eq: "C"}}) { id } })");
  CAF_CHECK_EQUAL(dm.size("/data/deletePeople"), 2u);
  auto rm = ws.gql(R"(mutation { restorePeople(filter: {jobTitle: {eq: "C"}}) { id } })");
  CAF_CHECK_EQUAL(rm.size("/data/restorePeople"), 2u);
  auto xm = ws.gql(R"(mutation { destroyPeople(filter: {jobTitle: {eq: "C"}}) { id } })");
  CAF_CHECK_EQUAL(xm.size("/data/destroyPeople"), 2u);
}

CAF_TEST(an unknown field fails validation before anything is written) {
  auto before = ws.call("GET", "/rest/companies").num("/totalCount");
  auto r = ws.gql(R"(mutation { createCompany(data: {name: "X"}) { id nope } })");
  CAF_CHECK_EQUAL(r.str("/errors/0/message"), "Cannot query field \"nope\" on type \"Company\".");
  CAF_CHECK_EQUAL(r.str("/errors/0/extensions/code"), "GRAPHQL_VALIDATION_FAILED");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies").num("/totalCount"), before);
  CAF_CHECK_EQUAL(ws.gql("{ bogus { id } }").str("/errors/0/message"), "Cannot query field \"bogus\" on type \"Query\".");
}

CAF_TEST(graphql auth failures answer 200 with UNAUTHENTICATED) {
  http_request req{"POST", "/graphql", R"({"query":"{ companies { totalCount } }"})", {{"Authorization", "Bearer wrong"}}};
  auto out = ws.a->handle(req);
  CAF_CHECK_EQUAL(out.response.status, 200);
  CAF_CHECK_EQUAL(out.response.body, R"({"errors":[{"message":"Token invalid.","extensions":{"code":"UNAUTHENTICATED"}}]})");
  req.headers.clear();
  auto missing = ws.a->handle(req);
  CAF_CHECK_EQUAL(missing.response.status, 200);
  CAF_CHECK(missing.response.body.find("UNAUTHENTICATED") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()

#define CAF_SUITE standin.metadata
#include "caf/test/unit_test.hpp"

#include "support.hpp"

using namespace standin;
using namespace standin::test;

namespace {

struct metadata_fixture {
  workspace ws;
  std::string object_id(const std::string& singular) {
    auto r = ws.call("GET", "/rest/metadata/objects");
    for (auto& o : r.at("/data/objects")->GetArray())
      if (singular == o["nameSingular"].GetString()) return o["id"].GetString();
    return {};
  }
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(metadata_tests, metadata_fixture)

CAF_TEST(rest metadata objects use the legacy envelope with id cursors) {
  auto all = ws.call("GET", "/rest/metadata/objects");
  CAF_CHECK_EQUAL(all.status, 200);
  CAF_CHECK_EQUAL(all.num("/totalCount"), 9);
  CAF_CHECK_EQUAL(all.size("/data/objects"), 9u);
  CAF_CHECK(all.size("/data/objects/0/fields") > 4u);
  CAF_CHECK(all.at("/data/objects/0/isCustom") == nullptr);
  auto page = ws.call("GET", "/rest/metadata/objects?limit=2");
  CAF_CHECK_EQUAL(page.size("/data/objects"), 2u);
  CAF_CHECK_EQUAL(page.str("/pageInfo/hasNextPage"), "true");
  auto next = ws.call("GET", "/rest/metadata/objects?limit=2&starting_after=" + page.str("/pageInfo/endCursor"));
  CAF_CHECK_EQUAL(next.str("/data/objects/0/id"), all.str("/data/objects/2/id"));
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/metadata/objects?starting_after=xyz").status, 400);
  auto one = ws.call("GET", "/rest/metadata/objects/" + object_id("company"));
  CAF_CHECK_EQUAL(one.str("/data/object/namePlural"), "companies");
  CAF_CHECK(ws.call("GET", "/rest/metadata/fields?limit=5").size("/data/fields") == 5u);
}

CAF_TEST(graphql objects page by ten by default and at most a thousand) {
  auto r = ws.gql("{ objects { edges { node { id nameSingular } cursor } pageInfo { hasNextPage endCursor } } }", "{}", "/metadata");
  CAF_CHECK_EQUAL(r.size("/data/objects/edges"), 9u);
  auto small = ws.gql("{ objects(paging:{first:3}) { edges { node { nameSingular } } pageInfo { hasNextPage endCursor } } }", "{}", "/metadata");
  CAF_CHECK_EQUAL(small.size("/data/objects/edges"), 3u);
  CAF_CHECK_EQUAL(small.str("/data/objects/pageInfo/hasNextPage"), "true");
  auto after = ws.gql("query($c:String){ objects(paging:{first:3, after:$c}) { edges { node { nameSingular } } } }",
                      "{\"c\":\"" + small.str("/data/objects/pageInfo/endCursor") + "\"}", "/metadata");
  CAF_CHECK_EQUAL(after.size("/data/objects/edges"), 3u);
  CAF_CHECK(after.str("/data/objects/edges/0/node/nameSingular") != small.str("/data/objects/edges/0/node/nameSingular"));
  auto too_many = ws.gql("{ objects(paging:{first:1001}) { edges { node { id } } } }", "{}", "/metadata");
  CAF_CHECK_EQUAL(too_many.str("/errors/0/extensions/code"), "BAD_USER_INPUT");
  // Nested fields page by ten too.
  auto fields = ws.gql("{ objects(paging:{first:1000}) { edges { node { nameSingular fields { edges { node { name } } }"
                       " big: fields(paging:{first:1000}) { edges { node { name type } } } } } } }", "{}", "/metadata");
  CAF_CHECK_EQUAL(fields.size("/data/objects/edges/1/node/fields/edges"), 10u);
  CAF_CHECK(fields.size("/data/objects/edges/1/node/big/edges") > 10u);
}

CAF_TEST(asking for isCustom is a validation error as on v2.43) {
  auto r = ws.gql("{ objects { edges { node { id isCustom } } } }", "{}", "/metadata");
  CAF_CHECK_EQUAL(r.str("/errors/0/message"), "Cannot query field \"isCustom\" on type \"Object\".");
  CAF_CHECK_EQUAL(r.str("/errors/0/extensions/code"), "GRAPHQL_VALIDATION_FAILED");
  CAF_CHECK(r.at("/data") == nullptr);
}

CAF_TEST(a new custom object and fields become usable over rest) {
  auto created = ws.gql(R"(mutation { createOneObject(input:{object:{nameSingular:"project", namePlural:"projects", labelSingular:"Project", labelPlural:"Projects"}}) { id nameSingular } })", "{}", "/metadata");
  auto project_id = created.str("/data/createOneObject/id");
  CAF_REQUIRE(is_uuid(project_id));
  auto sel = ws.gql("mutation($o:UUID!) { createOneField(input:{field:{objectMetadataId:$o, type:\"SELECT\", name:\"phase\", label:\"Phase\","
                    " options:[{value:\"PLAN\", label:\"Plan\"},{value:\"BUILD\", label:\"Build\"}]}}) { id name type options { value } } }",
                    "{\"o\":\"" + project_id + "\"}", "/metadata");
  CAF_CHECK_EQUAL(sel.str("/data/createOneField/type"), "SELECT");
  CAF_CHECK_EQUAL(sel.str("/data/createOneField/options/1/value"), "BUILD");
  auto rel = ws.gql("mutation($o:UUID!,$t:UUID!) { createOneField(input:{field:{objectMetadataId:$o, type:\"RELATION\", name:\"client\", label:\"Client\","
                    " relationCreationPayload:{targetObjectMetadataId:$t, targetFieldLabel:\"Projects\", type:\"MANY_TO_ONE\"}}}) { id relation { type targetObjectMetadata { nameSingular } } } }",
                    "{\"o\":\"" + project_id + "\",\"t\":\"" + object_id("company") + "\"}", "/metadata");
  CAF_CHECK_EQUAL(rel.str("/data/createOneField/relation/type"), "MANY_TO_ONE");
  CAF_CHECK_EQUAL(rel.str("/data/createOneField/relation/targetObjectMetadata/nameSingular"), "company");
  auto company = ws.call("GET", "/rest/companies?limit=1").str("/data/companies/0/id");
  auto p = ws.call("POST", "/rest/projects", R"({"name":"Apollo","phase":"BUILD","clientId":")" + company + "\"}");
  CAF_CHECK_EQUAL(p.status, 201);
  CAF_CHECK_EQUAL(p.str("/data/createProject/phase"), "BUILD");
  CAF_CHECK_EQUAL(ws.call("POST", "/rest/projects", R"({"phase":"SHIP"})").status, 400);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/projects?filter=clientId[eq]:" + company).num("/totalCount"), 1);
  auto back = ws.call("GET", "/rest/companies/" + company + "?depth=1");
  CAF_CHECK_EQUAL(back.size("/data/company/projects"), 1u);
  // Existing rows gain the new column with its default.
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies/" + company).str("/data/company/name") != "", true);
  auto del = ws.gql("mutation($f:UUID!) { deleteOneField(input:{id:$f}) { id name } }",
                    "{\"f\":\"" + sel.str("/data/createOneField/id") + "\"}", "/metadata");
  CAF_CHECK_EQUAL(del.str("/data/deleteOneField/name"), "phase");
  CAF_CHECK(ws.call("GET", "/rest/projects").at("/data/projects/0/phase") == nullptr);
  auto gone = ws.gql("mutation($o:UUID!) { deleteOneObject(input:{id:$o}) { nameSingular } }",
                     "{\"o\":\"" + project_id + "\"}", "/metadata");
  CAF_CHECK_EQUAL(gone.str("/data/deleteOneObject/nameSingular"), "project");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/projects").status, 400);
}

CAF_TEST(the custom contract object has a select and a relation field) {
  auto r = ws.gql("{ objects(paging:{first:1000}) { edges { node { nameSingular fieldsList { name type relation { type } } } } } }", "{}", "/metadata");
  bool select = false, relation = false;
  for (auto& e : r.at("/data/objects/edges")->GetArray()) {
    if (std::string(e["node"]["nameSingular"].GetString()) != "contract") continue;
    for (auto& f : e["node"]["fieldsList"].GetArray()) {
      select = select || std::string(f["type"].GetString()) == "SELECT";
      relation = relation || std::string(f["type"].GetString()) == "RELATION";
    }
  }
  CAF_CHECK(select);
  CAF_CHECK(relation);
}

CAF_TEST(webhooks are managed over rest and graphql) {
  auto created = ws.call("POST", "/rest/metadata/webhooks", R"({"targetUrl":"http://127.0.0.1:9/hook","operations":["person.created"],"secret":"s3"})");
  CAF_CHECK_EQUAL(created.status, 201);
  auto id = created.str("/id");
  auto list = ws.call("GET", "/rest/metadata/webhooks");
  CAF_CHECK_EQUAL(list.num("/totalCount"), 1);
  CAF_CHECK_EQUAL(list.str("/data/0/id"), id);
  auto legacy = ws.call("GET", "/rest/webhooks");
  CAF_CHECK(legacy.json.IsArray());
  CAF_CHECK_EQUAL(legacy.header("Deprecation"), "@1786320000");
  auto upd = ws.gql("mutation($i:UUID!) { updateWebhook(input:{id:$i, update:{operations:[\"*.*\"]}}) { id operations } }",
                    "{\"i\":\"" + id + "\"}", "/metadata");
  CAF_CHECK_EQUAL(upd.str("/data/updateWebhook/operations/0"), "*.*");
  CAF_CHECK_EQUAL(ws.call("DELETE", "/rest/metadata/webhooks/" + id).body, "true");
  CAF_CHECK_EQUAL(ws.gql("{ webhooks { id } }", "{}", "/metadata").size("/data/webhooks"), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

// Relationship mapping: the walk's reads answered from records held here, the nodes and edges
// it finds per depth, the strongest ties, the node cap and the chunked filters.
#define CAF_SUITE analytics.relationships
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <set>

#include "analytics/relationships.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

// Acme (c1) has Ann and Bob, deals o1 (Ann's, 1000 USD) and o2 (3000 USD, nobody's); task t1
// targets Acme and Ann, task t2 Acme only, note n1 Acme and Bob. Zed (c2) has Cid, whose task t3
// also targets Ann.
const char* workspace = R"({
 "companies":[{"id":"c1","name":"Acme"},{"id":"c2","name":"Zed"}],
 "people":[{"id":"p1","name":{"firstName":"Ann","lastName":"Ash"},"companyId":"c1"},
           {"id":"p2","name":{"firstName":"Bob","lastName":""},"companyId":"c1"},
           {"id":"p3","name":{"firstName":"Cid","lastName":"Cole"},"companyId":"c2"}],
 "opportunities":[{"id":"o1","name":"Big","companyId":"c1","pointOfContactId":"p1","amount":{"amountMicros":1000000000,"currencyCode":"USD"}},
                  {"id":"o2","name":"Bigger","companyId":"c1","pointOfContactId":null,"amount":{"amountMicros":3000000000,"currencyCode":"USD"}}],
 "tasks":[{"id":"t1","title":"Call"},{"id":"t2","title":"Mail"},{"id":"t3","title":"Meet"}],
 "taskTargets":[{"id":"tt1","taskId":"t1","targetCompanyId":"c1","targetPersonId":null,"targetOpportunityId":null},
                {"id":"tt2","taskId":"t1","targetCompanyId":null,"targetPersonId":"p1","targetOpportunityId":null},
                {"id":"tt3","taskId":"t2","targetCompanyId":"c1","targetPersonId":null,"targetOpportunityId":null},
                {"id":"tt4","taskId":"t3","targetCompanyId":null,"targetPersonId":"p3","targetOpportunityId":null},
                {"id":"tt5","taskId":"t3","targetCompanyId":null,"targetPersonId":"p1","targetOpportunityId":null}],
 "notes":[{"id":"n1","title":"Lunch"}],
 "noteTargets":[{"id":"nt1","noteId":"n1","targetCompanyId":"c1","targetPersonId":null,"targetOpportunityId":null},
                {"id":"nt2","noteId":"n1","targetCompanyId":null,"targetPersonId":"p2","targetOpportunityId":null}]
})";

graph_schema schema() {
  graph_schema s;
  s.links = {{"people", "company", "companyId", "companies"},
             {"opportunities", "company", "companyId", "companies"},
             {"opportunities", "pointOfContact", "pointOfContactId", "people"}};
  std::vector<std::pair<std::string, std::string>> targets{{"targetCompanyId", "companies"},
                                                           {"targetPersonId", "people"},
                                                           {"targetOpportunityId", "opportunities"}};
  s.junctions = {{"taskTargets", "taskId", "tasks", targets}, {"noteTargets", "noteId", "notes", targets}};
  s.labels = {{"companies", "name"}, {"people", "name"}, {"opportunities", "name"},
              {"tasks", "title"}, {"notes", "title"}};
  s.amounts = {{"opportunities", "amount"}};
  return s;
}

struct run_result {
  std::vector<graph_query> queries;
};

// Answers every query from the workspace until the walk is over; pages of `page` records.
run_result run(graph_walk& w, std::size_t page = 200) {
  auto db = json::parse(workspace);
  CAF_REQUIRE(db.has_value());
  run_result r;
  for (auto qs = w.next_queries(); !qs.empty(); qs = w.next_queries()) {
    for (auto& q : qs) {
      r.queries.push_back(q);
      json::document matches;
      matches.SetArray();
      for (auto& rec : (*db)[q.object.c_str()].GetArray()) {
        auto v = json::get_string(rec, q.column.c_str());
        if (v && std::find(q.ids.begin(), q.ids.end(), *v) != q.ids.end())
          matches.PushBack(json::value(rec, matches.GetAllocator()), matches.GetAllocator());
      }
      for (rapidjson::SizeType i = 0; i < matches.Size() && !w.full(); i += page) {
        json::document chunk;
        chunk.SetArray();
        for (auto j = i; j < std::min<rapidjson::SizeType>(matches.Size(), i + page); ++j)
          chunk.PushBack(json::value(matches[j], chunk.GetAllocator()), chunk.GetAllocator());
        w.add_records(q, chunk);
      }
    }
  }
  return r;
}

std::set<std::string> ids_at(const graph_walk& w, int depth) {
  std::set<std::string> out;
  for (auto& n : w.nodes())
    if (n.depth == depth)
      out.insert(n.id);
  return out;
}

bool linked(const graph_walk& w, const std::string& a, const std::string& b, const std::string& rel) {
  for (auto& e : w.edges()) {
    auto x = w.nodes()[e.a].id, y = w.nodes()[e.b].id;
    if (e.relation == rel && ((x == a && y == b) || (x == b && y == a)))
      return true;
  }
  return false;
}

} // namespace

CAF_TEST(one hop from a company reaches its people deals tasks and notes) {
  graph_params p;
  p.depth = 1;
  graph_walk w(schema(), "companies", "c1", p);
  run(w);
  CAF_REQUIRE(w.found_root());
  CAF_CHECK_EQUAL(w.nodes()[0].label, "Acme");
  CAF_CHECK_EQUAL(ids_at(w, 1), (std::set<std::string>{"p1", "p2", "o1", "o2", "t1", "t2", "n1"}));
  CAF_CHECK(linked(w, "c1", "p1", "people.company"));
  CAF_CHECK(linked(w, "c1", "t2", "taskTargets"));
  CAF_CHECK(linked(w, "c1", "n1", "noteTargets"));
  // The last level's own columns still link it: o1's point of contact is Ann.
  CAF_CHECK(linked(w, "o1", "p1", "opportunities.pointOfContact"));
  CAF_CHECK(!w.truncated());
}

CAF_TEST(two hops cross the junctions both ways) {
  graph_walk w(schema(), "companies", "c1", graph_params{});
  run(w);
  // Ann's task t3 (depth 2) also targets Cid; Cid's company Zed is three hops away.
  CAF_CHECK_EQUAL(ids_at(w, 2), (std::set<std::string>{"t3"}));
  CAF_CHECK(linked(w, "t1", "p1", "taskTargets"));
  CAF_CHECK(linked(w, "n1", "p2", "noteTargets"));
  CAF_CHECK(linked(w, "t3", "p3", "taskTargets") == false); // Cid is not walked to: depth 3
  graph_params deep;
  deep.depth = 4;
  graph_walk all(schema(), "companies", "c1", deep);
  run(all);
  CAF_CHECK_EQUAL(ids_at(all, 3), (std::set<std::string>{"p3"}));
  CAF_CHECK_EQUAL(ids_at(all, 4), (std::set<std::string>{"c2"}));
}

CAF_TEST(the strongest ties share the most records with the root) {
  graph_walk w(schema(), "companies", "c1", graph_params{});
  run(w);
  auto ties = w.ties();
  CAF_REQUIRE(!ties.empty());
  // Ann shares deal o1 and task t1 with Acme; Bob shares note n1.
  auto& top = ties[0];
  CAF_CHECK_EQUAL(w.nodes()[top.node].id, "p1");
  CAF_CHECK(top.direct);
  CAF_CHECK_EQUAL(top.shared, 2u);
  CAF_CHECK_EQUAL(top.via.at("opportunities"), 1u);
  CAF_CHECK_EQUAL(top.via.at("tasks"), 1u);
  CAF_CHECK_EQUAL(top.amount.at("USD"), 1000.0);
  CAF_CHECK_EQUAL(ties[1].shared, 1u); // Bob (note n1), deals and tasks each share one
  json::document doc;
  w.write(doc, doc.GetAllocator(), 1);
  CAF_CHECK_EQUAL(doc["ties"].Size(), 1u);
  CAF_CHECK_EQUAL(std::string(doc["ties"][0]["label"].GetString()), "Ann Ash");
  CAF_CHECK_EQUAL(std::string(doc["ties"][0]["why"].GetString()),
                  "linked to the root (people.company); shares 2 linked records with it: 1 opportunities, 1 tasks");
  CAF_CHECK_EQUAL(doc["nodesPerObject"]["people"].GetUint64(), 2u);
  CAF_CHECK_EQUAL(doc["nodeCount"].GetUint64(), w.nodes().size());
  CAF_CHECK_EQUAL(doc["edges"].Size(), w.edges().size());
}

CAF_TEST(a deal fetches the records its columns point at) {
  graph_params p;
  p.depth = 1;
  graph_walk w(schema(), "opportunities", "o1", p);
  run(w);
  CAF_CHECK_EQUAL(ids_at(w, 1), (std::set<std::string>{"c1", "p1"}));
  CAF_CHECK(linked(w, "o1", "c1", "opportunities.company"));
  graph_params no_follow = p;
  no_follow.follow_to_one = false;
  graph_walk w2(schema(), "opportunities", "o1", no_follow);
  run(w2);
  CAF_CHECK_EQUAL(w2.nodes().size(), 1u);
}

CAF_TEST(the node cap stops the walk and says so) {
  graph_params p;
  p.max_nodes = 4;
  graph_walk w(schema(), "companies", "c1", p);
  run(w, 1);
  CAF_CHECK_EQUAL(w.nodes().size(), 4u);
  CAF_CHECK(w.truncated());
  CAF_CHECK(w.truncated_reason().find("max_nodes (4)") != std::string::npos);
}

CAF_TEST(ids are read in chunks of the configured size) {
  graph_params p;
  p.depth = 1;
  p.ids_per_query = 1;
  graph_walk w(schema(), "tasks", "t1", p);
  auto r = run(w);
  // t1's links name Acme and Ann: fetched in two one-id reads.
  std::size_t fetches = 0;
  for (auto& q : r.queries)
    if (q.what == graph_query::kind::fetch && q.object != "tasks") {
      ++fetches;
      CAF_CHECK_EQUAL(q.ids.size(), 1u);
    }
  CAF_CHECK_EQUAL(fetches, 2u);
  CAF_CHECK_EQUAL(r.queries[0].filter(), "id[in]:[t1]");
}

CAF_TEST(an unknown root ends the walk with nothing found) {
  graph_walk w(schema(), "companies", "nope", graph_params{});
  auto r = run(w);
  CAF_CHECK(!w.found_root());
  CAF_CHECK_EQUAL(r.queries.size(), 1u);
}

#define CAF_SUITE standin.faults
#include "caf/test/unit_test.hpp"

#include "faults.hpp"
#include "support.hpp"

#include <map>

using namespace standin;
using namespace standin::test;

namespace {

std::vector<fault_kind> draw(fault_plan& p, int n) {
  std::vector<fault_kind> out;
  for (int i = 0; i < n; ++i) out.push_back(p.next().kind);
  return out;
}

}  // namespace

CAF_TEST(the fault sequence is a function of the seed) {
  fault_config c;
  c.rate = 0.3;
  c.seed = 7;
  fault_plan a(c), b(c);
  auto x = draw(a, 500);
  CAF_CHECK(x == draw(b, 500));
  c.seed = 8;
  fault_plan other(c);
  CAF_CHECK(x != draw(other, 500));
  a.configure(c);  // reseeding restarts the sequence
  fault_plan again(c);
  CAF_CHECK(draw(a, 50) == draw(again, 50));
}

CAF_TEST(the rate and weights shape the mix) {
  fault_config c;
  c.rate = 0;
  fault_plan none(c);
  for (auto k : draw(none, 1000)) CAF_REQUIRE(k == fault_kind::none);
  c.rate = 0.2;
  c.seed = 3;
  fault_plan some(c);
  std::map<fault_kind, int> n;
  std::map<int, int> codes;
  for (int i = 0; i < 10000; ++i) {
    auto d = some.next();
    ++n[d.kind];
    if (d.kind == fault_kind::server_error) ++codes[d.status];
  }
  CAF_CHECK(n[fault_kind::none] > 7700 && n[fault_kind::none] < 8300);
  for (auto k : {fault_kind::server_error, fault_kind::reset, fault_kind::stall})
    CAF_CHECK(n[k] > 500 && n[k] < 850);
  CAF_CHECK(codes[500] > 0 && codes[502] > 0 && codes[503] > 0);
  c.rate = 1;
  c.weight_reset = c.weight_stall = 0;
  c.latency_ms = 25;
  fault_plan only_5xx(c);
  auto d = only_5xx.next();
  CAF_CHECK(d.kind == fault_kind::server_error);
  CAF_CHECK_EQUAL(d.latency_ms, 25);
}

CAF_TEST(an injected 5xx never reaches the workspace and is counted) {
  workspace ws;
  auto before = ws.call("GET", "/rest/companies").num("/totalCount");
  auto set = ws.call("POST", "/_standin/faults", R"({"rate":1,"seed":5,"weights":{"5xx":1,"reset":0,"stall":0}})", "");
  CAF_CHECK_EQUAL(set.status, 200);
  CAF_CHECK_EQUAL(set.str("/rate"), "1");
  auto r = ws.call("POST", "/rest/companies", R"({"name":"X"})");
  CAF_CHECK(r.status == 500 || r.status == 502 || r.status == 503);
  CAF_CHECK_EQUAL(r.num("/statusCode"), r.status);
  ws.call("POST", "/_standin/faults", R"({"rate":0})", "");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/companies").num("/totalCount"), before);
  auto stats = ws.call("GET", "/_standin/stats", "", "");
  CAF_CHECK_EQUAL(stats.num("/faults/total"), 1);
  CAF_CHECK_EQUAL(stats.num("/faults/5xx"), 1);
  CAF_CHECK_EQUAL(stats.num("/writes"), 0);
}

CAF_TEST(stats count requests per route writes and resets) {
  workspace ws;
  auto id = ws.call("GET", "/rest/people?limit=1").str("/data/people/0/id");
  ws.call("GET", "/rest/people/" + id);
  ws.call("GET", "/rest/people/" + id);
  ws.call("PATCH", "/rest/people/" + id, R"({"jobTitle":"x"})");
  ws.gql("{ people { totalCount } }");
  ws.gql("{ objects { edges { node { id } } } }", "{}", "/metadata");
  ws.call("GET", "/rest/people", "", "bad-key");
  auto s = ws.call("GET", "/_standin/stats", "", "");
  CAF_CHECK_EQUAL(s.num("/totalRequests"), 7);
  auto routes = s.at("/routes");
  CAF_REQUIRE(routes != nullptr);
  CAF_CHECK_EQUAL((*routes)["GET /rest/{object}"].GetInt64(), 2);
  CAF_CHECK_EQUAL((*routes)["GET /rest/{object}/{id}"].GetInt64(), 2);
  CAF_CHECK_EQUAL((*routes)["PATCH /rest/{object}/{id}"].GetInt64(), 1);
  CAF_CHECK_EQUAL((*routes)["POST /graphql"].GetInt64(), 1);
  CAF_CHECK_EQUAL((*routes)["POST /metadata"].GetInt64(), 1);
  CAF_CHECK_EQUAL(s.num("/writes"), 1);
  CAF_CHECK_EQUAL(s.num("/rateLimited"), 0);
  CAF_CHECK_EQUAL(ws.call("POST", "/_standin/reset-stats", "", "").status, 200);
  CAF_CHECK_EQUAL(ws.call("GET", "/_standin/stats", "", "").num("/totalRequests"), 0);
}

CAF_TEST(latency and stalls are passed to the transport) {
  workspace ws;
  ws.call("POST", "/_standin/faults", R"({"rate":1,"latencyMs":40,"stallMs":123,"weights":{"5xx":0,"reset":0,"stall":1}})", "");
  http_request req{"GET", "/rest/people", "", {{"Authorization", "Bearer standin-demo-key"}}};
  auto out = ws.a->handle(req);
  CAF_CHECK(out.fault.kind == fault_kind::stall);
  CAF_CHECK_EQUAL(out.fault.stall_ms, 123);
  CAF_CHECK_EQUAL(out.fault.latency_ms, 40);
  ws.call("POST", "/_standin/faults", R"({"rate":0})", "");
  auto ok = ws.a->handle(req);
  CAF_CHECK(ok.fault.kind == fault_kind::none);
  CAF_CHECK_EQUAL(ok.fault.latency_ms, 40);
  CAF_CHECK_EQUAL(ok.response.status, 200);
}

#define CAF_SUITE standin.paging
#include "caf/test/unit_test.hpp"

#include "support.hpp"

#include <set>

using namespace standin;
using namespace standin::test;

namespace {

struct paging_fixture {
  workspace ws{true, 1000};  // 100 companies, 240 people
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(paging_tests, paging_fixture)

CAF_TEST(limit defaults to 60 and clamps at 200) {
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people").size("/data/people"), 60u);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people?limit=500").size("/data/people"), 200u);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people?limit=7").size("/data/people"), 7u);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people?limit=0").size("/data/people"), 0u);
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people?limit=0").num("/totalCount"), 240);
}

CAF_TEST(an invalid limit is a 400) {
  auto r = ws.call("GET", "/rest/people?limit=abc");
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK_EQUAL(r.body, R"({"statusCode":400,"error":"BadRequestException","messages":["limit 'abc' is invalid. Should be an integer"],"code":"INVALID_LIMIT_QUERY_PARAM"})");
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people?limit=-1").status, 400);
}

CAF_TEST(cursors walk forwards over every row exactly once) {
  std::set<std::string> seen;
  std::string after;
  int pages = 0;
  for (;;) {
    auto r = ws.call("GET", "/rest/people?limit=70&order_by=name.lastName[DescNullsLast]"
                            + (after.empty() ? "" : "&starting_after=" + url_encode(after)));
    CAF_REQUIRE_EQUAL(r.status, 200);
    CAF_CHECK_EQUAL(r.num("/totalCount"), 240);
    CAF_CHECK_EQUAL(r.str("/pageInfo/hasPreviousPage"), "false");
    for (auto& id : ids_of(r, "people")) CAF_CHECK(seen.insert(id).second);
    ++pages;
    if (r.str("/pageInfo/hasNextPage") != "true") break;
    after = r.str("/pageInfo/endCursor");
    CAF_REQUIRE(pages < 10);
  }
  CAF_CHECK_EQUAL(pages, 4);
  CAF_CHECK_EQUAL(seen.size(), 240u);
}

CAF_TEST(cursors walk backwards from the end) {
  auto all = ids_of(ws.call("GET", "/rest/people?limit=200"), "people");
  auto last_page = ws.call("GET", "/rest/people?limit=200&starting_after=" +
                                  url_encode(ws.call("GET", "/rest/people?limit=200").str("/pageInfo/endCursor")));
  auto tail = ids_of(last_page, "people");
  all.insert(all.end(), tail.begin(), tail.end());
  CAF_REQUIRE_EQUAL(all.size(), 240u);
  auto before = ws.call("GET", "/rest/people?limit=50&ending_before=" + url_encode(last_page.str("/pageInfo/endCursor")));
  auto got = ids_of(before, "people");
  CAF_CHECK(got == std::vector<std::string>(all.end() - 51, all.end() - 1));  // the 50 rows before the last
  CAF_CHECK_EQUAL(before.str("/pageInfo/hasPreviousPage"), "true");
  CAF_CHECK_EQUAL(before.str("/pageInfo/hasNextPage"), "false");
  auto earlier = ws.call("GET", "/rest/people?limit=50&ending_before=" + url_encode(before.str("/pageInfo/startCursor")));
  CAF_CHECK(ids_of(earlier, "people") == std::vector<std::string>(all.end() - 101, all.end() - 51));
  auto head = ws.call("GET", "/rest/people?limit=50&ending_before=" + url_encode(ws.call("GET", "/rest/people?limit=10").str("/pageInfo/endCursor")));
  CAF_CHECK(ids_of(head, "people") == std::vector<std::string>(all.begin(), all.begin() + 9));
  CAF_CHECK_EQUAL(head.str("/pageInfo/hasPreviousPage"), "false");
}

CAF_TEST(a cursor is base64 json of the order values and the id) {
  auto r = ws.call("GET", "/rest/opportunities?limit=1&order_by=closeDate[AscNullsLast]");
  auto raw = base64_decode(r.str("/pageInfo/startCursor"));
  CAF_REQUIRE(raw.has_value());
  rapidjson::Document d;
  CAF_REQUIRE(parse_json(*raw, d));
  CAF_CHECK_EQUAL(std::string(d["closeDate"].GetString()), r.str("/data/opportunities/0/closeDate"));
  CAF_CHECK_EQUAL(std::string(d["id"].GetString()), r.str("/data/opportunities/0/id"));
  CAF_CHECK_EQUAL(d.MemberBegin()->name.GetString(), std::string("closeDate"));
}

CAF_TEST(cursor misuse is rejected) {
  auto c = url_encode(ws.call("GET", "/rest/people?limit=1").str("/pageInfo/endCursor"));
  CAF_CHECK_EQUAL(ws.call("GET", "/rest/people?starting_after=" + c + "&ending_before=" + c).status, 400);
  auto bad = ws.call("GET", "/rest/people?starting_after=%25%25%25");
  CAF_CHECK_EQUAL(bad.status, 400);
  CAF_CHECK_EQUAL(bad.str("/code"), "INVALID_CURSOR");
}

CAF_TEST(total count ignores paging but honours the filter) {
  auto r = ws.call("GET", "/rest/opportunities?limit=5&filter=stage[eq]:CUSTOMER");
  auto n = r.num("/totalCount");
  CAF_CHECK(n > 5);
  CAF_CHECK(n < 1000);
  std::int64_t counted = 0;
  for (auto st : {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"})
    counted += ws.call("GET", std::string("/rest/opportunities?limit=0&filter=stage[eq]:") + st).num("/totalCount");
  CAF_CHECK_EQUAL(counted, 1000);
}

CAF_TEST_FIXTURE_SCOPE_END()

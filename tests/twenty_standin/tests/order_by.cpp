#define CAF_SUITE standin.order_by
#include "caf/test/unit_test.hpp"

#include "query.hpp"
#include "support.hpp"

using namespace standin;
using namespace standin::test;

namespace {

struct order_fixture {
  workspace ws{false};
  std::string a, b, c, n;  // amounts 10, 20, 20, null
  order_fixture() {
    a = ws.create("opportunities", R"({"name":"A","amount":{"amountMicros":10,"currencyCode":"USD"}})");
    b = ws.create("opportunities", R"({"name":"B","amount":{"amountMicros":20,"currencyCode":"USD"}})");
    c = ws.create("opportunities", R"({"name":"C","amount":{"amountMicros":20,"currencyCode":"USD"}})");
    n = ws.create("opportunities", R"({"name":"N"})");
  }
  std::vector<std::string> names(const std::string& order) {
    auto r = ws.call("GET", "/rest/opportunities?order_by=" + order);
    std::vector<std::string> out;
    for (auto& rec : r.at("/data/opportunities")->GetArray()) out.push_back(rec["name"].GetString());
    return out;
  }
};

using strings = std::vector<std::string>;

}  // namespace

CAF_TEST(order_by appends the id tie breaker) {
  auto spec = parse_rest_order_by(std::string("name,amount.amountMicros[DescNullsLast]"));
  CAF_REQUIRE(static_cast<bool>(spec));
  CAF_REQUIRE_EQUAL(spec.value.size(), 3u);
  CAF_CHECK(spec.value[0].dir == direction::asc_nulls_first);
  CAF_CHECK_EQUAL(spec.value[1].path[1], "amountMicros");
  CAF_CHECK(spec.value[1].dir == direction::desc_nulls_last);
  CAF_CHECK_EQUAL(spec.value[2].path[0], "id");
  auto none = parse_rest_order_by(std::nullopt);
  CAF_REQUIRE_EQUAL(none.value.size(), 1u);
  CAF_CHECK_EQUAL(none.value[0].path[0], "id");
}

CAF_TEST(an invalid direction gives the twenty message) {
  auto spec = parse_rest_order_by(std::string("name[Up]"));
  CAF_REQUIRE(!spec);
  CAF_CHECK_EQUAL(spec.error->message,
                  "'order_by' direction 'Up' invalid. Allowed values are 'AscNullsFirst', 'AscNullsLast', "
                  "'DescNullsFirst', 'DescNullsLast'. eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3");
  workspace ws{false};
  auto r = ws.call("GET", "/rest/people?order_by=name[Up]");
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK_EQUAL(r.str("/code"), "INVALID_ORDER_BY_QUERY_PARAM");
}

CAF_TEST_FIXTURE_SCOPE(order_tests, order_fixture)

CAF_TEST(the four directions place nulls as named) {
  auto ties = [&](strings s) {  // B and C tie on amount: the id decides
    bool b_first = b < c;
    for (auto& x : s)
      if (x == "B" || x == "C") x = "tie";
    (void)b_first;
    return s;
  };
  CAF_CHECK(ties(names("amount.amountMicros[AscNullsFirst]")) == (strings{"N", "A", "tie", "tie"}));
  CAF_CHECK(ties(names("amount.amountMicros[AscNullsLast]")) == (strings{"A", "tie", "tie", "N"}));
  CAF_CHECK(ties(names("amount.amountMicros[DescNullsFirst]")) == (strings{"N", "tie", "tie", "A"}));
  CAF_CHECK(ties(names("amount.amountMicros[DescNullsLast]")) == (strings{"tie", "tie", "A", "N"}));
}

CAF_TEST(ties are broken by ascending id) {
  auto got = names("amount.amountMicros[DescNullsLast]");
  strings expected = b < c ? strings{"B", "C", "A", "N"} : strings{"C", "B", "A", "N"};
  CAF_CHECK(got == expected);
  auto by_id = ids_of(ws.call("GET", "/rest/opportunities"), "opportunities");
  CAF_CHECK(std::is_sorted(by_id.begin(), by_id.end()));
}

CAF_TEST(a bare composite orders by its main subfield and names sort) {
  CAF_CHECK(names("name[DescNullsLast]") == (strings{"N", "C", "B", "A"}));
  CAF_CHECK(names("amount[AscNullsLast],name[DescNullsFirst]") == (strings{"A", "C", "B", "N"}));
}

CAF_TEST(ordering by an unknown field is rejected) {
  auto r = ws.call("GET", "/rest/opportunities?order_by=bogus");
  CAF_CHECK_EQUAL(r.status, 400);
  CAF_CHECK_EQUAL(r.str("/messages/0"), "Object opportunity doesn't have any \"bogus\" field.");
}

CAF_TEST_FIXTURE_SCOPE_END()

// Aggregating records page by page: groups by select, relation, date buckets and composite
// subfields; counts, empties, unique values, amounts per currency; order and limit.
#define CAF_SUITE analytics.group_table
#include "caf/test/unit_test.hpp"

#include "analytics/group_table.hpp"

using namespace tmcp;
using namespace tmcp::analytics;

namespace {

std::vector<field_info> opportunity_fields() {
  return {
    {"name", "name", value_kind::text, {}, {}},
    {"stage", "stage", value_kind::select, {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"}, {}},
    {"amount", "amount", value_kind::currency, {}, {"amountMicros", "currencyCode"}},
    {"closeDate", "closeDate", value_kind::date, {}, {}},
    {"company", "companyId", value_kind::relation, {}, {}},
    {"probability", "probability", value_kind::number, {}, {}},
    {"won", "won", value_kind::boolean, {}, {}},
  };
}

// Eight opportunities: stages out of option order, two currencies, some empty values.
const char* records = R"([
 {"id":"1","name":"A","stage":"MEETING","amount":{"amountMicros":1000000000,"currencyCode":"USD"},"closeDate":"2026-01-10T10:00:00.000Z","companyId":"c1","probability":10,"won":false},
 {"id":"2","name":"B","stage":"NEW","amount":{"amountMicros":2500000,"currencyCode":"EUR"},"closeDate":"2026-01-31T23:30:00.000Z","companyId":"c1","probability":null,"won":true},
 {"id":"3","name":"C","stage":"NEW","amount":{"amountMicros":500000000,"currencyCode":"USD"},"closeDate":"2026-02-14T00:00:00.000Z","companyId":"c2","probability":30,"won":false},
 {"id":"4","name":"","stage":"CUSTOMER","amount":{"amountMicros":null,"currencyCode":""},"closeDate":null,"companyId":null,"probability":50},
 {"id":"5","name":"E","stage":"MEETING","amount":{"amountMicros":3000000000,"currencyCode":"USD"},"closeDate":"2026-02-01T00:00:00.000Z","companyId":"c2","probability":70,"won":true},
 {"id":"6","name":"F","stage":null,"amount":{"amountMicros":1000000,"currencyCode":"EUR"},"closeDate":"2026-03-01T00:00:00.000Z","companyId":"c3","probability":90,"won":false},
 {"id":"7","name":"A","stage":"NEW","amount":{"amountMicros":1500000,"currencyCode":"EUR"},"closeDate":"2026-03-31T22:30:00.000Z","companyId":"c3","probability":10,"won":false},
 {"id":"8","name":"H","stage":"PROPOSAL","amount":null,"closeDate":"2026-01-05T00:00:00.000Z","companyId":"c1","probability":20,"won":true}
])";

group_query query(const std::vector<std::string>& dims, const std::vector<std::string>& aggs,
                  const std::string& order = "", std::size_t limit = 0) {
  auto fields = opportunity_fields();
  group_query q;
  for (auto& d : dims) {
    auto parsed = parse_dimension(d, fields);
    CAF_REQUIRE(parsed.has_value());
    q.dims.push_back(*parsed);
  }
  for (auto& a : aggs) {
    auto parsed = parse_aggregate(a, fields);
    CAF_REQUIRE(parsed.has_value());
    q.aggs.push_back(*parsed);
  }
  if (!order.empty()) {
    auto o = parse_order(order, q);
    CAF_REQUIRE(o.has_value());
    q.order = *o;
  }
  q.limit = limit;
  return q;
}

std::string run(const group_query& q, const std::string& tz = "UTC") {
  auto zone = time_zone::load(tz);
  CAF_REQUIRE(zone.has_value());
  group_table table(q, *zone);
  auto doc = json::parse(records);
  CAF_REQUIRE(doc.has_value());
  for (auto& r : doc->GetArray())
    table.add_record(r);
  CAF_CHECK_EQUAL(table.records_read(), 8u);
  json::document out;
  table.write(out);
  return json::stringify(out);
}

} // namespace

CAF_TEST(counts per stage follow the select options with empty stages last) {
  CAF_CHECK_EQUAL(run(query({"stage"}, {"count"})),
                  R"({"columns":["stage","count"],"rows":[["NEW",3],["MEETING",2],["PROPOSAL",1],["CUSTOMER",1],[null,1]]})");
}

CAF_TEST(amounts are summed per currency code in units and never mixed) {
  CAF_CHECK_EQUAL(run(query({"stage"}, {"sum:amount", "avg:amount"})),
                  R"({"columns":["stage","sum:amount","avg:amount"],"rows":[)"
                  R"(["NEW",{"EUR":4,"USD":500},{"EUR":2,"USD":500}],)"
                  R"(["MEETING",{"USD":4000},{"USD":2000}],["PROPOSAL",null,null],)"
                  R"(["CUSTOMER",null,null],[null,{"EUR":1},{"EUR":1}]]})");
}

CAF_TEST(without dimensions the whole set is one row) {
  CAF_CHECK_EQUAL(run(query({}, {"count", "countEmpty:closeDate", "percentEmpty:probability",
                                 "countUniqueValues:name", "min:closeDate", "max:probability",
                                 "avg:probability"})),
                  R"({"columns":["count","countEmpty:closeDate","percentEmpty:probability",)"
                  R"("countUniqueValues:name","min:closeDate","max:probability","avg:probability"],)"
                  R"("rows":[[8,1,12.5,6,"2026-01-05T00:00:00.000Z",90,40]]})");
}

CAF_TEST(dates group by month in the asked time zone) {
  CAF_CHECK_EQUAL(run(query({"closeDate:month"}, {"count"})),
                  R"({"columns":["closeDate:month","count"],"rows":[["2026-01-01",3],["2026-02-01",2],["2026-03-01",2],[null,1]]})");
  // 23:30 UTC on January 31st and 22:30 UTC on March 31st are a month later in Berlin.
  CAF_CHECK_EQUAL(run(query({"closeDate:month"}, {"count"}), "Europe/Berlin"),
                  R"({"columns":["closeDate:month","count"],"rows":[["2026-01-01",2],["2026-02-01",3],["2026-03-01",1],["2026-04-01",1],[null,1]]})");
}

CAF_TEST(two dimensions group by relation id and boolean) {
  CAF_CHECK_EQUAL(run(query({"company", "won"}, {"count"})),
                  R"({"columns":["company","won","count"],"rows":[["c1",false,1],["c1",true,2],)"
                  R"(["c2",false,1],["c2",true,1],["c3",false,2],[null,null,1]]})");
}

CAF_TEST(groups are ordered by an aggregate and cut to the limit with the total kept) {
  CAF_CHECK_EQUAL(run(query({"company"}, {"count", "sum:probability"}, "sum:probability desc", 2)),
                  R"({"columns":["company","count","sum:probability"],"rows":[["c2",2,100],["c3",2,100]],"groups":4})");
  CAF_CHECK_EQUAL(run(query({"stage"}, {"count"}, "count", 0)),
                  R"({"columns":["stage","count"],"rows":[["PROPOSAL",1],["CUSTOMER",1],[null,1],["MEETING",2],["NEW",3]]})");
}

CAF_TEST(composite subfields group like plain fields) {
  CAF_CHECK_EQUAL(run(query({"amount.currencyCode"}, {"count"})),
                  R"({"columns":["amount.currencyCode","count"],"rows":[["",1],["EUR",3],["USD",3],[null,1]]})");
}

CAF_TEST(bad specs are refused with what would be right) {
  auto fields = opportunity_fields();
  auto msg = [&](auto r) { return r.has_value() ? std::string("(accepted)") : r.error(); };
  CAF_CHECK_EQUAL(msg(parse_dimension("stag", fields)),
                  "unknown field 'stag' in group_by; did you mean 'stage'?");
  CAF_CHECK_EQUAL(msg(parse_dimension("closeDate", fields)),
                  "group the date 'closeDate' by day, week, month, quarter or year, e.g. closeDate:month");
  CAF_CHECK_EQUAL(msg(parse_dimension("closeDate:fortnight", fields)),
                  "group the date 'closeDate' by day, week, month, quarter or year, e.g. closeDate:month");
  CAF_CHECK_EQUAL(msg(parse_dimension("stage:month", fields)),
                  "'stage' is not a date; a granularity (':month') applies to dates only");
  CAF_CHECK_EQUAL(msg(parse_dimension("amount", fields)),
                  "group 'amount' by one of its subfields: amount.amountMicros, amount.currencyCode");
  CAF_CHECK(msg(parse_aggregate("summ:amount", fields))
              .rfind("unknown aggregate 'summ'; did you mean 'sum'? aggregates: count,", 0) == 0);
  CAF_CHECK_EQUAL(msg(parse_aggregate("sum:stage", fields)),
                  "sum needs a number or currency field; 'stage' is select");
  CAF_CHECK_EQUAL(msg(parse_aggregate("count:amount", fields)),
                  "'count' counts records and takes no field; use countNotEmpty:amount to count records where it is set");
  CAF_CHECK_EQUAL(msg(parse_aggregate("avg", fields)), "'avg' needs a field, e.g. avg:amount");
  auto q = query({"stage"}, {"count"});
  CAF_CHECK_EQUAL(msg(parse_order("cont desc", q)),
                  "order_by 'cont' is not a column of the answer; did you mean 'count'? columns: "
                  "stage, count (add 'desc' for descending)");
  auto by_field = parse_order("stage desc", q);
  CAF_REQUIRE(by_field.has_value());
  CAF_CHECK_EQUAL(by_field->column, 0u);
  CAF_CHECK(by_field->descending);
}

// A page of records as one table: columns once, a row of values per record, nested objects as
// dotted columns, nothing lost; over-long answers drop rows from the end.
#define CAF_SUITE integration.record_table
#include "caf/test/unit_test.hpp"

#include "integration/record_table.hpp"
#include "integration/tools/tool_support.hpp"
#include "tests/support/record_table.hpp"

using namespace tmcp;
using namespace tmcp::twenty;

namespace {

// `records` (a JSON array of agent views) as the table an answer carries.
std::string table_of(const char* records, const std::vector<std::string>& order = {}) {
  auto doc = json::parse(std::string("{\"r\":") + records + "}");
  CAF_REQUIRE(doc);
  json::document out;
  out.SetObject();
  json::value recs((*doc)["r"], out.GetAllocator());
  add_record_table(out, recs, out.GetAllocator(), order);
  return json::stringify(out);
}

} // namespace

CAF_TEST(columns come once with id first and rows hold the values in column order) {
  CAF_CHECK_EQUAL(table_of(R"([{"name":"Acme","id":"a1","domainName":"https://acme.example"},
                               {"id":"b2","name":"Beta"}])"),
                  R"({"columns":["id","name","domainName"],)"
                  R"("rows":[["a1","Acme","https://acme.example"],["b2","Beta",null]]})");
}

CAF_TEST(related records and composites become dotted columns) {
  CAF_CHECK_EQUAL(
    table_of(R"([{"id":"o1","amount":"12.5 USD","company":{"name":"Acme","accountOwner":{"name":"Ada"}}},
                 {"id":"o2","company":{"name":"Beta"},"address":{"addressCity":"Paris"}},
                 {"id":"o3"}])"),
    R"({"columns":["id","amount","company.name","company.accountOwner.name","address.addressCity"],)"
    R"("rows":[["o1","12.5 USD","Acme","Ada",null],["o2",null,"Beta",null,"Paris"],)"
    R"(["o3",null,null,null,null]]})");
}

CAF_TEST(the asked fields lead in the order they were asked) {
  CAF_CHECK_EQUAL(table_of(R"([{"id":"p","emails":"a@x.com","jobTitle":"CTO","name":{"firstName":"Ada","lastName":"L"}}])",
                           {"name", "jobTitle"}),
                  R"({"columns":["id","name.firstName","name.lastName","jobTitle","emails"],)"
                  R"("rows":[["p","Ada","L","CTO","a@x.com"]]})");
}

CAF_TEST(a field that is not an object on every record stays one column) {
  // domainName is a flattened one-value composite on one record and a whole object on another.
  CAF_CHECK_EQUAL(table_of(R"([{"id":"a","domainName":"https://a.example"},
                               {"id":"b","domainName":{"primaryLinkUrl":"https://b.example","secondaryLinks":["x"]}}])"),
                  R"({"columns":["id","domainName"],"rows":[["a","https://a.example"],)"
                  R"(["b",{"primaryLinkUrl":"https://b.example","secondaryLinks":["x"]}]]})");
}

CAF_TEST(arrays such as targets stay values and an empty page has no columns) {
  CAF_CHECK_EQUAL(table_of(R"([{"id":"t","targets":[{"object":"companies","id":"c"}]}])"),
                  R"({"columns":["id","targets"],"rows":[["t",[{"object":"companies","id":"c"}]]]})");
  CAF_CHECK_EQUAL(table_of("[]"), R"({"columns":[],"rows":[]})");
}

CAF_TEST(reading the table back gives the records again) {
  const char* records =
    R"([{"id":"o1","name":"Deal","company":{"name":"Acme","accountOwner":{"name":"Ada"}},"stage":"NEW"},)"
    R"({"id":"o2","tags":["a","b"],"company":{"name":"Beta"}}])";
  auto table = json::parse(table_of(records));
  CAF_REQUIRE(table);
  CAF_CHECK_EQUAL(json::stringify(testing::records_of(*table)),
                  R"([{"id":"o1","name":"Deal","company":{"name":"Acme","accountOwner":{"name":"Ada"}},"stage":"NEW"},)"
                  R"({"id":"o2","company":{"name":"Beta"},"tags":["a","b"]}])");
}

CAF_TEST(an answer over the byte budget drops rows from the end and says so) {
  std::string records = "[";
  for (int i = 0; i < 100; ++i)
    records += (i ? "," : "") + std::string(R"({"id":"r)") + std::to_string(i)
               + R"(","name":"a name long enough to count"})";
  records += "]";
  auto doc = json::parse(table_of(records.c_str()));
  CAF_REQUIRE(doc);
  auto text = tools::bounded_json(*doc, 1000);
  CAF_CHECK_LESS_OR_EQUAL(text.size(), 1000u);
  auto out = json::parse(text);
  CAF_REQUIRE(out);
  CAF_CHECK((*out)["truncated"].GetBool());
  CAF_CHECK_GREATER((*out)["rows"].Size(), 0u);
  CAF_CHECK_LESS((*out)["rows"].Size(), 100u);
  CAF_CHECK_EQUAL(std::string((*out)["rows"][0][0].GetString()), "r0");
  CAF_CHECK_EQUAL(json::stringify((*out)["columns"]), R"(["id","name"])");
}

// The everyday record tools against the stand-in answering as 2.19, and as 2.5 beside it: the
// field names come from the live schema (twenty_get_schema), never from constants, so the
// 2.5 -> 2.19 renames of the recordings (tests/data/twenty-recordings/README.md) are data.
#define CAF_SUITE app.twenty_fields
#include "caf/test/unit_test.hpp"

#include <map>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"
#include "tests/support/record_table.hpp"

using namespace tmcp;
using namespace tmcp::testing;

namespace {

struct fixture {
  std::unique_ptr<standin_process> standin;
  std::unique_ptr<mcp_stdio_client> mcp;

  void start(const std::string& release) {
    standin = std::make_unique<standin_process>(
      std::vector<std::string>{"--twenty-version", release});
    CAF_REQUIRE(!standin->url.empty());
    mcp = std::make_unique<mcp_stdio_client>(std::vector<std::string>{
      TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url",
      standin->url, "--twenty-api-key", "standin-demo-key"});
    CAF_REQUIRE(mcp->initialize());
  }

  json::document ok(const std::string& tool, const std::string& args) {
    auto r = mcp->call_tool(tool, args);
    if (!r.IsObject() || is_error_result(r) || !r.HasMember("structuredContent"))
      CAF_FAIL(tool << " " << args << " failed: " << json::stringify(r));
    json::document out;
    out.CopyFrom(r["structuredContent"], out.GetAllocator());
    return out;
  }

  // The object's fields (name -> Twenty type), as twenty_get_schema tells an agent.
  std::map<std::string, std::string> fields(const std::string& object) {
    auto d = ok("twenty_get_schema", R"({"object":")" + object + R"(","detail":"full"})");
    std::map<std::string, std::string> out;
    for (auto& f : d["fields"].GetArray())
      out[f["name"].GetString()] = f["type"].GetString();
    return out;
  }

  // The one field of `type` (the revenue: the company's only CURRENCY field).
  static std::string only_field_of(const std::map<std::string, std::string>& fields,
                                   const std::string& type) {
    std::string found;
    for (auto& [name, t] : fields)
      if (t == type) {
        CAF_CHECK(found.empty());
        found = name;
      }
    CAF_REQUIRE(!found.empty());
    return found;
  }

  // Starts on `release`: the companies' fields, whose one CURRENCY field must be `revenue`.
  std::map<std::string, std::string> start_with_revenue(const std::string& release,
                                                        const std::string& revenue) {
    start(release);
    auto company = fields("companies");
    CAF_CHECK_EQUAL(only_field_of(company, "CURRENCY"), revenue);
    return company;
  }

  // A company goes through create, get, update, a filtered list, search and delete with the
  // revenue field `revenue`; the other release's name is refused before any upstream call.
  void company_round_trip(const std::string& revenue, const std::string& other_name,
                          const std::string& company_name) {
    auto created = ok("twenty_create_record",
                      R"({"object":"companies","data":{"name":")" + company_name + R"(",")"
                        + revenue
                        + R"(":{"amountMicros":2500000000,"currencyCode":"EUR"},"employees":4242}})");
    std::string id = created["record"]["id"].GetString();
    auto got = ok("twenty_get_record", R"({"object":"companies","id":")" + id + "\"}");
    auto shown = json::stringify(got["record"][revenue.c_str()]);
    CAF_MESSAGE(revenue << " as shown: " << shown);
    CAF_CHECK(shown.find("2500") != std::string::npos);
    CAF_CHECK(shown.find("EUR") != std::string::npos);
    ok("twenty_update_record", R"({"object":"companies","id":")" + id + R"(","data":{")"
                                 + revenue + R"(":{"amountMicros":7000000000,"currencyCode":"EUR"}}})");
    auto listed = ok("twenty_list_records",
                     R"({"object":"companies","filter":"employees[eq]:4242","fields":["name",")"
                       + revenue + R"("]})");
    auto rows = records_of(listed);
    CAF_REQUIRE_EQUAL(rows.Size(), 1u);
    CAF_CHECK_EQUAL(std::string(rows[0]["name"].GetString()), company_name);
    CAF_CHECK(json::stringify(rows[0][revenue.c_str()]).find("7000") != std::string::npos);
    auto found = ok("twenty_search_records", R"({"query":")" + company_name + R"("})");
    CAF_CHECK(json::stringify(found).find(id) != std::string::npos);
    standin->reset_stats();
    auto refused = mcp->call_tool(
      "twenty_create_record", R"({"object":"companies","data":{"name":"Old Name Co",")"
                                + other_name + R"(":{"amountMicros":1,"currencyCode":"EUR"}}})");
    CAF_CHECK(is_error_result(refused));
    CAF_MESSAGE(other_name << " refused: " << result_text(refused));
    CAF_CHECK(result_text(refused).find(other_name) != std::string::npos);
    CAF_CHECK_EQUAL(standin->count("POST /rest/{object}"), 0);
    ok("twenty_delete_record", R"({"object":"companies","id":")" + id + "\"}");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(twenty_fields_tests, fixture)

CAF_TEST(on 2.19 the record tools use annualRevenue and people have no city) {
  const std::string revenue = "annualRevenue";
  auto company = start_with_revenue("2.19", revenue);
  for (auto gone : {"annualRecurringRevenue", "idealCustomerProfile", "xLink"})
    CAF_CHECK_EQUAL(company.count(gone), 0u);
  CAF_CHECK_EQUAL(company.count("employees"), 1u);
  auto person = fields("people");
  CAF_CHECK_EQUAL(person.count("city"), 0u);
  CAF_CHECK_EQUAL(person.count("xLink"), 0u);
  CAF_CHECK_EQUAL(person["listMemberships"], "RELATION");
  company_round_trip(revenue, "annualRecurringRevenue", "Fields Twenty Nineteen Co");
  // employees is null in 2.19's seed data (README of the recordings).
  auto seeded = ok("twenty_list_records", R"({"object":"companies","filter":"employees[is]:NOT_NULL"})");
  CAF_CHECK_EQUAL(seeded["rows"].Size(), 0u);
  // A person's city is no field on 2.19: the filter is refused with what exists.
  auto city = mcp->call_tool("twenty_list_records",
                             R"({"object":"people","filter":"city[eq]:Paris"})");
  CAF_CHECK(is_error_result(city));
  CAF_CHECK(result_text(city).find("city") != std::string::npos);
}

CAF_TEST(on 2.5 the same tools use annualRecurringRevenue and people keep their city) {
  const std::string revenue = "annualRecurringRevenue";
  auto company = start_with_revenue("2.5", revenue);
  for (auto kept : {"idealCustomerProfile", "xLink", "employees"})
    CAF_CHECK_EQUAL(company.count(kept), 1u);
  auto person = fields("people");
  CAF_CHECK_EQUAL(person["city"], "TEXT");
  CAF_CHECK_EQUAL(person.count("listMemberships"), 0u);
  company_round_trip(revenue, "annualRevenue", "Fields Two Five Co");
  auto parisians = ok("twenty_list_records",
                      R"({"object":"people","filter":"city[eq]:Paris","fields":["name","city"]})");
  CAF_CHECK_GREATER(parisians["rows"].Size(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

#define CAF_SUITE app.twenty_answers
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"
#include "tests/support/record_table.hpp"

using namespace tmcp;
using namespace tmcp::testing;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos)
    return true;
  CAF_MESSAGE("'" << needle << "' not in: " << haystack);
  return false;
}

struct fixture {
  standin_process standin;
  std::unique_ptr<mcp_stdio_client> mcp;

  fixture() {
    CAF_REQUIRE(!standin.url.empty());
    mcp = std::make_unique<mcp_stdio_client>(std::vector<std::string>{
      TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url",
      standin.url, "--twenty-api-key", "standin-demo-key", "--cache-ttl-ms", "0"});
    CAF_REQUIRE(mcp->initialize());
  }

  // stdio frames one message per line: the arguments written over several lines are joined.
  json::document call(const std::string& tool, std::string args) {
    args.erase(std::remove(args.begin(), args.end(), '\n'), args.end());
    return mcp->call_tool(tool, args);
  }

  json::document ok(const std::string& tool, const std::string& args) {
    auto r = call(tool, args);
    if (!r.IsObject() || is_error_result(r) || !r.HasMember("structuredContent"))
      CAF_FAIL(tool << " failed: " << json::stringify(r));
    json::document out;
    out.CopyFrom(r["structuredContent"], out.GetAllocator());
    return out;
  }

  // The stand-in's own REST answer, parsed.
  json::document rest(const std::string& target) {
    auto [status, body] = standin.http("GET", target);
    CAF_REQUIRE_EQUAL(status, 200);
    auto doc = json::parse(body);
    CAF_REQUIRE(doc);
    return std::move(*doc);
  }

  std::string first_id(const std::string& plural) {
    auto page = rest("/rest/" + plural + "?limit=1");
    return page["data"][plural.c_str()][0]["id"].GetString();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(twenty_answers_tests, fixture)

CAF_TEST(related fields come in one graphql call and hold only what was asked) {
  standin.reset_stats();
  auto page = ok("twenty_list_records", R"({"object":"opportunities","limit":10,
    "order_by":"amount[DescNullsLast]",
    "fields":["id","name","amount","company.name","company.accountOwner.name","pointOfContact.name"]})");
  CAF_CHECK_EQUAL(standin.count("POST /graphql"), 1);
  CAF_CHECK_EQUAL(standin.count("GET /rest/{object}"), 0);
  auto recs = records_of(page);
  CAF_REQUIRE_EQUAL(recs.Size(), 10u);
  std::set<std::string> allowed{"id", "name", "amount", "company", "pointOfContact"};
  std::size_t with_company = 0;
  for (auto& rec : recs.GetArray()) {
    for (auto& m : rec.GetObject())
      CAF_CHECK(allowed.count(m.name.GetString()) == 1);
    if (rec.HasMember("amount"))
      CAF_CHECK(contains(rec["amount"].GetString(), " ")); // "46400000 USD"
    if (auto company = json::find(rec, "company")) {
      ++with_company;
      for (auto& m : company->GetObject())
        CAF_CHECK(std::string(m.name.GetString()) == "name"
                  || std::string(m.name.GetString()) == "accountOwner");
    }
  }
  CAF_CHECK_GREATER(with_company, 0u);
  // The same company names as the stand-in's REST answer for the first record.
  const auto& first = recs[0];
  if (first.HasMember("company")) {
    auto id = std::string(first["id"].GetString());
    auto raw = rest("/rest/opportunities/" + id + "?depth=1");
    CAF_CHECK_EQUAL(std::string(first["company"]["name"].GetString()),
                    std::string(raw["data"]["opportunity"]["company"]["name"].GetString()));
  }
}

CAF_TEST(a filter on a related field matches what the stand-in rest answers) {
  auto page = ok("twenty_list_records", R"({"object":"opportunities","limit":200,
    "filter":"company.name[ilike]:\"%a%\"","fields":["id","name","company.name"]})");
  // Twenty's REST has no relation filter: join by hand.
  auto companies = rest("/rest/companies?limit=200&filter=name%5Bilike%5D%3A%22%25a%25%22");
  std::set<std::string> company_ids;
  for (auto& c : companies["data"]["companies"].GetArray())
    company_ids.insert(c["id"].GetString());
  auto all = rest("/rest/opportunities?limit=200");
  std::set<std::string> expected, got;
  for (auto& o : all["data"]["opportunities"].GetArray())
    if (o["companyId"].IsString() && company_ids.count(o["companyId"].GetString()))
      expected.insert(o["id"].GetString());
  auto recs = records_of(page);
  for (auto& rec : recs.GetArray()) {
    got.insert(rec["id"].GetString());
    CAF_CHECK(contains(lower(rec["company"]["name"].GetString()), "a"));
  }
  CAF_CHECK(!expected.empty());
  CAF_CHECK(got == expected);
}

CAF_TEST(an order_by on a related field the release refuses says so and how to sort instead) {
  auto r = call("twenty_list_records", R"({"object":"opportunities","order_by":"company.name",
    "fields":["name","company.name"]})");
  CAF_REQUIRE(is_error_result(r));
  auto text = result_text(r);
  CAF_CHECK(contains(text, "refused an order_by on a related record's field"));
  CAF_CHECK(contains(text, "Ordering by relation 'company' is not supported"));
  CAF_CHECK(contains(text, "order by the record's own fields"));
  // The advice fits the argument: nothing about filters when only the order reached through.
  CAF_CHECK_EQUAL(text.find("filter on the relation id"), std::string::npos);
}

CAF_TEST(a task created with targets is linked through task targets and reads them back) {
  auto company = first_id("companies");
  auto person = first_id("people");
  auto made = ok("twenty_create_record",
                 R"({"object":"tasks","data":{"title":"Call back","bodyV2":"Ask about the renewal"},
                     "targets":[{"object":"companies","id":")" + company
                   + R"("},{"object":"people","id":")" + person + R"("}]})");
  std::string task = made["record"]["id"].GetString();
  CAF_CHECK_EQUAL(made["record"]["targets"].Size(), 2u);
  CAF_CHECK_EQUAL(std::string(made["record"]["bodyV2"].GetString()), "Ask about the renewal");
  // The stand-in holds two junction records with the release's column names (targetCompanyId
  // from 2.5 on, companyId on 0.50).
  auto links = rest("/rest/taskTargets?filter=taskId%5Beq%5D%3A" + task);
  CAF_REQUIRE_EQUAL(links["data"]["taskTargets"].Size(), 2u);
  std::set<std::string> linked;
  for (auto& l : links["data"]["taskTargets"].GetArray())
    for (auto column : {"targetCompanyId", "targetPersonId", "companyId", "personId"})
      if (l.HasMember(column) && l[column].IsString())
        linked.insert(l[column].GetString());
  CAF_CHECK(linked == (std::set<std::string>{company, person}));
  auto read = ok("twenty_get_record", R"({"object":"tasks","id":")" + task
                                        + R"(","fields":["title","targets"]})");
  CAF_REQUIRE_EQUAL(read["record"]["targets"].Size(), 2u);
  auto company_name = rest("/rest/companies/" + company);
  bool named = false;
  for (auto& t : read["record"]["targets"].GetArray())
    if (std::string(t["object"].GetString()) == "companies")
      named = std::string(t["name"].GetString())
              == company_name["data"]["company"]["name"].GetString();
  CAF_CHECK(named);
}

CAF_TEST(a link twenty refuses removes the new task and names the target) {
  auto company = first_id("companies");
  auto before = rest("/rest/tasks?limit=200")["totalCount"].GetInt();
  auto links_before = rest("/rest/taskTargets?limit=1")["totalCount"].GetInt();
  auto r = call("twenty_create_record",
                R"({"object":"tasks","data":{"title":"Doomed"},"targets":[{"object":"companies","id":")"
                  + company
                  + R"("},{"object":"companies","id":"00000000-0000-0000-0000-000000000000"}]})");
  CAF_REQUIRE(is_error_result(r));
  auto text = result_text(r);
  CAF_CHECK(contains(text, "linking companies 00000000-0000-0000-0000-000000000000 failed"));
  CAF_CHECK(contains(text, "Invalid UUID value"));
  CAF_CHECK_EQUAL(rest("/rest/tasks?limit=200")["totalCount"].GetInt(), before);
  CAF_CHECK_EQUAL(rest("/rest/taskTargets?limit=1")["totalCount"].GetInt(), links_before);
}

CAF_TEST(money is written and read as an amount with its code) {
  auto company = first_id("companies");
  auto made = ok("twenty_create_record",
                 R"({"object":"opportunities","data":{"name":"Refund","amount":"-12.5 EUR","companyId":")"
                   + company + R"("}})");
  std::string id = made["record"]["id"].GetString();
  CAF_CHECK_EQUAL(std::string(made["record"]["amount"].GetString()), "-12.5 EUR");
  auto raw = rest("/rest/opportunities/" + id);
  CAF_CHECK_EQUAL(raw["data"]["opportunity"]["amount"]["amountMicros"].GetInt64(), -12500000);
  CAF_CHECK_EQUAL(std::string(raw["data"]["opportunity"]["amount"]["currencyCode"].GetString()), "EUR");
  auto updated = ok("twenty_update_record", R"({"object":"opportunities","id":")" + id
                                              + R"(","data":{"amount":{"amount":"0.000001","currency":"KWD"}}})");
  CAF_CHECK_EQUAL(std::string(updated["record"]["amount"].GetString()), "0.000001 KWD");
  // Audit blocks are left out unless asked for.
  CAF_CHECK(!made["record"].HasMember("createdBy"));
  auto audit = ok("twenty_get_record", R"({"object":"opportunities","id":")" + id
                                         + R"(","fields":["createdBy"]})");
  CAF_CHECK(audit["record"].HasMember("createdBy"));
}

CAF_TEST_FIXTURE_SCOPE_END()

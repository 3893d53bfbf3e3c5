#define CAF_SUITE integration.record_view
#include "caf/test/unit_test.hpp"

#include "integration/record_view.hpp"
#include "tests/integration/support/recorded_schema.hpp"

using namespace tmcp;
using namespace tmcp::twenty;

namespace {

struct fixture : test::recorded_schema {
  // `record` as the agent sees it, as compact JSON text.
  std::string view(const char* object, const char* record,
                   const std::vector<std::string>& fields = {}) {
    auto doc = json::parse(record);
    CAF_REQUIRE(doc);
    auto tree = make_field_tree(fields);
    render_record(schema, obj(object), *doc, doc->GetAllocator(), fields.empty() ? nullptr : &tree);
    return json::stringify(*doc);
  }

  // `data` converted for Twenty, or the error message.
  std::string input(const char* object, const char* data) {
    auto doc = json::parse(data);
    CAF_REQUIRE(doc);
    if (auto problem = to_twenty_input(obj(object), *doc, doc->GetAllocator()))
      return *problem;
    return json::stringify(*doc);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(record_view_tests, fixture)

CAF_TEST(money is an exact decimal with its code for any exponent and sign) {
  CAF_CHECK_EQUAL(format_money(46400000000000, "USD"), "46400000 USD");
  CAF_CHECK_EQUAL(format_money(-12500000, "EUR"), "-12.5 EUR");
  CAF_CHECK_EQUAL(format_money(1, "KWD"), "0.000001 KWD");
  CAF_CHECK_EQUAL(format_money(1234000, "KWD"), "1.234 KWD");
  CAF_CHECK_EQUAL(format_money(500000000, "JPY"), "500 JPY");
  CAF_CHECK_EQUAL(format_money(-1, ""), "-0.000001");
  CAF_CHECK_EQUAL(format_money(INT64_MIN, "USD"), "-9223372036854.775808 USD");
}

CAF_TEST(money text parses back to the same micros) {
  for (long long micros : std::vector<long long>{46400000000000LL, -12500000LL, 1LL, 1234000LL,
                                                0LL, -1LL, INT64_MAX}) {
    auto text = format_money(micros, "EUR");
    auto m = parse_money(text);
    CAF_REQUIRE(m);
    CAF_CHECK_EQUAL(m->micros, micros);
    CAF_CHECK_EQUAL(m->code, "EUR");
  }
  auto grouped = parse_money("46,400,000.50 usd");
  CAF_REQUIRE(grouped);
  CAF_CHECK_EQUAL(grouped->micros, 46400000500000LL);
  CAF_CHECK_EQUAL(grouped->code, "USD");
  auto code_first = parse_money("JPY 500");
  CAF_REQUIRE(code_first);
  CAF_CHECK_EQUAL(code_first->micros, 500000000LL);
  CAF_CHECK(!parse_money("1.0000001 USD"));
  CAF_CHECK(!parse_money("12 dollars"));
  CAF_CHECK(!parse_money("abc"));
  CAF_CHECK(!parse_money("99999999999999 USD"));
}

CAF_TEST(a record drops audit blocks system fields nulls and empty composites) {
  auto text = view("company", R"({"id":"c1","createdAt":"2026-01-01T10:00:00.000Z",
    "updatedAt":"2026-01-01T10:00:00.000Z","deletedAt":null,
    "createdBy":{"source":"API","workspaceMemberId":null,"name":"key","context":{}},
    "updatedBy":{"source":"API","workspaceMemberId":null,"name":"key","context":{}},
    "position":3,"searchVector":"'acme'","name":"Acme",
    "domainName":{"primaryLinkUrl":"https://acme.com","primaryLinkLabel":"","secondaryLinks":[]},
    "address":{"addressStreet1":"","addressCity":"Paris","addressLat":null},
    "annualRevenue":{"amountMicros":46400000000000,"currencyCode":"USD"},
    "tier":null,"accountOwnerId":null,"__typename":"Company"})");
  CAF_CHECK_EQUAL(text, R"({"id":"c1","createdAt":"2026-01-01T10:00:00Z","name":"Acme",)"
                        R"("domainName":"https://acme.com","address":{"addressCity":"Paris"},)"
                        R"("annualRevenue":"46400000 USD"})");
}

CAF_TEST(updatedAt stays when it differs and audit fields come back when asked for) {
  auto changed = view("company", R"({"id":"c1","createdAt":"2026-01-01T10:00:00.000Z",
    "updatedAt":"2026-02-01T10:00:00.123Z","name":"Acme"})");
  CAF_CHECK_EQUAL(changed, R"({"id":"c1","createdAt":"2026-01-01T10:00:00Z",)"
                           R"("updatedAt":"2026-02-01T10:00:00.123Z","name":"Acme"})");
  auto asked = view("company", R"({"id":"c1","position":3,"name":"Acme",
    "createdBy":{"source":"API","workspaceMemberId":null,"name":"key","context":{}}})",
                    {"createdBy", "position"});
  CAF_CHECK_EQUAL(asked, R"({"position":3,"createdBy":{"source":"API","name":"key"}})");
}

CAF_TEST(a composite keeps its object form when more than the primary subfield is set) {
  auto text = view("person", R"({"id":"p1","name":{"firstName":"Ada","lastName":""},
    "emails":{"primaryEmail":"ada@x.com","additionalEmails":["a@y.com"]},
    "phones":{"primaryPhoneNumber":"612345678","primaryPhoneCountryCode":"FR","primaryPhoneCallingCode":"+33","additionalPhones":null}})");
  CAF_CHECK_EQUAL(text, R"({"id":"p1","name":{"firstName":"Ada"},)"
                        R"("emails":{"primaryEmail":"ada@x.com","additionalEmails":["a@y.com"]},)"
                        R"("phones":{"primaryPhoneNumber":"612345678","primaryPhoneCountryCode":"FR","primaryPhoneCallingCode":"+33"}})");
}

CAF_TEST(an amount without micros is dropped and a negative one keeps its sign) {
  auto text = view("opportunity", R"({"id":"o1","amount":{"amountMicros":null,"currencyCode":"USD"}})");
  CAF_CHECK_EQUAL(text, R"({"id":"o1"})");
  auto neg = view("opportunity", R"({"id":"o1","amount":{"amountMicros":-2500000,"currencyCode":"EUR"}})");
  CAF_CHECK_EQUAL(neg, R"({"id":"o1","amount":"-2.5 EUR"})");
}

CAF_TEST(related records follow their own object and connections become arrays) {
  auto text = view("opportunity", R"({"id":"o1","name":"Deal","amount":{"amountMicros":1000000,"currencyCode":"USD"},
    "company":{"name":"Microsoft","accountOwner":null,"position":2},
    "pointOfContact":{"name":{"firstName":"Kim","lastName":"Gordon"}}})",
                   {"name", "company.name", "company.accountOwner.name", "pointOfContact.name"});
  // Only the fields asked for: the id too only when asked.
  CAF_CHECK_EQUAL(text, R"({"name":"Deal","company":{"name":"Microsoft"},)"
                        R"("pointOfContact":{"name":{"firstName":"Kim","lastName":"Gordon"}}})");
  auto many = view("company", R"({"id":"c1","people":{"edges":[{"node":{"id":"p1","jobTitle":"CTO","position":1}},
    {"node":{"id":"p2","jobTitle":""}}]}})", {"id", "people.id", "people.jobTitle"});
  CAF_CHECK_EQUAL(many, R"({"id":"c1","people":[{"id":"p1","jobTitle":"CTO"},{"id":"p2"}]})");
}

CAF_TEST(writes accept money and flattened composites and convert them back) {
  CAF_CHECK_EQUAL(input("company", R"({"name":"Acme","annualRevenue":"46,400,000 USD",
    "domainName":"https://acme.com"})"),
                  R"({"name":"Acme","annualRevenue":{"amountMicros":46400000000000,"currencyCode":"USD"},)"
                  R"("domainName":{"primaryLinkUrl":"https://acme.com"}})");
  CAF_CHECK_EQUAL(input("opportunity", R"({"amount":{"amount":-12.5,"currency":"EUR"}})"),
                  R"({"amount":{"amountMicros":-12500000,"currencyCode":"EUR"}})");
  CAF_CHECK_EQUAL(input("opportunity", R"({"amount":{"amount":"0.000001","currency":"KWD"}})"),
                  R"({"amount":{"amountMicros":1,"currencyCode":"KWD"}})");
  CAF_CHECK_EQUAL(input("opportunity", R"({"amount":{"amountMicros":5,"currencyCode":"USD"}})"),
                  R"({"amount":{"amountMicros":5,"currencyCode":"USD"}})");
  CAF_CHECK_EQUAL(input("person", R"({"emails":"ada@x.com","phones":"612345678"})"),
                  R"({"emails":{"primaryEmail":"ada@x.com"},"phones":{"primaryPhoneNumber":"612345678"}})");
  CAF_CHECK_EQUAL(input("task", R"({"bodyV2":"# Call back"})"),
                  R"({"bodyV2":{"markdown":"# Call back"}})");
  auto bad = input("opportunity", R"({"amount":"lots of money"})");
  CAF_CHECK(bad.find("field 'amount'") == 0);
  CAF_CHECK(bad.find("46400000 USD") != std::string::npos);
}

CAF_TEST(what the view shows can be written back unchanged) {
  auto shown = view("company", R"({"id":"c1","annualRevenue":{"amountMicros":-1234567,"currencyCode":"KWD"},
    "domainName":{"primaryLinkUrl":"https://acme.com","primaryLinkLabel":"","secondaryLinks":null}})");
  auto doc = json::parse(shown);
  CAF_REQUIRE(doc);
  doc->EraseMember(doc->FindMember("id"));
  auto back = input("company", json::stringify(*doc).c_str());
  CAF_CHECK_EQUAL(back, R"({"annualRevenue":{"amountMicros":-1234567,"currencyCode":"KWD"},)"
                        R"("domainName":{"primaryLinkUrl":"https://acme.com"}})");
}

CAF_TEST_FIXTURE_SCOPE_END()

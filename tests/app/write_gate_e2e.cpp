// Writes that are only shown (dry_run) or that wait for the user's yes (MCP_CONFIRM_DESTRUCTIVE),
// end to end: the real server over HTTP against the stand-in, whose write counter proves what
// reached Twenty. The confirmation runs in the 2026-07-28 era, where it is an input_required
// result answered by a second request carrying the user's answer and the requestState.
#define CAF_SUITE app.write_gate
#include "caf/test/unit_test.hpp"

#include "app/modern_http_server.hpp"

using namespace tmcp;
using namespace tmcp::testing;

namespace {

constexpr const char* eliciting = R"({"elicitation":{}})";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string first_company(modern_http_server& s) {
  auto page = s.call("twenty_list_records", R"({"object":"companies","limit":1,"fields":["id"]})");
  return page["result"]["structuredContent"]["rows"][0][0].GetString();
}

std::string text_of(const json::document& answer) {
  return json::stringify(answer);
}

} // namespace

CAF_TEST(dry runs of every write reach twenty with nothing and show the requests) {
  modern_http_server s;
  auto id = first_company(s);
  s.standin.reset_stats();
  auto create = text_of(s.call("twenty_create_record",
                               R"({"object":"companies","data":{"name":"Dry Co"},"dry_run":true})"));
  CAF_CHECK(has(create, R"("dryRun":true,"sent":false)"));
  CAF_CHECK(has(create, R"("method":"POST","path":"/rest/companies")"));
  CAF_CHECK(has(create, "Dry Co"));
  auto update = text_of(s.call("twenty_update_record", R"({"object":"companies","id":")" + id
                                                          + R"(","data":{"name":"Renamed"},"dry_run":true})"));
  CAF_CHECK(has(update, R"("method":"PATCH","path":"/rest/companies/)" + id));
  auto remove = text_of(s.call("twenty_delete_record", R"({"object":"companies","id":")" + id
                                                          + R"(","dry_run":true})"));
  CAF_CHECK(has(remove, R"("method":"DELETE")") && has(remove, id));
  auto batch = text_of(s.call("twenty_batch_operations",
                              R"({"object":"companies","operation":"delete","ids":[")" + id
                                + R"("],"dry_run":true})"));
  CAF_CHECK(has(batch, R"("dryRun":true)"));
  // A dry run is checked like a real call: a field the object lacks is named.
  auto bad = text_of(s.call("twenty_create_record",
                            R"({"object":"companies","data":{"colour":"red"},"dry_run":true})"));
  CAF_CHECK(has(bad, R"("isError":true)") && has(bad, "colour"));
  CAF_CHECK_EQUAL(s.standin.count("writes"), 0);
  auto still = text_of(s.call("twenty_get_record", R"({"object":"companies","id":")" + id + "\"}"));
  CAF_CHECK(!has(still, "Renamed") && !has(still, R"("isError":true)"));
}

CAF_TEST(a stateless delete asks for confirmation and runs only once the user accepts) {
  modern_http_server s({}, {"--confirm-destructive"});
  auto id = first_company(s);
  s.standin.reset_stats();
  auto args = R"({"object":"companies","id":")" + id + "\"}";
  auto asked = s.call("twenty_delete_record", args, std::string(eliciting));
  CAF_REQUIRE(asked.HasMember("result"));
  auto& r = asked["result"];
  CAF_CHECK_EQUAL(std::string(r["resultType"].GetString()), "input_required");
  CAF_CHECK_EQUAL(std::string(r["inputRequests"]["confirm"]["method"].GetString()),
                  "elicitation/create");
  CAF_CHECK(has(r["inputRequests"]["confirm"]["params"]["message"].GetString(), id));
  std::string state = r["requestState"].GetString();
  CAF_CHECK_EQUAL(s.standin.count("writes"), 0);
  auto answer = [&](const std::string& reply) {
    return s.modern("tools/call",
                    R"("name":"twenty_delete_record","arguments":)" + args
                      + R"(,"inputResponses":{"confirm":)" + reply + R"(},"requestState":)"
                      + json::quote(state),
                    std::string(eliciting), "twenty_delete_record");
  };
  auto declined = text_of(answer(R"({"action":"decline"})"));
  CAF_CHECK(has(declined, R"("isError":true)") && has(declined, "declined"));
  CAF_CHECK_EQUAL(s.standin.count("writes"), 0);
  auto accepted = text_of(answer(R"({"action":"accept","content":{"confirm":true}})"));
  CAF_CHECK(!has(accepted, R"("isError":true)"));
  CAF_CHECK(!has(accepted, "input_required"));
  CAF_CHECK_EQUAL(s.standin.count("writes"), 1);
}

CAF_TEST(a stateless client that cannot elicit is told why nothing was deleted) {
  modern_http_server s({}, {"--confirm-destructive"});
  auto id = first_company(s);
  s.standin.reset_stats();
  auto refused = text_of(s.call("twenty_delete_record", R"({"object":"companies","id":")" + id + "\"}"));
  CAF_CHECK(has(refused, R"("isError":true)"));
  CAF_CHECK(has(refused, "elicitation") && has(refused, "nothing was deleted"));
  CAF_CHECK_EQUAL(s.standin.count("writes"), 0);
}

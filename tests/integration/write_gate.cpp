#define CAF_SUITE integration.write_gate
#include "caf/test/unit_test.hpp"

#include "tests/integration/support/tool_harness.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using tmcp::twenty::verb;

namespace {

constexpr const char* ada_id = "8f9a1c2e-0b1d-4c3e-9f00-123456789abc";
constexpr const char* bob_id = "8f9a1c2e-0b1d-4c3e-9f00-123456789abd";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

struct fixture : tool_harness {
  // A session whose client declared `capabilities` (tool_harness::start declares none).
  void start_with_capabilities(const std::string& capabilities) {
    cat = twenty::tools::build_catalog(api, config);
    session_options opts;
    auto h = host;
    opts.now = [h] { return h->now; };
    sess = std::make_shared<session>("sid-1", cat, host, opts);
    send(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":)"
         + capabilities + R"(,"clientInfo":{"name":"t","version":"1"}}})");
    send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }

  std::string delete_args() {
    return std::string(R"({"object":"people","id":")") + ada_id + "\"}";
  }

  // Calls the delete tool and answers the elicitation it sends with `result`.
  rpc_answer delete_answering(const std::string& result) {
    auto sink = send(R"({"jsonrpc":"2.0","id":77,"method":"tools/call","params":{"name":"twenty_delete_record","arguments":)"
                     + delete_args() + "}}");
    auto ask = json::parse(sink->last());
    CAF_REQUIRE(ask && ask->HasMember("method"));
    CAF_CHECK_EQUAL(std::string((*ask)["method"].GetString()), "elicitation/create");
    CAF_CHECK(contains(json::stringify((*ask)["params"]),
                       std::string("Delete (to the trash) 1 people record (") + ada_id));
    CAF_CHECK(api->calls().empty()); // nothing before the answer
    send(R"({"jsonrpc":"2.0","id":)" + json::stringify((*ask)["id"]) + R"(,"result":)" + result
         + "}");
    return answer(*sink);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(write_gate_tests, fixture)

CAF_TEST(dry runs of create update delete and restore show the request and send nothing) {
  start();
  auto create = call("twenty_create_record",
                     R"({"object":"people","data":{"jobTitle":"CTO"},"dry_run":true})");
  CAF_CHECK(!create.is_error());
  CAF_CHECK_EQUAL(json::stringify(create.structured()),
                  R"({"dryRun":true,"sent":false,"object":"people","operation":"create",)"
                  R"("requests":[{"method":"POST","path":"/rest/people","body":{"jobTitle":"CTO"}}]})");
  auto update = call("twenty_update_record",
                     std::string(R"({"object":"people","id":")") + ada_id
                       + R"(","data":{"jobTitle":"CEO"},"dry_run":true})");
  CAF_CHECK(contains(update.text(), R"("operation":"update","ids":[")" + std::string(ada_id)));
  CAF_CHECK(contains(update.text(), R"("method":"PATCH")"));
  auto destroy = call("twenty_delete_record",
                      std::string(R"({"object":"people","id":")") + ada_id
                        + R"(","soft":false,"dry_run":true})");
  CAF_CHECK(contains(destroy.text(), R"("operation":"destroy","ids":[")" + std::string(ada_id)));
  CAF_CHECK(contains(destroy.text(), R"("method":"DELETE")"));
  auto restore = call("twenty_restore_record",
                      std::string(R"({"object":"people","id":")") + ada_id + R"(","dry_run":true})");
  CAF_CHECK(contains(restore.text(), R"("operation":"restore")"));
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(a dry run is validated like a real call) {
  start();
  auto bad = call("twenty_create_record",
                  R"({"object":"people","data":{"nosuchfield":1},"dry_run":true})");
  CAF_CHECK(bad.is_error());
  CAF_CHECK(contains(bad.text(), "SCHEMA_VALIDATION_ERROR"));
  auto bad_id = call("twenty_delete_record", R"({"object":"people","id":"ada","dry_run":true})");
  CAF_CHECK(bad_id.is_error());
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(a batch dry run checks every item and lists the calls it would make) {
  start();
  auto a = call("twenty_batch_operations",
                std::string(R"({"object":"people","operation":"delete","dry_run":true,"ids":[")")
                  + ada_id + R"(","x",")" + bob_id + R"("]})");
  CAF_CHECK(!a.is_error());
  auto out = a.structured();
  CAF_CHECK(out["dryRun"].GetBool());
  CAF_CHECK_EQUAL(out["succeeded"].GetInt(), 2);
  CAF_CHECK_EQUAL(out["failed"].GetInt(), 1);
  CAF_REQUIRE_EQUAL(out["requests"].Size(), 1u);
  CAF_CHECK(contains(out["requests"][0]["path"].GetString(), bob_id));
  auto c = call("twenty_batch_operations",
                R"({"object":"people","operation":"create","dry_run":true,"records":[{"jobTitle":"A"},{"bogus":1}]})");
  auto made = c.structured();
  CAF_CHECK_EQUAL(made["succeeded"].GetInt(), 1);
  CAF_CHECK_EQUAL(made["requests"].Size(), 1u);
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(every write tool offers dry_run) {
  config.toolsets = {"core", "objects"};
  start();
  for (auto name : {"twenty_create_record", "twenty_update_record", "twenty_delete_record",
                    "twenty_restore_record", "twenty_batch_operations", "twenty_create_person",
                    "twenty_update_person", "twenty_delete_person"}) {
    CAF_MESSAGE(name);
    auto e = tool_entry(name);
    CAF_REQUIRE(e.IsObject());
    CAF_CHECK(e["inputSchema"]["properties"].HasMember("dry_run"));
  }
  CAF_CHECK(!tool_entry("twenty_list_records")["inputSchema"]["properties"].HasMember("dry_run"));
}

CAF_TEST(a confirmed delete is sent after the client accepts) {
  config.confirm_destructive = true;
  start_with_capabilities(R"({"elicitation":{}})");
  api->on(verb::del, "/rest/people/", 200,
          std::string(R"({"data":{"deletePerson":{"id":")") + ada_id + "\"}}}");
  auto a = delete_answering(R"({"action":"accept","content":{"confirm":true}})");
  CAF_CHECK(a.ok());
  CAF_CHECK(!a.is_error());
  CAF_CHECK_EQUAL(api->calls().size(), 1u);
}

CAF_TEST(a declined or cancelled delete is refused and nothing is sent) {
  config.confirm_destructive = true;
  start_with_capabilities(R"({"elicitation":{}})");
  auto declined = delete_answering(R"({"action":"decline"})");
  CAF_CHECK(declined.is_error());
  CAF_CHECK(contains(declined.text(), "declined the deletion; nothing was deleted"));
  auto cancelled = delete_answering(R"({"action":"cancel"})");
  CAF_CHECK(contains(cancelled.text(), "cancelled the deletion"));
  auto unticked = delete_answering(R"({"action":"accept","content":{"confirm":false}})");
  CAF_CHECK(unticked.is_error());
  CAF_CHECK(api->calls().empty());
}

CAF_TEST(a client without elicitation is told why its delete is refused) {
  config.confirm_destructive = true;
  start();
  auto a = call("twenty_delete_record", delete_args());
  CAF_CHECK(a.is_error());
  CAF_CHECK(contains(a.text(), "did not declare the elicitation capability"));
  auto batch = call("twenty_batch_operations",
                    std::string(R"({"object":"people","operation":"delete","ids":[")") + ada_id
                      + R"("]})");
  CAF_CHECK(contains(batch.text(), "did not declare the elicitation capability"));
  CAF_CHECK(api->calls().empty());
  // Creates are not destructive: no question asked.
  api->on(verb::post, "/rest/people", 201,
          std::string(R"({"data":{"createPerson":{"id":")") + ada_id + "\"}}}");
  CAF_CHECK(!call("twenty_create_record", R"({"object":"people","data":{"jobTitle":"x"}})").is_error());
}

CAF_TEST_FIXTURE_SCOPE_END()

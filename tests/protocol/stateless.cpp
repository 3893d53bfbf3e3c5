#define CAF_SUITE protocol.stateless
#include "caf/test/unit_test.hpp"

#include "protocol/conformance/fixtures.hpp"
#include "protocol/content.hpp"
#include "protocol/input_state.hpp"
#include "protocol/stateless_request.hpp"
#include "support/fake_session_env.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* meta =
  R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
  R"("io.modelcontextprotocol/clientCapabilities":{"elicitation":{}}})";

struct fixture {
  std::shared_ptr<manual_host> host = std::make_shared<manual_host>();
  std::shared_ptr<catalog> cat = std::make_shared<catalog>();
  std::vector<std::string> changes;
  stateless_options opts;
  int64_t clock_ms = 1'000'000;

  fixture() {
    conformance::register_fixtures(*cat, [this](const std::string& k) { changes.push_back(k); });
    opts.state_key = "test-key";
    opts.unix_ms = [this] { return clock_ms; };
    opts.catalog_freshness = [] { return cache_hint{42s, true}; };
  }
  ~fixture() { host->queue.clear(); }

  // One stateless request over "HTTP" with matching headers unless overridden.
  std::pair<stateless_ptr, std::shared_ptr<recording_sink>>
  send(const std::string& method, const std::string& params_without_meta,
       std::optional<std::string> name = std::nullopt, std::string header_version = "2026-07-28",
       std::optional<std::string> header_method = std::nullopt) {
    auto params = "{" + params_without_meta + (params_without_meta.empty() ? "" : ",") + meta
                  + "}";
    auto text = R"({"jsonrpc":"2.0","id":7,"method":")" + method + R"(","params":)" + params
                + "}";
    auto sink = std::make_shared<recording_sink>();
    inbound in;
    in.modern = true;
    in.http = true;
    in.protocol_version = header_version;
    in.mcp_method = header_method.value_or(method);
    in.mcp_name = name;
    in.msg = std::move(*parse_message(text));
    in.sink = sink;
    auto req = std::make_shared<stateless_request>(cat, host, opts);
    req->handle(std::move(in));
    host->run();
    return {req, sink};
  }
};

std::string result_text(const std::string& response) {
  auto d = parsed(response);
  return d["result"]["content"][0]["text"].GetString();
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(stateless_tests, fixture)

CAF_TEST(discover names the supported versions and says how long it stays fresh) {
  auto [req, sink] = send("server/discover", "");
  CAF_CHECK_EQUAL(sink->status, 200);
  auto d = parsed(sink->body);
  CAF_CHECK_EQUAL(std::string(d["result"]["supportedVersions"][0].GetString()), "2026-07-28");
  CAF_CHECK_EQUAL(std::string(d["result"]["resultType"].GetString()), "complete");
  CAF_CHECK_EQUAL(d["result"]["ttlMs"].GetInt(), 42000);
  CAF_CHECK_EQUAL(std::string(d["result"]["cacheScope"].GetString()), "public");
  CAF_CHECK(d["result"]["_meta"].HasMember("io.modelcontextprotocol/serverInfo"));
  CAF_CHECK(req->ended());
}

CAF_TEST(a request without its meta is refused as malformed with invalid params) {
  auto sink = std::make_shared<recording_sink>();
  inbound in;
  in.modern = true;
  in.http = true;
  in.protocol_version = "2026-07-28";
  in.mcp_method = "tools/list";
  in.msg = std::move(*parse_message(R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})"));
  in.sink = sink;
  auto req = std::make_shared<stateless_request>(cat, host, opts);
  req->handle(std::move(in));
  CAF_CHECK(refused_as(*sink, fault_kind::malformed));
  CAF_CHECK_EQUAL(error_code(sink->body), -32602);
  CAF_CHECK_EQUAL(parsed(sink->body)["id"].GetInt(), 3);
}

CAF_TEST(routing headers that disagree with the body are a header mismatch) {
  auto a = send("tools/list", "", std::nullopt, "2026-07-28", std::string("prompts/list"));
  CAF_CHECK(refused_as(*a.second, fault_kind::error_answer));
  CAF_CHECK_EQUAL(error_code(a.second->body), -32020);
  auto b = send("tools/call", R"("name":"test_simple_text")", std::string("other_tool"));
  CAF_CHECK_EQUAL(error_code(b.second->body), -32020);
  auto c = send("tools/list", "", std::nullopt, "2025-11-25");
  CAF_CHECK_EQUAL(error_code(c.second->body), -32020);
}

CAF_TEST(an unsupported version is refused with the supported list) {
  auto sink = std::make_shared<recording_sink>();
  inbound in;
  in.modern = true;
  in.protocol_version = "2099-01-01";
  in.msg = std::move(*parse_message(
    R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}})"));
  in.sink = sink;
  std::make_shared<stateless_request>(cat, host, opts)->handle(std::move(in));
  auto d = parsed(sink->body);
  CAF_CHECK(refused_as(*sink, fault_kind::error_answer));
  CAF_CHECK_EQUAL(d["error"]["code"].GetInt(), -32022);
  CAF_CHECK_EQUAL(std::string(d["error"]["data"]["supported"][0].GetString()), "2026-07-28");
  CAF_CHECK_EQUAL(std::string(d["error"]["data"]["requested"].GetString()), "2099-01-01");
}

CAF_TEST(removed methods answer method not found without a stream) {
  for (auto m : {"initialize", "ping", "logging/setLevel", "resources/subscribe", "nope/x"}) {
    auto [req, sink] = send(m, "");
    CAF_CHECK(refused_as(*sink, fault_kind::error_answer));
    CAF_CHECK_EQUAL(error_code(sink->body), -32601);
  }
}

CAF_TEST(lists carry resultType and caching hints) {
  auto [req, sink] = send("tools/list", "");
  auto d = parsed(sink->body);
  CAF_CHECK_EQUAL(std::string(d["result"]["resultType"].GetString()), "complete");
  CAF_CHECK_EQUAL(d["result"]["ttlMs"].GetInt(), 42000);
  CAF_CHECK(d["result"]["tools"].Size() > 10);
}

CAF_TEST(an unknown resource is invalid params in this era) {
  auto [req, sink] = send("resources/read", R"("uri":"test://nothing")",
                          std::string("test://nothing"));
  CAF_CHECK_EQUAL(error_code(sink->body), -32602);
}

CAF_TEST(input required results round trip through a signed request state) {
  auto r1 = send("tools/call", R"("name":"test_input_required_result_multi_round")",
                 std::string("test_input_required_result_multi_round"));
  auto d1 = parsed(r1.second->body);
  CAF_REQUIRE(d1.HasMember("result"));
  CAF_CHECK_EQUAL(std::string(d1["result"]["resultType"].GetString()), "input_required");
  CAF_CHECK(d1["result"]["inputRequests"].HasMember("step1"));
  std::string state1 = d1["result"]["requestState"].GetString();
  auto r2 = send("tools/call",
                 R"("name":"test_input_required_result_multi_round","inputResponses":{"step1":{"action":"accept","content":{"name":"Ada"}}},"requestState":)"
                   + json::quote(state1),
                 std::string("test_input_required_result_multi_round"));
  auto d2 = parsed(r2.second->body);
  CAF_CHECK(d2["result"]["inputRequests"].HasMember("step2"));
  std::string state2 = d2["result"]["requestState"].GetString();
  CAF_CHECK_NOT_EQUAL(state1, state2);
  auto r3 = send("tools/call",
                 R"("name":"test_input_required_result_multi_round","inputResponses":{"step2":{"action":"accept","content":{"color":"teal"}}},"requestState":)"
                   + json::quote(state2),
                 std::string("test_input_required_result_multi_round"));
  CAF_CHECK_EQUAL(result_text(r3.second->body), "Multi-round complete for Ada who likes teal");
}

CAF_TEST(a tampered or expired request state is refused) {
  auto r1 = send("tools/call", R"("name":"test_input_required_result_tampered_state")",
                 std::string("test_input_required_result_tampered_state"));
  std::string state = parsed(r1.second->body)["result"]["requestState"].GetString();
  auto answer = std::string(R"("inputResponses":{"confirm":{"action":"accept","content":{"ok":true}}},"requestState":)");
  auto bad = send("tools/call",
                  R"("name":"test_input_required_result_tampered_state",)" + answer
                    + json::quote(state + "-TAMPERED"),
                  std::string("test_input_required_result_tampered_state"));
  CAF_CHECK_EQUAL(error_code(bad.second->body), -32602);
  clock_ms += 11 * 60 * 1000;
  auto late = send("tools/call",
                   R"("name":"test_input_required_result_tampered_state",)" + answer
                     + json::quote(state),
                   std::string("test_input_required_result_tampered_state"));
  CAF_CHECK_EQUAL(error_code(late.second->body), -32602);
}

CAF_TEST(input the client cannot give is a missing capability) {
  auto [req, sink] = send("tools/call", R"("name":"test_input_required_result_sampling")",
                          std::string("test_input_required_result_sampling"));
  CAF_CHECK(refused_as(*sink, fault_kind::error_answer));
  auto d = parsed(sink->body);
  CAF_CHECK_EQUAL(d["error"]["code"].GetInt(), -32021);
  CAF_CHECK(d["error"]["data"]["requiredCapabilities"].HasMember("sampling"));
}

CAF_TEST(logs reach the stream only when the request set a level) {
  auto quiet = send("tools/call", R"("name":"test_logging_tool")",
                    std::string("test_logging_tool"));
  CAF_CHECK(!quiet.second->opened);
  CAF_CHECK(quiet.second->body.find("notifications/message") == std::string::npos);
}

CAF_TEST(a listen stream is acknowledged and told about the changes it asked for) {
  auto [req, sink] = send("subscriptions/listen", R"("notifications":{"toolsListChanged":true})");
  CAF_CHECK(!req->ended());
  CAF_REQUIRE_EQUAL(sink->messages().size(), 1u);
  CAF_CHECK(sink->messages()[0].find("notifications/subscriptions/acknowledged")
            != std::string::npos);
  req->notify_list_changed("prompts");
  req->notify_list_changed("tools");
  CAF_REQUIRE_EQUAL(sink->messages().size(), 2u);
  auto note = parsed(sink->messages()[1]);
  CAF_CHECK_EQUAL(std::string(note["method"].GetString()), "notifications/tools/list_changed");
  CAF_CHECK_EQUAL(
    std::string(note["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"].GetString()),
    "7");
  req->cancel();
  CAF_CHECK(sink->closed);
}

CAF_TEST(cancelling a request runs its cancel hooks and sends nothing more) {
  bool stopped = false;
  cat->add_tool({"slow", "", "Answers after a second"}, [&stopped](const json::value&, ctx_ptr ctx) {
    ctx->on_cancel([&stopped] { stopped = true; });
    ctx->after(1s, [ctx] { ctx->reply(tool_result().text("late").str()); });
  });
  auto [req, sink] = send("tools/call", R"("name":"slow")", std::string("slow"));
  CAF_CHECK(!req->ended());
  req->cancel();
  host->advance(2s);
  CAF_CHECK(stopped);
  CAF_CHECK(sink->body.find("late") == std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()

#define CAF_SUITE app.ops
#include "caf/test/unit_test.hpp"

#include <atomic>
#include <thread>

#include "app/http_probe.hpp"
#include "app/mcp_http_session.hpp"
#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

// The server over stdio (tools) with its admin listener (/health) on a free port.
struct stdio_server {
  uint16_t admin = free_port();
  std::unique_ptr<mcp_stdio_client> mcp;

  stdio_server(const std::string& url, const std::string& key) {
    mcp = std::make_unique<mcp_stdio_client>(std::vector<std::string>{
      TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "debug", "--twenty-api-url", url,
      "--twenty-api-key", key, "--admin-port", std::to_string(admin)});
    CAF_REQUIRE(mcp->initialize());
  }

  std::string tool_text(const std::string& tool, const std::string& args) {
    auto r = mcp->call_tool(tool, args);
    CAF_CHECK(is_error_result(r));
    return result_text(r);
  }

  std::string resource_error(const std::string& uri) {
    auto r = mcp->request("resources/read", R"({"uri":")" + uri + R"("})");
    CAF_REQUIRE(r.IsObject() && r.HasMember("error"));
    return r["error"]["message"].GetString();
  }
};

} // namespace

CAF_TEST(a wrong api key is reported by tools resources and health instead of retry later) {
  standin_process standin;
  stdio_server s{standin.url, "not-the-key"};
  for (auto text : {s.tool_text("twenty_list_records", R"({"object":"people"})"),
                    s.tool_text("twenty_get_schema", "{}"),
                    s.tool_text("twenty_search_records", R"({"query":"x"})"),
                    s.resource_error("twenty://schema")}) {
    CAF_CHECK(has(text, "INVALID_API_KEY"));
    CAF_CHECK(has(text, "retrying will not help"));
    CAF_CHECK(!has(text, "retry in a few seconds"));
  }
  auto health = wait_http(s.admin, "/health");
  CAF_CHECK_EQUAL(health.status, 503);
  CAF_CHECK(has(health.body, R"("status":"unhealthy")"));
  CAF_CHECK(has(health.body, R"("code":"INVALID_API_KEY")"));
  CAF_CHECK(has(health.body, "TWENTY_API_KEY"));
  // The key itself is never echoed back.
  CAF_CHECK(!has(health.body, "not-the-key"));
}

CAF_TEST(an unreachable twenty url is reported with its cause) {
  auto closed = free_port();
  stdio_server s{"http://127.0.0.1:" + std::to_string(closed), "k"};
  auto text = s.tool_text("twenty_list_records", R"({"object":"people"})");
  CAF_CHECK(has(text, "NETWORK_ERROR"));
  CAF_CHECK(has(text, "Could not connect"));
  CAF_CHECK(has(text, "TWENTY_API_URL"));
  auto health = wait_http(s.admin, "/health");
  CAF_CHECK_EQUAL(health.status, 503);
  CAF_CHECK(has(health.body, R"("code":"NETWORK_ERROR")"));
}

CAF_TEST(a tls failure is reported with its cause) {
  standin_process standin; // plain HTTP: an https:// URL to it fails the handshake
  auto url = standin.url;
  url.replace(0, 4, "https");
  stdio_server s{url, "standin-demo-key"};
  auto text = s.tool_text("twenty_list_records", R"({"object":"people"})");
  CAF_CHECK(has(text, "NETWORK_ERROR"));
  CAF_CHECK(has(text, "TLS"));
}

CAF_TEST(a healthy server reports every component on the mcp listener and the admin port) {
  standin_process standin;
  auto port = free_port();
  auto admin = free_port();
  child_process server{{TMCP_SERVER_BINARY, "--transport", "http", "--http-port",
                        std::to_string(port), "--admin-port", std::to_string(admin),
                        "--log-level", "warn", "--twenty-api-url", standin.url,
                        "--twenty-api-key", "standin-demo-key"}};
  auto on_mcp = wait_http(port, "/health");
  CAF_CHECK_EQUAL(on_mcp.status, 200);
  CAF_CHECK(has(on_mcp.body, R"({"status":"healthy")"));
  for (auto part : {R"("twenty":{"status":"healthy")", R"("schema_loaded":true)",
                    R"("session_supervisor":{"status":"healthy")",
                    R"("gateway":{"status":"healthy")", R"("cache":{"status":"healthy")",
                    R"("schema":{"status":"healthy")",
                    R"("integration_supervisor":{"status":"healthy")"})
    CAF_CHECK(has(on_mcp.body, part));
  auto on_admin = http_call(admin, "GET", "/health");
  CAF_CHECK_EQUAL(on_admin.status, 200);
  CAF_CHECK(has(on_admin.body, R"({"status":"healthy")"));
  // The admin listener has no MCP endpoint; the MCP listener's health obeys its Host rules.
  CAF_CHECK_EQUAL(http_call(admin, "POST", "/mcp").status, 404);
  CAF_CHECK_EQUAL(http_call(port, "POST", "/health").status, 405);
  CAF_CHECK_EQUAL(http_call(port, "GET", "/health", {{"Host", "evil.example"}}).status, 403);
}

CAF_TEST(without a workspace the server is degraded but serves) {
  auto admin = free_port();
  mcp_stdio_client mcp{{TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "error",
                        "--admin-port", std::to_string(admin)}};
  CAF_REQUIRE(mcp.initialize());
  auto health = wait_http(admin, "/health");
  CAF_CHECK_EQUAL(health.status, 200);
  CAF_CHECK(has(health.body, R"({"status":"degraded")"));
  CAF_CHECK(has(health.body, "TWENTY_API_URL"));
}

CAF_TEST(metrics count mcp requests tool calls upstream calls and the actors counters) {
  standin_process standin;
  stdio_server s{standin.url, "standin-demo-key"};
  auto ok = s.mcp->call_tool("twenty_list_records", R"({"object":"people","limit":2})");
  CAF_CHECK(!is_error_result(ok));
  s.mcp->call_tool("twenty_list_records", R"({"object":"people","limit":2})"); // a cache hit
  s.tool_text("twenty_list_records", R"({"object":"nosuchthing"})");
  s.mcp->request("no/such/method", "{}");
  auto m = wait_http(s.admin, "/metrics");
  CAF_CHECK_EQUAL(m.status, 200);
  CAF_CHECK(has(m.headers["content-type"], "text/plain; version=0.0.4"));
  for (auto line :
       {R"(tmcp_mcp_requests_total{method="tools/call",outcome="ok"} 2)",
        R"(tmcp_mcp_requests_total{method="tools/call",outcome="tool_error"} 1)",
        R"(tmcp_mcp_requests_total{method="other",outcome="error"} 1)",
        R"(tmcp_mcp_requests_total{method="initialize",outcome="ok"} 1)",
        R"(tmcp_tool_calls_total{outcome="ok",tool="twenty_list_records"} 2)",
        R"(tmcp_tool_call_duration_seconds_count{tool="twenty_list_records"} 3)",
        R"(tmcp_upstream_requests_total{api="metadata",status="2xx"})",
        R"(tmcp_upstream_requests_total{api="graphql",status="2xx"} 1)",
        R"(tmcp_upstream_duration_seconds_bucket{api="graphql",le="+Inf"} 1)",
        "tmcp_upstream_rate_limited_total 0", "tmcp_cache_hits_total 1",
        "tmcp_cache_misses_total 1", "tmcp_cache_evictions_total 0", "tmcp_sessions 1",
        "tmcp_actor_restarts_total 0", R"(tmcp_rate_budget_tokens{window="short"})",
        R"(tmcp_queue_depth{queue="gateway"} 0)", R"(tmcp_actor_up{actor="gateway"} 1)",
        R"(tmcp_actor_up{actor="session_supervisor"} 1)", "# TYPE tmcp_cache_hits_total counter",
        "# TYPE tmcp_tool_call_duration_seconds histogram"})
    if (!has(m.body, line))
      CAF_FAIL("missing in /metrics: " << line << "\n" << m.body);
}

CAF_TEST(metrics count twenty errors by code) {
  standin_process standin;
  stdio_server s{standin.url, "not-the-key"};
  auto m = wait_http(s.admin, "/metrics");
  CAF_CHECK(has(m.body, R"(tmcp_upstream_errors_total{code="INVALID_API_KEY"})"));
  // Twenty's metadata API answers a bad key inside a 200 (GraphQL errors).
  CAF_CHECK(has(m.body, R"(tmcp_upstream_requests_total{api="metadata",status="2xx"})"));
}

namespace {

// The server over HTTP with fault injection on, its admin listener on another port.
struct faulty_http_server : http_server_process {
  explicit faulty_http_server(const std::string& twenty_url)
    : http_server_process(twenty_url, {"--fault-injection"}) {
    CAF_REQUIRE(ready);
  }
};

} // namespace

CAF_TEST(killing each core actor under load ends in flight calls clearly and recovers) {
  // Slow answers keep calls in flight at the gateway when it is killed.
  standin_process standin{{"--latency-ms", "150"}};
  faulty_http_server s{standin.url};
  auto port = s.port, admin = s.admin;
  http_session_client mcp{port, {}};
  CAF_REQUIRE(mcp.start());
  int round = 0;
  for (std::string actor : {"gateway", "cache", "schema", "analytics", "sessions"}) {
    ++round;
    std::atomic<int> answered{0}, unanswered{0}, lost_session{0};
    // Every call gets a complete answer: a result, a JSON-RPC error or a tool error that says
    // what happened; after the session supervisor's crash, 404 (the session is gone).
    auto count = [&](const http_answer& a) {
      bool gone = a.status == 404 && has(a.body, "Session not found");
      lost_session += gone;
      bool clear = gone || (a.status != 0 && (has(a.body, "\"result\"") || has(a.body, "\"error\"")));
      (clear ? answered : unanswered)++;
    };
    // Calls no earlier round made (a cache hit would end before the kill).
    auto fresh = [&](int k) {
      static const char* objects[] = {"people", "companies", "opportunities", "tasks", "notes"};
      return mcp.call(100 + k, "twenty_list_records",
                      std::string(R"({"object":")") + objects[k % 5]
                        + R"(","limit":)" + std::to_string(1 + (k / 5) % 60) + "}");
    };
    std::vector<std::thread> load;
    for (int t = 0; t < 4; ++t)
      load.emplace_back([&, t] {
        for (int i = 0; i < 10; ++i)
          count(fresh(round * 40 + t * 10 + i));
      });
    // Analytics jobs in flight too: a killed analytics actor loses them.
    load.emplace_back([&] {
      for (int i = 0; i < 3; ++i)
        count(mcp.call(500 + i, "twenty_analytics", R"({"analysis":"trends","object":"companies"})"));
    });
    std::this_thread::sleep_for(20ms);
    auto killed = http_call(admin, "POST", "/faults/kill?actor=" + actor);
    CAF_CHECK_EQUAL(killed.status, 202);
    for (auto& th : load)
      th.join();
    CAF_CHECK_EQUAL(answered.load(), 43);
    CAF_CHECK_EQUAL(unanswered.load(), 0);
    // Only the session supervisor's crash ends the session; its client initializes again.
    CAF_CHECK_EQUAL(lost_session.load() > 0, actor == "sessions");
    // Later calls succeed: the supervisor restarted the actor.
    bool recovered = false;
    for (int i = 0; i < 50 && !recovered; ++i) {
      auto a = mcp.list(i);
      if (a.status == 404)
        mcp.start();
      recovered = a.status == 200 && has(a.body, "\"result\"") && !has(a.body, "\"isError\":true");
      if (!recovered)
        std::this_thread::sleep_for(100ms);
    }
    if (!recovered)
      CAF_FAIL("no successful call after killing the " << actor);
    CAF_CHECK(s.server.running());
  }
  auto health = http_call(admin, "GET", "/health");
  CAF_CHECK_EQUAL(health.status, 200);
  CAF_CHECK(has(health.body, "\"restarts\":4"));
  auto metrics = http_call(admin, "GET", "/metrics");
  CAF_CHECK(has(metrics.body, "tmcp_actor_restarts_total 4"));
  CAF_CHECK_EQUAL(http_call(port, "POST", "/faults/kill?actor=gateway").status, 202);
}

CAF_TEST(the stdio session survives a session supervisor crash without initializing again) {
  standin_process standin{{"--latency-ms", "300"}};
  auto admin = free_port();
  mcp_stdio_client mcp{{TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn",
                        "--twenty-api-url", standin.url, "--twenty-api-key", "standin-demo-key",
                        "--admin-port", std::to_string(admin), "--fault-injection"}};
  CAF_REQUIRE(mcp.initialize());
  CAF_REQUIRE_EQUAL(wait_http(admin, "/health").status, 200);
  // A call in flight when the supervisor dies is answered with an error that says so.
  mcp.process().write_line(R"({"jsonrpc":"2.0","id":9001,"method":"tools/call","params":{"name":"twenty_list_records","arguments":{"object":"people","limit":3}}})");
  std::this_thread::sleep_for(50ms);
  CAF_CHECK_EQUAL(http_call(admin, "POST", "/faults/kill?actor=sessions").status, 202);
  std::optional<std::string> answer;
  for (int i = 0; i < 20 && !answer; ++i) {
    auto line = mcp.process().read_line(5s);
    if (line && has(*line, R"("id":9001)"))
      answer = line;
  }
  CAF_REQUIRE(answer);
  CAF_CHECK(has(*answer, R"("error":{"code":-32603)"));
  CAF_CHECK(has(*answer, "session supervisor crashed and was restarted"));
  // The same session serves the next call: no initialize, no 404.
  auto r = mcp.call_tool("twenty_list_records", R"({"object":"people","limit":2})");
  CAF_CHECK(r.IsObject() && r.HasMember("content") && !is_error_result(r));
  CAF_CHECK(mcp.process().running());
}

CAF_TEST(an actor that keeps crashing is restarted after a growing delay) {
  standin_process standin;
  faulty_http_server s{standin.url};
  auto port = s.port, admin = s.admin;
  auto restarting = [&] { return !has(http_call(admin, "GET", "/health").body, "\"restarting\":[]"); };
  auto settled = [&] {
    for (int i = 0; i < 100 && restarting(); ++i)
      std::this_thread::sleep_for(20ms);
    return !restarting();
  };
  // The first crash of a row is restarted at once, the next after 100, 200, 400 ms.
  CAF_CHECK_EQUAL(http_call(admin, "POST", "/faults/kill?actor=cache").status, 202);
  std::this_thread::sleep_for(20ms);
  CAF_CHECK(!restarting());
  for (int crash = 2; crash <= 4; ++crash) {
    CAF_REQUIRE(settled());
    CAF_CHECK_EQUAL(http_call(admin, "POST", "/faults/kill?actor=cache").status, 202);
    std::this_thread::sleep_for(20ms);
    CAF_CHECK(has(http_call(admin, "GET", "/health").body, "\"restarting\":[\"cache\"]"));
  }
  CAF_CHECK(settled());
  CAF_CHECK(has(http_call(admin, "GET", "/health").body, "\"restarts\":4"));
  // And it serves again.
  http_session_client mcp{port, {}};
  CAF_REQUIRE(mcp.start());
  auto a = mcp.list(1);
  CAF_CHECK(a.status == 200 && has(a.body, "\"result\"") && !has(a.body, "\"isError\":true"));
}

CAF_TEST(fault injection is off by default) {
  standin_process standin;
  stdio_server s{standin.url, "standin-demo-key"};
  CAF_CHECK_EQUAL(http_call(s.admin, "POST", "/faults/kill?actor=gateway").status, 404);
}

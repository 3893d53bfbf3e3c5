#define CAF_SUITE app.twenty_resilience
#include "caf/test/unit_test.hpp"

#include <set>
#include <thread>

#include "app/http_probe.hpp"
#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<mcp_stdio_client> start_server(const standin_process& standin,
                                               std::vector<std::string> extra) {
  std::vector<std::string> argv{TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level",
                                "error", "--twenty-api-url", standin.url, "--twenty-api-key",
                                "standin-demo-key"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto mcp = std::make_unique<mcp_stdio_client>(argv);
  CAF_REQUIRE(mcp->initialize());
  return mcp;
}

std::set<std::string> tool_names(mcp_stdio_client& mcp) {
  std::set<std::string> names;
  auto r = mcp.request("tools/list", "{}");
  if (r.IsObject() && r.HasMember("result"))
    for (auto& t : r["result"]["tools"].GetArray())
      names.insert(t["name"].GetString());
  return names;
}

int64_t total_count(standin_process& standin, const std::string& target) {
  auto [status, body] = standin.http("GET", target);
  auto doc = json::parse(body);
  return doc && doc->HasMember("totalCount") ? (*doc)["totalCount"].GetInt64() : -1;
}

} // namespace

CAF_TEST(read only mode hides every write and refuses it) {
  standin_process standin;
  auto mcp = start_server(standin, {"--read-only", "--toolsets", "core,objects"});
  auto names = tool_names(*mcp);
  CAF_CHECK(names.count("twenty_list_records") == 1);
  CAF_CHECK(names.count("twenty_list_people") == 1);
  for (auto& n : names) {
    CAF_CHECK(n.find("create") == std::string::npos);
    CAF_CHECK(n.find("update") == std::string::npos);
    CAF_CHECK(n.find("delete") == std::string::npos);
  }
  auto r = mcp->request("tools/call", R"({"name":"twenty_create_record","arguments":{"object":"people","data":{}}})");
  CAF_REQUIRE(r.HasMember("error"));
  CAF_CHECK_EQUAL(r["error"]["code"].GetInt(), -32602);
  CAF_CHECK_EQUAL(standin.count("POST /rest/{object}"), 0);
}

CAF_TEST(a new custom object appears as tools after a list changed notification) {
  standin_process standin;
  auto mcp = start_server(standin, {"--toolsets", "core,objects", "--schema-refresh-seconds", "1"});
  CAF_CHECK(tool_names(*mcp).count("twenty_list_invoices") == 0);
  auto created = standin.http(
    "POST", "/metadata",
    R"({"query":"mutation { createOneObject(input: {object: {nameSingular: \"invoice\", namePlural: \"invoices\", labelSingular: \"Invoice\", labelPlural: \"Invoices\"}}) { id } }"})");
  CAF_REQUIRE_EQUAL(created.first, 200);
  CAF_REQUIRE(created.second.find("errors") == std::string::npos);
  CAF_CHECK(mcp->wait_notification("notifications/tools/list_changed", 10s));
  auto names = tool_names(*mcp);
  CAF_CHECK(names.count("twenty_list_invoices") == 1);
  CAF_CHECK(names.count("twenty_create_invoice") == 1);
  // The new object is usable end to end.
  auto made = mcp->call_tool("twenty_create_invoice", R"({"data":{"name":"INV-1"}})");
  CAF_CHECK(!is_error_result(made));
  auto listed = mcp->call_tool("twenty_list_invoices", "{}");
  CAF_CHECK(result_text(listed).find("INV-1") != std::string::npos);
}

CAF_TEST(faults upstream never duplicate or lose a created record) {
  standin_process standin({"--no-rate-limit"});
  auto mcp = start_server(standin, {"--rate-short-limit", "0", "--rate-long-limit", "0"});
  auto before = total_count(standin, "/rest/companies?limit=1");
  // Every third call fails: 5xx, connection resets and stalls past the deadline.
  standin.http("POST", "/_standin/faults",
               R"({"rate":0.35,"seed":11,"stallMs":20000,"weights":{"5xx":1,"reset":1,"stall":0}})",
               "");
  int reported_ok = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = mcp->call_tool("twenty_create_record",
                            R"({"object":"companies","data":{"name":"Fault Co )" + std::to_string(i)
                              + "\"}}",
                            60s);
    if (!is_error_result(r))
      ++reported_ok;
  }
  standin.http("POST", "/_standin/faults", R"({"rate":0})", "");
  auto after = total_count(standin, "/rest/companies?limit=1");
  // What the agent was told succeeded is exactly what Twenty holds: no duplicates from retries.
  CAF_CHECK_EQUAL(after - before, reported_ok);
  CAF_CHECK(reported_ok > 0);
  auto dupes = standin.http("GET", "/rest/companies?limit=200&filter=" + std::string("name%5BstartsWith%5D%3AFault"));
  auto doc = json::parse(dupes.second);
  CAF_REQUIRE(doc.has_value());
  std::set<std::string> seen;
  for (auto& c : (*doc)["data"]["companies"].GetArray()) {
    std::string name = c["name"].GetString();
    CAF_CHECK(seen.insert(name).second);
  }
}

CAF_TEST(reads survive faults upstream through retries) {
  standin_process standin({"--no-rate-limit"});
  auto mcp = start_server(standin, {"--rate-short-limit", "0", "--rate-long-limit", "0",
                                    "--cache-ttl-ms", "0"});
  standin.http("POST", "/_standin/faults",
               R"({"rate":0.3,"seed":5,"weights":{"5xx":1,"reset":1,"stall":0}})", "");
  int failed = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = mcp->call_tool("twenty_list_records",
                            R"({"object":"people","limit":3,"order_by":"createdAt","filter":"name.firstName[neq]:x)"
                              + std::to_string(i) + "\"}");
    failed += is_error_result(r);
  }
  CAF_CHECK_EQUAL(failed, 0);
  CAF_CHECK(standin.stats().find("\"5xx\":0") == std::string::npos);
}

CAF_TEST(the server stays under the twenty rate limit instead of collecting 429s) {
  // One token of slack: the calls' trip over loopback must not decide the outcome.
  standin_process standin({"--rate-short", "6/1000", "--rate-long", "1000/60000"});
  auto mcp = start_server(standin, {"--rate-short-limit", "5", "--rate-short-ttl-ms", "1000",
                                    "--cache-ttl-ms", "0"});
  standin.reset_stats();
  for (int i = 0; i < 12; ++i) {
    auto r = mcp->call_tool("twenty_list_records",
                            R"({"object":"companies","limit":1,"filter":"name[neq]:x)"
                              + std::to_string(i) + "\"}");
    CAF_CHECK(!is_error_result(r));
  }
  CAF_CHECK(standin.stats().find("\"rateLimited\":0") != std::string::npos);
}

CAF_TEST(sixty concurrent lists all succeed against a twenty limited to ten per second) {
  // A self-hosted Twenty with a lower limit than the server's configured 100 per second.
  standin_process standin({"--rate-short", "10/1000", "--rate-long", "1000/60000"});
  auto mcp = start_server(standin, {"--cache-ttl-ms", "0"});
  standin.reset_stats();
  std::vector<std::string> calls;
  for (int i = 0; i < 60; ++i)
    calls.push_back(R"({"name":"twenty_list_records","arguments":{"object":"companies","limit":1,)"
                    R"("filter":"name[neq]:x)"
                    + std::to_string(i) + R"("}})");
  auto t0 = std::chrono::steady_clock::now();
  auto answers = mcp->requests_at_once("tools/call", calls, 60s);
  auto took = std::chrono::steady_clock::now() - t0;
  int ok = 0;
  for (auto& a : answers)
    ok += a.IsObject() && a.HasMember("result") && !is_error_result(a["result"]);
  CAF_CHECK_EQUAL(ok, 60);
  // Twenty would serve them in about six seconds; the server learns the limit from the first
  // 429s (the calls already on the wire by then) and sends no more after.
  auto stats = json::parse(standin.stats());
  CAF_REQUIRE(stats.has_value());
  auto limited = (*stats)["rateLimited"].GetInt64();
  CAF_MESSAGE("429s: " << limited << ", took "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  // At most about two rounds of the 8 connections: the calls on the wire when it learns.
  CAF_CHECK_LESS_OR_EQUAL(limited, 16);
  CAF_CHECK_LESS(took, 15s);
}

CAF_TEST(closing the response of a stateless call drops its queued twenty calls) {
  standin_process standin({"--no-rate-limit"});
  auto port = free_port();
  // One Twenty call per second: a search over four objects queues three of its four calls.
  child_process server{{TMCP_SERVER_BINARY, "--transport", "http", "--http-port",
                        std::to_string(port), "--log-level", "error", "--twenty-api-url",
                        standin.url, "--twenty-api-key", "standin-demo-key",
                        "--rate-short-limit", "1", "--rate-short-ttl-ms", "1000",
                        "--cache-ttl-ms", "0"}};
  CAF_REQUIRE_NOT_EQUAL(wait_http(port, "/health").status, 0);
  const std::string body =
    R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"twenty_search_records",)"
    R"("arguments":{"query":"a","objects":["companies","people","opportunities","notes"]},)"
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
  const std::string request =
    "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
    + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
      "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\n"
      "Mcp-Name: twenty_search_records\r\nContent-Length: "
    + std::to_string(body.size()) + "\r\n\r\n" + body;
  // Twenty calls the search made; `hang_up` closes the connection 300 ms after sending.
  auto searches = [&](bool hang_up) {
    std::this_thread::sleep_for(1100ms); // a full budget for each run
    standin.reset_stats();
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket sock{ioc};
    sock.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    boost::asio::write(sock, boost::asio::buffer(request));
    if (hang_up) {
      std::this_thread::sleep_for(300ms);
      sock.close();
      std::this_thread::sleep_for(3500ms); // the queued calls would all have gone by now
    } else {
      std::string got;
      char buf[4096];
      boost::system::error_code ec;
      while (got.find("\"result\"") == std::string::npos && !ec)
        got.append(buf, sock.read_some(boost::asio::buffer(buf), ec));
      CAF_CHECK(got.find("\"result\"") != std::string::npos);
    }
    return standin.count("POST /graphql");
  };
  CAF_CHECK_EQUAL(searches(false), 4);
  CAF_CHECK_LESS(searches(true), 4);
}

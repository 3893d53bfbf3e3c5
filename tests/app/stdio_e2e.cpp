#define CAF_SUITE app.stdio
#include "caf/test/unit_test.hpp"

#include <thread>

#include "app/child_process.hpp"
#include "protocol/json.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

struct fixture {
  child_process server{{TMCP_SERVER_BINARY, "--transport", "stdio", "--conformance",
                        "--log-level", "warn"}};

  // Sends one request and returns the response with that id, collecting what came before.
  json::document call(const std::string& line, const std::string& id,
                      std::vector<std::string>* before = nullptr) {
    server.write_line(line);
    for (;;) {
      auto got = server.read_line(10s);
      if (!got)
        return {};
      auto doc = json::parse(*got);
      CAF_REQUIRE(doc.has_value());
      if (doc->HasMember("id") && json::stringify((*doc)["id"]) == id && !doc->HasMember("method"))
        return std::move(*doc);
      if (before)
        before->push_back(*got);
    }
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(stdio_tests, fixture)

CAF_TEST(the binary speaks newline delimited json rpc on stdio and exits on eof) {
  auto init = call(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}})",
                   "1");
  CAF_REQUIRE(init.HasMember("result"));
  CAF_CHECK_EQUAL(std::string(init["result"]["protocolVersion"].GetString()), "2025-11-25");
  server.write_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  auto tools = call(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})", "2");
  CAF_REQUIRE(tools.HasMember("result"));
  CAF_CHECK(tools["result"]["tools"].Size() >= 10u);
  std::vector<std::string> notes;
  auto progress = call(R"({"jsonrpc":"2.0","id":"p","method":"tools/call","params":{"name":"test_tool_with_progress","_meta":{"progressToken":42}}})",
                       "\"p\"", &notes);
  CAF_REQUIRE(progress.HasMember("result"));
  CAF_CHECK_EQUAL(notes.size(), 3u);
  for (auto& n : notes)
    CAF_CHECK(n.find("\"progressToken\":42") != std::string::npos);
  server.close_stdin();
  CAF_CHECK_EQUAL(server.wait(10s), 0);
}

CAF_TEST(a malformed line gets a parse error and the server keeps serving) {
  server.write_line("{not json");
  auto line = server.read_line(10s);
  CAF_REQUIRE(line.has_value());
  CAF_CHECK(line->find("-32700") != std::string::npos);
  auto ping = call(R"({"jsonrpc":"2.0","id":3,"method":"ping"})", "3");
  CAF_CHECK(ping.HasMember("result"));
}

CAF_TEST(requests before initialize are refused with a clear error) {
  auto r = call(R"({"jsonrpc":"2.0","id":4,"method":"tools/list"})", "4");
  CAF_REQUIRE(r.HasMember("error"));
  CAF_CHECK_EQUAL(r["error"]["code"].GetInt(), -32600);
}

CAF_TEST(notifications cancelled stops a stateless request on stdio and it is never answered) {
  const std::string meta = R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                           R"("io.modelcontextprotocol/clientCapabilities":{}})";
  // The progress fixture answers after 100 ms; the cancellation follows at once.
  server.write_line(R"({"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},)"
                    + meta + "}}");
  server.write_line(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow",)"
                    + meta + "}}");
  std::this_thread::sleep_for(400ms);
  std::vector<std::string> before;
  auto discover = call(R"({"jsonrpc":"2.0","id":"d","method":"server/discover","params":{)" + meta
                         + "}}",
                       "\"d\"", &before);
  CAF_REQUIRE(discover.HasMember("result"));
  for (auto& line : before)
    CAF_CHECK(line.find("\"slow\"") == std::string::npos);
  // Uncancelled, the same call is answered: the silence above is the cancellation.
  auto answered = call(R"({"jsonrpc":"2.0","id":"kept","method":"tools/call","params":{"name":"test_tool_with_progress","arguments":{},)"
                         + meta + "}}",
                       "\"kept\"");
  CAF_CHECK(answered.HasMember("result"));
}

CAF_TEST_FIXTURE_SCOPE_END()

// The real server over HTTP against its own stand-in, spoken to in the 2026-07-28 (stateless)
// era: each request a fresh connection. Shared by the tasks and write-gate suites.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/child_process.hpp"
#include "app/standin_process.hpp"
#include "protocol/json.hpp"
#include "tests/protocol/transport/test_client.hpp"

namespace tmcp::testing {

// The JSON-RPC answer in a body: the body itself, or an SSE stream's last `data:` message.
inline json::document answer_of(const std::string& body) {
  auto text = body;
  if (body.rfind("{", 0) != 0) {
    auto at = body.rfind("data: {");
    text = at == std::string::npos ? "" : body.substr(at + 6, body.find('\n', at) - at - 6);
  }
  auto doc = json::parse(text);
  if (!doc)
    CAF_FAIL("not a JSON-RPC answer: " << body.substr(0, 300));
  return std::move(*doc);
}

struct modern_http_server {
  standin_process standin;
  std::unique_ptr<child_process> proc;
  uint16_t port = 0;
  int next_id = 1;
  // clientCapabilities sent when a call names none.
  std::string default_caps = "{}";

  explicit modern_http_server(std::vector<std::string> standin_args = {},
                  std::vector<std::string> server_args = {})
    : standin(std::move(standin_args)) {
    CAF_REQUIRE(!standin.url.empty());
    std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1",
                                  TMCP_SERVER_BINARY, "--transport", "http", "--http-port", "0",
                                  "--log-level", "warn", "--twenty-api-url", standin.url,
                                  "--twenty-api-key", "standin-demo-key"};
    argv.insert(argv.end(), server_args.begin(), server_args.end());
    proc = std::make_unique<child_process>(argv);
    for (int i = 0; i < 40 && port == 0; ++i) {
      auto line = proc->read_line(std::chrono::seconds(20));
      CAF_REQUIRE(line);
      auto at = line->find("listening on http://127.0.0.1:");
      if (at != std::string::npos)
        port = static_cast<uint16_t>(std::stoi(line->substr(at + 30)));
    }
    CAF_REQUIRE_NOT_EQUAL(port, 0);
  }

  // One 2026-07-28 request on a fresh connection; `members` are params' own members.
  json::document modern(const std::string& method, const std::string& members,
                        const std::optional<std::string>& caps = std::nullopt,
                        const std::string& name = "") {
    auto body = R"({"jsonrpc":"2.0","id":)" + std::to_string(next_id++) + R"(,"method":")"
                + method + R"(","params":{)" + members + (members.empty() ? "" : ",")
                + R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                  R"("io.modelcontextprotocol/clientCapabilities":)"
                + caps.value_or(default_caps) + "}}}";
    auto req = test::post_request(port, body);
    req.set("MCP-Protocol-Version", "2026-07-28").set("Mcp-Method", method);
    if (!name.empty())
      req.set("Mcp-Name", name);
    test::test_client c{port, std::chrono::seconds(60)};
    auto res = c.exchange(req);
    CAF_REQUIRE(res);
    return answer_of(res->body);
  }

  json::document call(const std::string& tool, const std::string& args,
                      const std::optional<std::string>& caps = std::nullopt) {
    return modern("tools/call", R"("name":")" + tool + R"(","arguments":)" + args, caps, tool);
  }
};

} // namespace tmcp::testing

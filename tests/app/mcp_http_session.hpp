// One MCP session over HTTP for the end-to-end suites: initialize, then tools/call from any
// thread (each call on its own connection), and the server under test as a child process.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/child_process.hpp"
#include "app/http_probe.hpp"

namespace tmcp::testing {

inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct http_session_client {
  uint16_t port;
  std::string session;

  std::vector<std::pair<std::string, std::string>> headers() const {
    std::vector<std::pair<std::string, std::string>> h{
      {"Content-Type", "application/json"}, {"Accept", "application/json, text/event-stream"}};
    if (!session.empty()) {
      h.emplace_back("Mcp-Session-Id", session);
      h.emplace_back("MCP-Protocol-Version", "2025-11-25");
    }
    return h;
  }

  // The initialize POST alone (no session yet).
  http_answer initialize() {
    return http_call(port, "POST", "/mcp", headers(),
                     R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
  }

  // A new session (any old one is forgotten first).
  bool start() {
    session.clear();
    auto a = initialize();
    session = a.headers["mcp-session-id"];
    http_call(port, "POST", "/mcp", headers(),
              R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    return a.status == 200 && !session.empty();
  }

  http_answer call(int id, const std::string& tool, const std::string& args) {
    return http_call(port, "POST", "/mcp", headers(),
                     R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                       + R"(,"method":"tools/call","params":{"name":")" + tool
                       + R"(","arguments":)" + args + "}}");
  }

  // A list call whose target differs with `n` (no shared upstream call, no cache hit).
  http_answer list(int n) {
    return call(100 + n, "twenty_list_records",
                R"({"object":"people","limit":)" + std::to_string(1 + n % 20) + "}");
  }

  http_answer end() { return http_call(port, "DELETE", "/mcp", headers()); }
};

// The server over HTTP against `twenty_url` with extra flags, its admin listener on another
// port; constructed once /health answers 200 (the schema is loaded).
struct http_server_process {
  uint16_t port = free_port();
  uint16_t admin = free_port();
  child_process server;

  http_server_process(const std::string& twenty_url, std::vector<std::string> extra)
    : server(argv(twenty_url, std::move(extra), port, admin)) {
    ready = wait_http(port, "/health").status == 200;
  }

  bool ready = false;

  static std::vector<std::string> argv(const std::string& twenty_url,
                                       std::vector<std::string> extra, uint16_t port,
                                       uint16_t admin) {
    std::vector<std::string> a{TMCP_SERVER_BINARY, "--transport", "http", "--http-port",
                               std::to_string(port), "--admin-port", std::to_string(admin),
                               "--log-level", "warn", "--twenty-api-url", twenty_url,
                               "--twenty-api-key", "standin-demo-key"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

} // namespace tmcp::testing

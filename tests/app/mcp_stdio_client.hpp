// A minimal MCP client over the server binary's stdio, for end-to-end tests: sends requests,
// waits for the matching response, and keeps the notifications that arrived meanwhile.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/child_process.hpp"
#include "protocol/json.hpp"

namespace tmcp::testing {

class mcp_stdio_client {
public:
  explicit mcp_stdio_client(std::vector<std::string> argv) : proc_(argv) {}

  child_process& process() { return proc_; }

  // Sends a request and returns the whole response message (null document on timeout).
  json::document request(const std::string& method, const std::string& params,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto id = std::to_string(++next_id_);
    proc_.write_line(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":")" + method
                     + R"(","params":)" + params + "}");
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto line = proc_.read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
      if (!line)
        break;
      auto doc = json::parse(*line);
      if (!doc)
        continue;
      if (doc->HasMember("method") && !doc->HasMember("id")) {
        notifications.push_back(*line);
        continue;
      }
      if (doc->HasMember("id") && json::stringify((*doc)["id"]) == id)
        return std::move(*doc);
    }
    return {};
  }

  // Sends every request at once, then collects the responses (by id, in the order sent); a
  // response missing at the deadline stays a null document.
  std::vector<json::document> requests_at_once(const std::string& method,
                                               const std::vector<std::string>& params,
                                               std::chrono::milliseconds timeout) {
    auto first = next_id_ + 1;
    for (const auto& p : params)
      proc_.write_line(R"({"jsonrpc":"2.0","id":)" + std::to_string(++next_id_)
                       + R"(,"method":")" + method + R"(","params":)" + p + "}");
    std::vector<json::document> out(params.size());
    std::size_t got = 0;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got < params.size() && std::chrono::steady_clock::now() < deadline) {
      auto line = proc_.read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
      if (!line)
        break;
      auto doc = json::parse(*line);
      if (!doc || !doc->HasMember("id") || !(*doc)["id"].IsInt()) {
        notifications.push_back(*line);
        continue;
      }
      auto at = (*doc)["id"].GetInt() - first;
      if (at >= 0 && static_cast<std::size_t>(at) < out.size() && out[at].IsNull()) {
        out[at] = std::move(*doc);
        ++got;
      }
    }
    return out;
  }

  void notify(const std::string& method, const std::string& params = "{}") {
    proc_.write_line(R"({"jsonrpc":"2.0","method":")" + method + R"(","params":)" + params
                     + "}");
  }

  bool initialize(const std::string& capabilities = "{}") {
    auto r = request("initialize", R"({"protocolVersion":"2025-11-25","capabilities":)" + capabilities
                                     + R"(,"clientInfo":{"name":"e2e","version":"1"}})");
    initialize_result.CopyFrom(r, initialize_result.GetAllocator());
    notify("notifications/initialized");
    return r.IsObject() && r.HasMember("result");
  }

  // tools/call; returns the `result` member (a null value when the call failed at JSON-RPC level).
  json::document call_tool(const std::string& name, const std::string& args,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto r = request("tools/call", R"({"name":")" + name + R"(","arguments":)" + args + "}",
                     timeout);
    json::document out;
    if (r.IsObject() && r.HasMember("result"))
      out.CopyFrom(r["result"], out.GetAllocator());
    else if (r.IsObject() && r.HasMember("error"))
      out.CopyFrom(r, out.GetAllocator()); // keep the error visible to the test
    return out;
  }

  // Waits for a notification with `method` (already received ones count).
  bool wait_notification(const std::string& method, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (auto& n : notifications)
        if (n.find("\"method\":\"" + method + "\"") != std::string::npos)
          return true;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return false;
      auto line = proc_.read_line(left);
      if (!line)
        return false;
      notifications.push_back(*line);
    }
  }

  std::vector<std::string> notifications;
  json::document initialize_result; // the whole response

private:
  child_process proc_;
  int next_id_ = 0;
};

// The text of a tool result's first content block.
inline std::string result_text(const json::value& result) {
  if (!result.IsObject() || !result.HasMember("content") || !result["content"].IsArray()
      || result["content"].Empty())
    return json::stringify(result);
  const auto& c = result["content"][0];
  return c.HasMember("text") ? c["text"].GetString() : json::stringify(c);
}

inline bool is_error_result(const json::value& result) {
  return result.IsObject() && result.HasMember("isError") && result["isError"].GetBool();
}

#ifdef TMCP_SERVER_BINARY
// The server over stdio against the stand-in at `url` (its demo key), with `extra` options.
inline std::vector<std::string> standin_server_argv(const std::string& url,
                                                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level",
                                "warn", "--twenty-api-url", url, "--twenty-api-key",
                                "standin-demo-key"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// That server, initialized; null when it did not answer initialize.
inline std::unique_ptr<mcp_stdio_client> stdio_server(const std::string& url,
                                                      const std::vector<std::string>& extra = {},
                                                      const std::string& capabilities = "{}") {
  auto client = std::make_unique<mcp_stdio_client>(standin_server_argv(url, extra));
  return client->initialize(capabilities) ? std::move(client) : nullptr;
}
#endif

} // namespace tmcp::testing

// MCP over Streamable HTTP on an http_conn: session setup and one JSON-RPC call, with the answer
// (SSE or JSON) checked for a result and for a tool-level error (isError).
#pragma once

#include "http_conn.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace twenty_bench {

struct call_outcome {
  std::string error;     // empty on success; "tool error: <text>" when result.isError
  std::string message;   // the JSON-RPC response text, when asked for
  std::size_t body_bytes = 0;  // size of the HTTP answer body
};

using open_fn = std::function<void(const std::string& error, const std::string& session_id)>;
using call_fn = std::function<void(call_outcome)>;

// initialize (expects an Mcp-Session-Id) then notifications/initialized (expects 202).
void mcp_open(const std::shared_ptr<http_conn>& conn, const endpoint& ep, open_fn done);

// POSTs {"jsonrpc":"2.0","id":id,"method":method,"params":params_json}.
void mcp_call(const std::shared_ptr<http_conn>& conn, const endpoint& ep,
              const std::string& session_id, std::int64_t id, const std::string& method,
              const std::string& params_json, bool keep_message, call_fn done);

// Checks an answer for the response with `id`; public for the tools/list pager.
call_outcome read_rpc_reply(const http_response& res, std::int64_t id, bool keep_message);

struct mcp_session {
  std::shared_ptr<http_conn> conn;
  std::string id;
};

// Opens n sessions, each on its own connection (16 in setup at once); throws on any failure.
std::vector<mcp_session> open_sessions(net::io_context& ioc, const endpoint& ep, int n,
                                       double timeout_s);

// JSON string literal with the needed escapes.
std::string quote(const std::string& s);

}  // namespace twenty_bench

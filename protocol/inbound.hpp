// One client message as the transports hand it to the sessions, after transport-level checks.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/json_rpc.hpp"
#include "protocol/stream_sink.hpp"

namespace tmcp {

enum class inbound_verb { post, get, del };

struct inbound {
  inbound_verb verb = inbound_verb::post;
  // `Mcp-Session-Id` (empty when absent: only valid for an `initialize` POST).
  std::string session_id;
  // `MCP-Protocol-Version` as sent; empty when absent. Legacy: already checked to be supported.
  std::string protocol_version;
  // POST: the parsed message.
  std::optional<message> msg;
  // GET: `Last-Event-ID` when the client resumes a stream.
  std::string last_event_id;
  // Where the answer goes.
  sink_ptr sink;
  // POST: the client's Accept lists application/json but not text/event-stream, so the answer
  // must be one JSON body; requests that need a stream (progress, server requests) are refused.
  bool json_only = false;
  // The request is of the modern, stateless era (2026-07-28): no session serves it.
  bool modern = false;
  // Over HTTP: the routing headers must then match the body (stdio has none).
  bool http = false;
  std::optional<std::string> mcp_method; // `Mcp-Method`
  std::optional<std::string> mcp_name;   // `Mcp-Name`, Base64 form already decoded
  // `Mcp-Param-{Name}` headers as sent: {Name, value} (checked against the tool's x-mcp-header
  // parameters).
  std::vector<std::pair<std::string, std::string>> mcp_params;
  // Over authenticated HTTP: who sent it (a session answers only the one who opened it) and the
  // profile whose tools serve it ("" = the server's own permissions).
  std::string principal;
  std::string profile;
};

} // namespace tmcp

// JSON-RPC and MCP error values; encoded to the wire once, by encode_error.
#pragma once

#include <string>

namespace tmcp {

enum class rpc_errc : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  // MCP 2025-11-25: a resource URI that names nothing.
  resource_not_found = -32002,
  // TS SDK conventions for transport-level faults, mirrored for client compatibility: the
  // transport refused the message (the HTTP status says why), and an unknown session.
  transport_error = -32000,
  session_not_found = -32001,
  request_cancelled = -32800,
  // MCP 2026-07-28: routing headers disagree with the body; a client capability the request
  // needs was not declared; a protocol version the server does not serve.
  header_mismatch = -32020,
  missing_client_capability = -32021,
  unsupported_protocol_version = -32022,
  // A server->client request (elicitation, sampling, roots) got no answer in time; the TS
  // SDK reuses -32001 for this, which here means only session_not_found.
  request_timeout = -32003,
};

struct rpc_error {
  int code = static_cast<int>(rpc_errc::internal_error);
  std::string message;
  // Serialized JSON for the optional "data" member; empty means absent.
  std::string data;
};

rpc_error make_rpc_error(rpc_errc code, std::string message, std::string data = {});

// {"code":..,"message":..,"data"?:..} as JSON text.
std::string encode_error(const rpc_error& e);

} // namespace tmcp

// The MCP methods both eras answer alike (lists, tools, resources, prompts, completion),
// against one catalog and one request_context: no session in sight, so a legacy session and
// a stateless (2026-07-28) request reach the very same handlers.
#pragma once

#include <string>

#include "protocol/catalog.hpp"
#include "protocol/expected.hpp"
#include "protocol/json.hpp"
#include "protocol/request_context.hpp"

namespace tmcp::dispatch {

// tools/list, resources/list, resources/templates/list, prompts/list.
bool is_list_method(const std::string& method);
expected<std::string, rpc_error> list(const catalog& cat, const std::string& method,
                                      const json::value* params);

// tools/call, resources/read, prompts/get, completion/complete: they end through the context.
bool is_handler_method(const std::string& method);
void start(const catalog& cat, const std::string& method, const json::value* params,
           const ctx_ptr& ctx);

// The error for a URI that names nothing: -32002 up to 2025-11-25, -32602 from 2026-07-28.
rpc_error resource_not_found(const std::string& uri, const std::string& protocol_version);

// Params helpers shared with the era-specific methods.
rpc_error invalid_params(std::string text);
expected<std::string, rpc_error> need_string(const json::value* params, const char* key);

} // namespace tmcp::dispatch

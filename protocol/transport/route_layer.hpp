// Hooks beside the MCP endpoint, filled by the app: routes the transport answers without a
// session (health, metrics, OAuth metadata) and the admission check of MCP requests (inbound
// auth, overload). The transport only carries them, so it stays free of their policies.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tmcp::transport {

// What a hook sees of one request (borrowed from the parser for the call's duration).
struct layer_request {
  std::string_view method;
  std::string_view target; // path and query
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> host;
  std::string client_address; // the peer's IP, for per-client limits
};

struct layer_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the admission check decided: an answer instead of the request, or who sent it.
struct admission {
  std::optional<layer_response> refusal;
  std::string principal; // "" when the endpoint is not authenticated
  std::string profile;   // the catalog profile serving the principal ("" = the server's own)
};

// Delivers the answer; callable once, from any thread.
using layer_reply = std::function<void(layer_response)>;

struct route_layer {
  // Takes a request for one of its own paths (true) or leaves it to the MCP endpoint (false).
  std::function<bool(const layer_request&, layer_reply)> serve;
  // Admits an MCP request (naming who sent it) or answers it instead (401, 403, 503...).
  std::function<admission(const layer_request&)> admit;
};

// The path part of a request target.
inline std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

} // namespace tmcp::transport

// The endpoint's decisions on one request, as pure functions over its headers and body:
// either a rejection (status + JSON-RPC error body) or the inbound to hand to the sessions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/expected.hpp"
#include "protocol/inbound.hpp"
#include "protocol/transport/http_faults.hpp"

namespace tmcp::transport {

// The headers of one request, borrowed from the HTTP parser; nullopt = header absent.
struct request_view {
  std::string_view method; // "POST", "GET", ...
  std::string_view target; // "/mcp?x=1"
  std::optional<std::string_view> host;
  std::optional<std::string_view> origin;
  std::optional<std::string_view> content_type;
  std::optional<std::string_view> accept;
  std::optional<std::string_view> session_id;
  std::optional<std::string_view> protocol_version;
  std::optional<std::string_view> last_event_id;
  std::optional<std::string_view> mcp_method; // 2026-07-28 routing headers
  std::optional<std::string_view> mcp_name;
  // `Mcp-Param-{Name}` headers (SEP-2243 x-mcp-header): {Name, raw value}.
  std::vector<std::pair<std::string_view, std::string_view>> mcp_params;
};

// The view of a parsed Beast request (any body type); the fuzz targets build it the same way.
template <class Request>
request_view view_of(const Request& req) {
  auto field = [&](const char* name) -> std::optional<std::string_view> {
    auto it = req.find(name);
    if (it == req.end())
      return std::nullopt;
    auto v = it->value();
    return std::string_view(v.data(), v.size());
  };
  auto method = req.method_string();
  auto target = req.target();
  request_view v;
  v.method = std::string_view(method.data(), method.size());
  v.target = std::string_view(target.data(), target.size());
  v.host = field("Host");
  v.origin = field("Origin");
  v.content_type = field("Content-Type");
  v.accept = field("Accept");
  v.session_id = field("Mcp-Session-Id");
  v.protocol_version = field("MCP-Protocol-Version");
  v.last_event_id = field("Last-Event-ID");
  v.mcp_method = field("Mcp-Method");
  v.mcp_name = field("Mcp-Name");
  constexpr std::string_view param_prefix = "mcp-param-";
  for (const auto& f : req) {
    auto name = f.name_string();
    if (name.size() <= param_prefix.size())
      continue;
    bool match = true; // case-insensitive: '-' | 0x20 is '-' itself
    for (std::size_t i = 0; i < param_prefix.size() && match; ++i)
      match = (name[i] | 0x20) == param_prefix[i];
    if (match)
      v.mcp_params.emplace_back(
        std::string_view(name.data() + param_prefix.size(), name.size() - param_prefix.size()),
        std::string_view(f.value().data(), f.value().size()));
  }
  return v;
}

struct route_config {
  std::string path = "/mcp";
  std::vector<std::string> allowed_hosts;   // effective list, see effective_allowed_hosts
  std::vector<std::string> allowed_origins; // effective list
  bool validate_host = true;
};

// Everything the headers decide, in order: 403 Origin/Host, 404 path, 405 method, then per
// method 415/406/400 (version, session id). nullopt = accepted so far.
std::optional<rejection> check_headers(const request_view& req, const route_config& cfg);

// A POST body after check_headers passed: 400 on a parse error (the parser's JSON-RPC
// error). A request without a session that carries `_meta` or a modern MCP-Protocol-Version
// is of the stateless era (2026-07-28); otherwise a missing session id on anything but
// `initialize` is a 400. Else the inbound, sink unset.
expected<inbound, rejection> route_post(const request_view& req, std::string_view body);

// A GET or DELETE after check_headers passed; sink unset.
inbound route_stream(const request_view& req);

} // namespace tmcp::transport

#include "protocol/transport/routes.hpp"

#include "protocol/base64.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/mcp_version.hpp"
#include "protocol/transport/validation.hpp"

namespace tmcp::transport {

namespace {

rejection reject(fault_kind kind, std::string message) {
  return to_rejection(make_fault(kind, std::move(message)));
}

std::string supported_list() {
  std::string out;
  for (const auto& v : supported_protocol_versions())
    out += (out.empty() ? "" : ", ") + v;
  return out;
}

std::optional<rejection> check_version(const request_view& req) {
  if (req.protocol_version && !is_supported_version(*req.protocol_version))
    return reject(fault_kind::malformed, "Bad Request: Unsupported protocol version: "
                         + std::string(*req.protocol_version)
                         + " (supported versions: " + supported_list() + ")");
  return std::nullopt;
}

std::optional<rejection> check_session_header(const request_view& req) {
  if (!req.session_id)
    return reject(fault_kind::malformed, "Bad Request: Mcp-Session-Id header is required");
  if (!is_valid_session_id(*req.session_id))
    return reject(fault_kind::malformed, "Bad Request: Mcp-Session-Id must be visible ASCII");
  return std::nullopt;
}

std::string to_string(std::optional<std::string_view> v) {
  return v ? std::string(*v) : std::string();
}

// A header value, with the `=?base64?...?=` form of non-ASCII values decoded.
std::optional<std::string> header_text(std::optional<std::string_view> v) {
  if (!v)
    return std::nullopt;
  constexpr std::string_view pre = "=?base64?", post = "?=";
  if (v->size() >= pre.size() + post.size() && v->substr(0, pre.size()) == pre
      && v->substr(v->size() - post.size()) == post)
    if (auto d = base64_decode(v->substr(pre.size(), v->size() - pre.size() - post.size())))
      return *d;
  return std::string(*v);
}

bool has_legacy_version(const request_view& req) {
  return req.protocol_version && is_supported_version(*req.protocol_version);
}

// GET and DELETE belong to legacy sessions; a stateless client has no stream to open.
rejection stateless_verb(const request_view& req) {
  return reject(fault_kind::method_not_allowed,
                "Method Not Allowed: " + std::string(req.method)
                  + " needs a session (protocol 2026-07-28 uses POST only)");
}

} // namespace

std::optional<rejection> check_headers(const request_view& req, const route_config& cfg) {
  // DNS rebinding protection comes before anything that reveals the endpoint's shape.
  if (req.origin && !check_origin(*req.origin, cfg.allowed_origins))
    return reject(fault_kind::forbidden, "Forbidden: Origin " + std::string(*req.origin) + " is not allowed");
  if (cfg.validate_host) {
    if (!req.host)
      return reject(fault_kind::forbidden, "Forbidden: missing Host header");
    if (!check_host(*req.host, cfg.allowed_hosts))
      return reject(fault_kind::forbidden, "Forbidden: Host " + std::string(*req.host) + " is not allowed");
  }
  auto path = req.target.substr(0, req.target.find('?'));
  if (path != cfg.path)
    return reject(fault_kind::no_endpoint, "Not Found: no MCP endpoint at " + std::string(path));
  if (req.method == "POST") {
    if (!req.content_type || !is_json_content_type(*req.content_type))
      return reject(fault_kind::unsupported_media_type, "Unsupported Media Type: Content-Type must be application/json");
    if (!req.accept || !accepts_json(*req.accept))
      return reject(fault_kind::not_acceptable, "Not Acceptable: Client must accept application/json (and "
                         "text/event-stream for streamed answers)");
    // Without a session the body decides the era (route_post); a modern request's version
    // is checked against its _meta there.
    return req.session_id ? check_version(req) : std::nullopt;
  }
  if ((req.method == "GET" || req.method == "DELETE") && !req.session_id
      && !has_legacy_version(req))
    return stateless_verb(req);
  if (req.method == "GET") {
    if (!req.accept || !accepts_sse(*req.accept))
      return reject(fault_kind::not_acceptable, "Not Acceptable: Client must accept text/event-stream");
    if (auto r = check_version(req))
      return r;
    return check_session_header(req);
  }
  if (req.method == "DELETE") {
    if (auto r = check_version(req))
      return r;
    return check_session_header(req);
  }
  return reject(fault_kind::method_not_allowed,
                "Method Not Allowed: " + std::string(req.method) + " (allowed: GET, POST, DELETE)");
}

expected<inbound, rejection> route_post(const request_view& req, std::string_view body) {
  auto parsed = parse_message(body);
  if (!parsed) {
    const auto& f = parsed.error();
    return make_unexpected(to_rejection(fault{fault_kind::malformed, f.error, f.id}));
  }
  auto& msg = *parsed;
  auto params = msg.params();
  bool has_meta = params && params->IsObject() && params->HasMember("_meta");
  // The dual-era rule of the 2026-07-28 reference server (mcp.md 3.4).
  if (!req.session_id && (req.protocol_version || has_meta)
      && !(!has_meta && has_legacy_version(req))) {
    inbound in;
    in.verb = inbound_verb::post;
    in.modern = true;
    in.http = true;
    in.protocol_version = to_string(req.protocol_version);
    in.mcp_method = header_text(req.mcp_method);
    in.mcp_name = header_text(req.mcp_name);
    for (const auto& [name, value] : req.mcp_params)
      in.mcp_params.emplace_back(name, value);
    in.msg = std::move(msg);
    return in;
  }
  bool is_initialize = msg.is_request() && msg.method == "initialize";
  // Only `initialize` may arrive without a session: it is what creates one.
  if (req.session_id || !is_initialize)
    if (auto r = check_session_header(req))
      return make_unexpected(std::move(*r));
  inbound in;
  in.verb = inbound_verb::post;
  in.session_id = to_string(req.session_id);
  in.protocol_version = to_string(req.protocol_version);
  in.msg = std::move(msg);
  in.json_only = !req.accept || !accepts_sse(*req.accept);
  return in;
}

inbound route_stream(const request_view& req) {
  inbound in;
  in.verb = req.method == "GET" ? inbound_verb::get : inbound_verb::del;
  in.session_id = to_string(req.session_id);
  in.protocol_version = to_string(req.protocol_version);
  in.last_event_id = to_string(req.last_event_id);
  return in;
}

} // namespace tmcp::transport

// Pure header rules of the Streamable HTTP endpoint: no sockets, no Beast, unit-testable.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tmcp::transport {

// The loopback host names every default allow-list starts with.
const std::vector<std::string>& loopback_hosts();

// The effective `Host` allow-list: `configured` if non-empty, else loopback names (any port)
// plus `bound_host:bound_port`.
std::vector<std::string> effective_allowed_hosts(const std::vector<std::string>& configured,
                                                 std::string_view bound_host,
                                                 unsigned bound_port);

// The effective `Origin` allow-list: `configured` if non-empty, else the loopback names
// (any scheme and port) plus `bound_host:bound_port`.
std::vector<std::string> effective_allowed_origins(const std::vector<std::string>& configured,
                                                   std::string_view bound_host,
                                                   unsigned bound_port);

// True if a `Host` header value ("name[:port]") matches an entry ("name" or "name:port").
// Case-insensitive; IPv6 literals keep their brackets ("[::1]:3001").
bool check_host(std::string_view host_header, const std::vector<std::string>& allowed);

// True if an `Origin` header value ("scheme://host[:port]") matches an entry: a full origin
// compares exactly, a bare "host[:port]" compares to the origin's authority. "null" never
// matches a bare entry.
bool check_origin(std::string_view origin_header, const std::vector<std::string>& allowed);

// `Accept` lists application/json (as the TS SDK: `*/*` does not count). A POST needs it;
// without text/event-stream as well, the answer comes as plain JSON.
bool accepts_json(std::string_view accept_header);

// `Accept` lists text/event-stream; a GET needs it.
bool accepts_sse(std::string_view accept_header);

// `Content-Type` is application/json, parameters such as charset allowed.
bool is_json_content_type(std::string_view content_type_header);

// `Mcp-Session-Id` is non-empty visible ASCII (0x21-0x7E), as the spec requires.
bool is_valid_session_id(std::string_view id);


} // namespace tmcp::transport

#include "protocol/transport/validation.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/json.hpp"

namespace tmcp::transport {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
              return std::tolower(static_cast<unsigned char>(x))
                     == std::tolower(static_cast<unsigned char>(y));
            });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

struct authority {
  std::string_view host;
  std::string_view port; // empty when absent
};

// "name[:port]" or "[v6][:port]"; an unbracketed v6 literal is all host.
authority split_authority(std::string_view s) {
  if (!s.empty() && s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos)
      return {s, {}};
    auto rest = s.substr(close + 1);
    if (rest.size() > 1 && rest.front() == ':')
      return {s.substr(0, close + 1), rest.substr(1)};
    return {s.substr(0, close + 1), {}};
  }
  auto colon = s.find(':');
  if (colon == std::string_view::npos || s.find(':', colon + 1) != std::string_view::npos)
    return {s, {}};
  return {s.substr(0, colon), s.substr(colon + 1)};
}

bool authority_matches(std::string_view value, std::string_view entry) {
  auto v = split_authority(value);
  auto e = split_authority(entry);
  if (v.host.empty() || !iequals(v.host, e.host))
    return false;
  return e.port.empty() || v.port == e.port;
}

// Applies `f` to each comma-separated media type with its parameters and spaces removed.
template <class F>
bool any_media_type(std::string_view header, F f) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    item = trim(item.substr(0, item.find(';')));
    if (f(item))
      return true;
    if (comma == std::string_view::npos)
      break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

bool lists(std::string_view accept, std::string_view type) {
  return any_media_type(accept, [&](std::string_view t) { return iequals(t, type); });
}

} // namespace

const std::vector<std::string>& loopback_hosts() {
  static const std::vector<std::string> hosts{"localhost", "127.0.0.1", "[::1]"};
  return hosts;
}

std::vector<std::string> effective_allowed_hosts(const std::vector<std::string>& configured,
                                                 std::string_view bound_host,
                                                 unsigned bound_port) {
  if (!configured.empty())
    return configured;
  auto result = loopback_hosts();
  // An IPv6 bind address appears bracketed in Host headers.
  std::string host(bound_host);
  if (host.find(':') != std::string::npos && host.front() != '[')
    host = "[" + host + "]";
  result.push_back(host + ":" + std::to_string(bound_port));
  return result;
}

std::vector<std::string> effective_allowed_origins(const std::vector<std::string>& configured,
                                                   std::string_view bound_host,
                                                   unsigned bound_port) {
  // Same shape as the Host list: bare entries compare to the origin's authority.
  return effective_allowed_hosts(configured, bound_host, bound_port);
}

bool check_host(std::string_view host_header, const std::vector<std::string>& allowed) {
  host_header = trim(host_header);
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& entry) {
    return authority_matches(host_header, entry);
  });
}

bool check_origin(std::string_view origin_header, const std::vector<std::string>& allowed) {
  auto origin = trim(origin_header);
  while (!origin.empty() && origin.back() == '/')
    origin.remove_suffix(1);
  auto sep = origin.find("://");
  auto auth = sep == std::string_view::npos ? std::string_view{} : origin.substr(sep + 3);
  auth = auth.substr(0, auth.find('/'));
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& entry) {
    if (iequals(origin, entry))
      return true;
    // A bare entry names an authority; it never matches an opaque origin such as "null".
    return entry.find("://") == std::string::npos && !auth.empty()
           && authority_matches(auth, entry);
  });
}

bool accepts_json(std::string_view accept_header) {
  return lists(accept_header, "application/json");
}

bool accepts_sse(std::string_view accept_header) {
  return lists(accept_header, "text/event-stream");
}

bool is_json_content_type(std::string_view content_type_header) {
  auto type = trim(content_type_header.substr(0, content_type_header.find(';')));
  return iequals(type, "application/json");
}

bool is_valid_session_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return c >= 0x21 && c <= 0x7e;
  });
}

} // namespace tmcp::transport

// Pure helpers of the HTTP client: base URL parsing and Twenty's rate-limit header values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/expected.hpp"

namespace tmcp::twenty {

struct base_url {
  bool tls = false;
  std::string host;        // without brackets for IPv6 literals
  std::string port;        // "80"/"443" when not given
  std::string prefix;      // "" or "/twenty" (no trailing slash)
  std::string host_header; // "host" or "host:port" when the port is not the default
};

// "https://crm.example.com:8443/twenty/" → {tls, "crm.example.com", "8443", "/twenty", ...}.
expected<base_url, std::string> parse_base_url(std::string_view url);

// A header value that is an integer (surrounding spaces allowed); nullopt otherwise.
std::optional<long long> parse_header_int(std::string_view v);

// Retry-After: delta seconds, or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT") turned
// into seconds from `now` (never negative).
std::optional<int> parse_retry_after(std::string_view v, std::chrono::system_clock::time_point now);

// True when `host` is an IPv4 or IPv6 literal (no SNI is sent for those).
bool is_ip_literal(const std::string& host);

} // namespace tmcp::twenty

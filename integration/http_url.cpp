#include "integration/http_url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace tmcp::twenty {

namespace {

std::string_view trim(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
    v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
    v.remove_suffix(1);
  return v;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
      return false;
  return true;
}

} // namespace

expected<base_url, std::string> parse_base_url(std::string_view url) {
  auto fail = [&](const std::string& why) {
    return make_unexpected("invalid Twenty base URL '" + std::string(url) + "': " + why);
  };
  base_url out;
  auto rest = trim(url);
  if (starts_with_nocase(rest, "https://")) {
    out.tls = true;
    rest.remove_prefix(8);
  } else if (starts_with_nocase(rest, "http://")) {
    rest.remove_prefix(7);
  } else {
    return fail("it must start with http:// or https://");
  }
  if (rest.find_first_of("?#") != std::string_view::npos)
    return fail("it must not contain a query or fragment");
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  auto path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    return fail("credentials in the URL are not supported; use the API key");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return fail("unclosed '[' in the host");
    out.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return fail("unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos)
      port = authority.substr(colon + 1);
  }
  if (out.host.empty())
    return fail("the host is empty");
  std::string default_port = out.tls ? "443" : "80";
  if (port.empty()) {
    out.port = default_port;
  } else {
    int n = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc{} || p != port.data() + port.size() || n <= 0 || n > 65535)
      return fail("the port must be a number from 1 to 65535");
    out.port = std::to_string(n);
  }
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  out.prefix = std::string(path);
  auto host = out.host.find(':') != std::string::npos ? "[" + out.host + "]" : out.host;
  out.host_header = out.port == default_port ? host : host + ":" + out.port;
  return out;
}

std::optional<long long> parse_header_int(std::string_view v) {
  v = trim(v);
  long long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size())
    return std::nullopt;
  return n;
}

std::optional<int> parse_retry_after(std::string_view v,
                                     std::chrono::system_clock::time_point now) {
  if (auto n = parse_header_int(v)) {
    if (*n < 0)
      return std::nullopt;
    return static_cast<int>(std::min<long long>(*n, 86400));
  }
  std::tm tm{};
  std::istringstream in{std::string(trim(v))};
  in.imbue(std::locale::classic());
  in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
  if (in.fail())
    return std::nullopt;
  auto at = timegm(&tm);
  auto secs = static_cast<long long>(at) - std::chrono::system_clock::to_time_t(now);
  return static_cast<int>(std::clamp<long long>(secs, 0, 86400));
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

} // namespace tmcp::twenty

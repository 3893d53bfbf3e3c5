#include "integration/url.hpp"

#include <cctype>

namespace tmcp::twenty {

std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string with_query(std::string path,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  char sep = path.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    if (v.empty())
      continue;
    path += sep;
    path += url_encode(k);
    path += '=';
    path += url_encode(v);
    sep = '&';
  }
  return path;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36)
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i])))
      return false;
  }
  return true;
}

} // namespace tmcp::twenty

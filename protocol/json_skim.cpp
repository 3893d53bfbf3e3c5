#include "protocol/json_skim.hpp"

#include <cstring>

namespace tmcp::json::skim {

std::size_t space_end(std::string_view s, std::size_t at) {
  while (at < s.size() && (s[at] == ' ' || s[at] == '\t' || s[at] == '\n' || s[at] == '\r'))
    ++at;
  return at;
}

std::size_t string_end(std::string_view s, std::size_t at) {
  for (auto from = at + 1; from < s.size();) {
    auto q = static_cast<const char*>(std::memchr(s.data() + from, '"', s.size() - from));
    if (!q)
      return npos;
    auto quote = static_cast<std::size_t>(q - s.data());
    // The quote closes the string unless an odd run of backslashes escapes it.
    std::size_t slashes = 0;
    while (quote - slashes > at + 1 && s[quote - slashes - 1] == '\\')
      ++slashes;
    if (slashes % 2 == 0)
      return quote + 1;
    from = quote + 1;
  }
  return npos;
}

std::size_t value_end(std::string_view s, std::size_t at) {
  if (at >= s.size())
    return npos;
  if (s[at] == '"')
    return string_end(s, at);
  if (s[at] != '{' && s[at] != '[') {
    auto end = s.find_first_of(",}] \t\r\n", at);
    return end == npos ? s.size() : end;
  }
  std::size_t depth = 0;
  while (at < s.size()) {
    char c = s[at];
    if (c == '"') {
      at = string_end(s, at);
      if (at == npos)
        return npos;
      continue;
    }
    if (c == '{' || c == '[')
      ++depth;
    else if ((c == '}' || c == ']') && --depth == 0)
      return at + 1;
    ++at;
  }
  return npos;
}

} // namespace tmcp::json::skim

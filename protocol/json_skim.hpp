// Reading JSON text without parsing it into a document: where a value ends, and the members of
// an object. Linear and allocation-free; strings are jumped over with memchr. Only for text the
// server wrote itself or an envelope to cut apart: a full parse still checks untrusted input.
#pragma once

#include <cstddef>
#include <string_view>

namespace tmcp::json::skim {

constexpr auto npos = std::string_view::npos;

// The first index at or after `at` that is not JSON whitespace.
std::size_t space_end(std::string_view s, std::size_t at);

// Past the closing quote of the string whose opening quote is s[at]; npos when unterminated.
std::size_t string_end(std::string_view s, std::size_t at);

// Past the value that starts at s[at] (string, object, array or scalar); npos when cut short.
std::size_t value_end(std::string_view s, std::size_t at);

// Calls `member(key, value)` (the raw texts) for each member of the object at s[at] (leading
// whitespace allowed); false when the text is not a well-formed object there.
template <class F>
bool each_member(std::string_view s, std::size_t at, F&& member) {
  at = space_end(s, at);
  if (at >= s.size() || s[at] != '{')
    return false;
  at = space_end(s, at + 1);
  if (at < s.size() && s[at] == '}')
    return true;
  while (at < s.size() && s[at] == '"') {
    auto key_end = string_end(s, at);
    if (key_end == npos)
      return false;
    auto key = s.substr(at + 1, key_end - at - 2);
    at = space_end(s, key_end);
    if (at >= s.size() || s[at] != ':')
      return false;
    auto start = space_end(s, at + 1);
    auto end = value_end(s, start);
    if (end == npos)
      return false;
    member(key, s.substr(start, end - start));
    at = space_end(s, end);
    if (at < s.size() && s[at] == '}')
      return true;
    if (at >= s.size() || s[at] != ',')
      return false;
    at = space_end(s, at + 1);
  }
  return false;
}

} // namespace tmcp::json::skim

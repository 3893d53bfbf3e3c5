// Bounded parsing of untrusted JSON and UTF-8 hygiene for everything the server writes.
// Every parse is iterative (no recursion per nesting level), checks UTF-8, refuses trailing
// bytes and stops at a nesting depth, so later recursive walks (stringify, schema validation,
// deep copies) are bounded too. Destroying a document never recurses (pool allocator).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/expected.hpp"
#include "protocol/json.hpp"

namespace tmcp::json {

struct limits {
  std::size_t max_depth;
  std::size_t max_bytes;
  // Duplicate member names make a message ambiguous (two readers may pick different ones).
  bool unique_keys;
};

// MCP messages from clients (HTTP bodies, stdio lines); the transports enforce their own,
// usually smaller, byte limits before parsing.
inline constexpr limits message_limits{64, std::size_t{16} << 20, true};
// Twenty's answers and other upstream JSON: generous, still bounded. json::parse's default.
inline constexpr limits upstream_limits{256, std::size_t{64} << 20, false};

enum class parse_errc { syntax, too_large, too_deep, duplicate_key };

struct parse_error {
  parse_errc code = parse_errc::syntax;
  std::string message; // "Invalid value. at offset 5", "nesting deeper than 64 levels ..."
};

expected<document, parse_error> parse_limited(std::string_view text, const limits& lim);

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// `s` with every invalid byte replaced by U+FFFD; `s` itself when it is already valid.
std::string to_valid_utf8(std::string_view s);

} // namespace tmcp::json

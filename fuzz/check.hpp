// Invariants every fuzz target checks: a broken one aborts, so libFuzzer keeps the input.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "protocol/json_limits.hpp"

namespace tmcp::fuzz {

inline void require(bool ok, const char* what, std::string_view detail = {}) {
  if (ok)
    return;
  auto n = static_cast<int>(std::min<std::size_t>(detail.size(), 400));
  std::fprintf(stderr, "invariant broken: %s: %.*s\n", what, n, detail.data());
  std::abort();
}

// What the server writes: valid UTF-8 and one JSON document that parses back.
inline void require_wire_json(std::string_view text, const char* what) {
  require(json::is_valid_utf8(text), what, text);
  std::string err;
  require(json::parse(text, &err).has_value(), what, text);
}

inline std::string_view as_text(const uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

} // namespace tmcp::fuzz

// Untrusted bytes -> bounded JSON parse; what parses must serialize to valid UTF-8 JSON that
// parses back, and quoting any bytes yields a valid JSON string.
#include <cstdint>

#include "fuzz/check.hpp"

using namespace tmcp;
using namespace tmcp::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  auto text = as_text(data, size);
  for (const auto& lim : {json::message_limits, json::upstream_limits}) {
    auto doc = json::parse_limited(text, lim);
    if (!doc)
      continue;
    require(json::is_valid_utf8(text), "accepted invalid UTF-8", text);
    auto out = json::stringify(*doc);
    require_wire_json(out, "stringify");
    auto again = json::parse_limited(out, lim);
    require(again.has_value(), "own output refused", out);
    // Not byte-equal: without full-precision parsing a double may move by one ulp.
    require(again->GetType() == doc->GetType(), "round trip changed the root", out);
  }
  auto quoted = json::quote(text);
  require_wire_json(quoted, "quote");
  auto valid = json::to_valid_utf8(text);
  require(json::is_valid_utf8(valid), "to_valid_utf8", valid);
  require(json::is_valid_utf8(text) == (valid == text), "to_valid_utf8 changed valid text", text);
  return 0;
}

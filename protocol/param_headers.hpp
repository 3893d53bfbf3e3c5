// SEP-2243 custom headers: a tool parameter marked `x-mcp-header: Name` in the inputSchema also
// travels as an `Mcp-Param-Name` header (so gateways can route on it), and the server checks it
// against the body.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/json.hpp"

namespace tmcp {

// What is wrong with the request's Mcp-Param headers for a tool with `input_schema` called with
// `arguments` (null: none): a header missing for a value in the body, one the body lacks, a value
// that differs, or a `=?base64?...?=` form that is not valid Base64. nullopt: they agree.
std::optional<std::string>
param_header_mismatch(const std::string& input_schema, const json::value* arguments,
                      const std::vector<std::pair<std::string, std::string>>& headers);

} // namespace tmcp

// Base64 (RFC 4648) for opaque cursors and binary resource contents.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tmcp {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

} // namespace tmcp

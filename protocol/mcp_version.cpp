#include "protocol/mcp_version.hpp"

#include <algorithm>

namespace tmcp {

const std::vector<std::string>& supported_protocol_versions() {
  static const std::vector<std::string> versions{"2025-03-26", "2025-06-18", "2025-11-25"};
  return versions;
}

const std::vector<std::string>& modern_protocol_versions() {
  static const std::vector<std::string> versions{std::string(modern_protocol_version)};
  return versions;
}

bool is_supported_version(std::string_view v) {
  const auto& all = supported_protocol_versions();
  return std::find(all.begin(), all.end(), v) != all.end();
}

std::string negotiate_version(std::string_view requested) {
  return is_supported_version(requested) ? std::string(requested)
                                         : std::string(latest_protocol_version);
}

} // namespace tmcp

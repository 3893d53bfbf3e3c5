// Protocol revisions this server speaks and the negotiation rule of the lifecycle spec.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tmcp {

inline constexpr std::string_view latest_protocol_version = "2025-11-25";
// Assumed when an HTTP request carries no MCP-Protocol-Version header (2025-11-25 transports).
inline constexpr std::string_view default_header_version = "2025-03-26";

const std::vector<std::string>& supported_protocol_versions();

bool is_supported_version(std::string_view v);

// Echo the client's version when supported, otherwise answer the latest one.
std::string negotiate_version(std::string_view requested);

// Revisions compare as ISO dates, so string order is chronological.
inline bool version_at_least(std::string_view v, std::string_view min) { return v >= min; }

// The first stateless revision: no initialize, no sessions, per-request _meta.
inline constexpr std::string_view modern_protocol_version = "2026-07-28";

// The modern-era revisions this server serves, newest first.
const std::vector<std::string>& modern_protocol_versions();

// True for a revision of the modern (stateless) era, whether supported or not.
inline bool is_modern_version(std::string_view v) {
  return v.size() == 10 && version_at_least(v, modern_protocol_version);
}

} // namespace tmcp

// The analytics dashboard's resource, and which changes make it stale: the one place both the
// tools (integration/tools/dashboard_*) and the change paths (webhooks, writes made here,
// other instances) read, so a subscriber hears of every change that moves its numbers.
#pragma once

#include <string>
#include <vector>

namespace tmcp::twenty {

constexpr const char* dashboard_uri = "twenty://analytics/dashboard";

// The resources a change to `object` (singular or plural name) makes stale: the dashboard
// for opportunities and tasks, nothing otherwise.
std::vector<std::string> dashboard_uris_for(const std::string& object);

} // namespace tmcp::twenty

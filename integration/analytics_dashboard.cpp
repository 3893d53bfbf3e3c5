#include "integration/analytics_dashboard.hpp"

namespace tmcp::twenty {

std::vector<std::string> dashboard_uris_for(const std::string& object) {
  for (const char* name : {"opportunity", "opportunities", "task", "tasks"})
    if (object == name)
      return {dashboard_uri};
  return {};
}

} // namespace tmcp::twenty

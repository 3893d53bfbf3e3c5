// The analytics dashboard for agents and people: the resource twenty://analytics/dashboard
// (JSON), the tool twenty_dashboard (the same JSON, linked through `_meta.ui.resourceUri` to
// the MCP App ui://twenty/dashboard that draws it), and the app's page itself.
#pragma once

#include <memory>

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

constexpr const char* dashboard_app_uri = "ui://twenty/dashboard";
constexpr const char* mcp_app_mime = "text/html;profile=mcp-app";
constexpr const char* apps_extension = "io.modelcontextprotocol/ui";

// The page (integration/tools/dashboard_app.html, compiled in).
extern const char* const dashboard_app_html;

void add_dashboard(catalog& cat, std::shared_ptr<const tool_env> env);

} // namespace tmcp::twenty::tools

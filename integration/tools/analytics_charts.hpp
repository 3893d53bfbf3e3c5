// The pictures of analytics results: a PNG chart (analytics/charts) as MCP `image` content
// where one helps a reader — trend lines for trends, the score distribution for scores (of
// opportunities or companies), touches per month for a record's activity, the pipeline funnel
// and the monthly trend for the dashboard. Anomalies, relationship maps and job statuses have
// none.
#pragma once

#include <string>
#include <vector>

#include "protocol/json.hpp"

namespace tmcp::twenty::tools {

// Image content blocks (base64 PNG) for one finished job's status JSON (its `result`), or for
// a dashboard; empty when the result has nothing to draw.
std::vector<std::string> result_charts(const json::value& status);
std::vector<std::string> dashboard_charts(const json::value& dashboard);

// A tools/call result: the JSON as text and structuredContent, then the charts (when `charts`).
std::string result_with_charts(const std::string& json_text, bool charts, bool dashboard = false);

} // namespace tmcp::twenty::tools

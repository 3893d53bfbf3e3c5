// The server's Prometheus metrics (prometheus-cpp): counters and histograms fed as things
// happen (MCP requests, tool calls, upstream calls), plus the actors' own counters turned into
// metric families at scrape time from the same probe /health uses.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/health_report.hpp"
#include "integration/twenty_types.hpp"

namespace prometheus {
class Registry;
} // namespace prometheus

namespace tmcp::app {

class server_metrics {
public:
  server_metrics();
  ~server_metrics();

  // One answered MCP request: its method, "ok", "error" (JSON-RPC) or "tool_error" (isError),
  // and for tools/call the tool's name.
  void mcp_request(const std::string& method, const std::string& tool, const std::string& outcome,
                   std::chrono::duration<double> took);

  // One call to Twenty as the gateway's transport saw it (before any retry).
  void upstream(twenty::api kind, const twenty::outcome& o, std::chrono::duration<double> took);

  // The text exposition: these metrics plus the probed actors' counters.
  std::string render(const health_inputs& probe) const;

private:
  struct families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<families> f_;
};

} // namespace tmcp::app

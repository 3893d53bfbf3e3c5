#include "integration/tools/dashboard_tool.hpp"

#include <chrono>

#include "analytics/time_zone.hpp"
#include "integration/analytics_dashboard.hpp"
#include "integration/tools/analytics_charts.hpp"
#include "integration/tools/dashboard_data.hpp"
#include "protocol/content.hpp"

namespace tmcp::twenty::tools {

namespace {

constexpr const char* input_schema = R"JSON({"type":"object","properties":{
"now":{"type":"string","description":"as-of date-time"},
"chart":{"type":"boolean","description":"PNGs; default when no MCP Apps"}},
"additionalProperties":false})JSON";

// Both keys: hosts read `ui.resourceUri`; the flat one is deprecated but still checked.
const std::string tool_meta = std::string("{\"ui\":{\"resourceUri\":\"") + dashboard_app_uri
                              + "\"},\"ui/resourceUri\":\"" + dashboard_app_uri + "\"}";

// Whether the client declared the MCP Apps extension for the app's mime type.
bool shows_apps(const client_view& client) {
  auto caps = json::parse(client.capabilities);
  auto ext = caps ? json::find(*caps, "extensions") : nullptr;
  auto ui = ext ? json::find(*ext, apps_extension) : nullptr;
  auto types = ui ? json::find(*ui, "mimeTypes") : nullptr;
  if (types && types->IsArray())
    for (auto& t : types->GetArray())
      if (t.IsString() && std::string(t.GetString()) == mcp_app_mime)
        return true;
  return false;
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// The app's page; `_meta.ui` on the contents item, where hosts read it. No `csp`: the page
// needs no network, so the host's default (nothing but inline script, style and data: images)
// applies.
std::string read_app(const std::string& uri) {
  return "{\"contents\":[{\"uri\":" + json::quote(uri) + ",\"mimeType\":" + json::quote(mcp_app_mime)
         + ",\"text\":" + json::quote(dashboard_app_html)
         + ",\"_meta\":{\"ui\":{\"prefersBorder\":true}}}]}";
}

} // namespace

void add_dashboard(catalog& cat, std::shared_ptr<const tool_env> env) {
  cat.extensions[apps_extension] = std::string("{\"mimeTypes\":[\"") + mcp_app_mime + "\"]}";
  cat.add_resource({dashboard_uri, "dashboard", "Pipeline dashboard",
                    "Pipeline by stage (count, amount per currency), new opportunities per month "
                    "for 12 months, their anomalies, stale deals and overdue tasks. Subscribe to "
                    "hear when opportunities or tasks change.",
                    "application/json"},
                   [env](const std::string& uri, const uri_vars&, ctx_ptr ctx) {
                     dashboard_params p;
                     p.now = now_seconds();
                     ctx->cache(record_freshness(env->config));
                     build_dashboard(env, p, ctx, [ctx, uri](std::string json) {
                       ctx->reply(read_text_result(uri, "application/json", json));
                     });
                   });
  cat.add_resource({dashboard_app_uri, "dashboard-app", "Pipeline dashboard app",
                    "The MCP App that draws twenty_dashboard's result.", mcp_app_mime,
                    "{\"ui\":{\"prefersBorder\":true}}"},
                   [](const std::string& uri, const uri_vars&, ctx_ptr ctx) {
                     ctx->reply(read_app(uri));
                   });
  tool_spec spec{"twenty_dashboard", "Pipeline dashboard",
                 "Pipeline by stage, monthly trend, anomalies, overdue tasks; an MCP App.",
                 input_schema, "", read_only_hints()};
  spec.meta = tool_meta;
  cat.add_tool(spec, [env](const json::value& args, ctx_ptr ctx) {
    dashboard_params p;
    p.now = now_seconds();
    if (auto now = json::get_string(args, "now"))
      if (!analytics::parse_iso_instant(*now, p.now))
        return ctx->reply(input_error("now must be an ISO-8601 date-time; got '" + *now + "'"));
    // Pictures for clients without the app; the app draws its own from the numbers.
    bool charts = json::get_bool(args, "chart").value_or(!shows_apps(ctx->client()));
    build_dashboard(env, p, ctx, [ctx, charts](std::string json) {
      ctx->reply(result_with_charts(json, charts, true));
    });
  });
}

} // namespace tmcp::twenty::tools

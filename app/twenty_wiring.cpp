#include "app/twenty_wiring.hpp"

#include <future>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "integration/schema_model.hpp"
#include "integration/tools/registry.hpp"

namespace tmcp::app {

namespace {

using namespace std::chrono_literals;

twenty::tools::tools_config tools_config_of(const config::server_config& cfg) {
  twenty::tools::tools_config t;
  t.toolsets.clear();
  std::string cur;
  for (char c : cfg.toolsets + ",") {
    if (c == ',') {
      if (!cur.empty())
        t.toolsets.insert(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  t.read_only = cfg.read_only;
  t.allow_graphql_mutations = cfg.allow_graphql_mutations;
  return t;
}

// Cache keys are scoped by workspace: the same server process never mixes two Twenty's data.
std::string workspace_key(const config::server_config& cfg) {
  auto h = std::hash<std::string>{}(cfg.twenty_api_url + "\n" + cfg.twenty_api_key);
  char buf[20];
  std::snprintf(buf, sizeof(buf), "w%016zx", h);
  return buf;
}

} // namespace

expected<twenty_runtime, std::string> start_twenty(caf::actor_system& sys,
                                                   const config::server_config& cfg,
                                                   actors::catalog_store_ptr catalogs,
                                                   actors::session_supervisor_actor sessions,
                                                   std::shared_ptr<server_metrics> metrics) {
  twenty::client_options copts;
  copts.base_url = cfg.twenty_api_url;
  copts.api_key = cfg.twenty_api_key;
  copts.max_connections = static_cast<std::size_t>(cfg.twenty_connections);
  auto client = twenty::http_client::create(copts);
  if (!client)
    return make_unexpected("cannot use TWENTY_API_URL '" + cfg.twenty_api_url + "': "
                           + client.error());
  twenty_runtime rt;
  rt.client = *client;
  rt.service = std::make_shared<actors::twenty_service>(
    sys, workspace_key(cfg), [sessions](const std::string& plural, const std::string& id) {
      caf::anon_send(sessions, atom::updated_v, "twenty://records/" + plural + "/" + id);
    });
  auto tools_cfg = tools_config_of(cfg);
  actors::integration_settings is;
  auto timeout = std::chrono::milliseconds(cfg.twenty_timeout_ms);
  is.transport = [client = rt.client, timeout, metrics](const twenty::request& r, auto done) {
    auto req = r;
    req.deadline = std::min(req.deadline, timeout);
    auto start = std::chrono::steady_clock::now();
    client->send(req, [done = std::move(done), metrics, kind = req.kind,
                       start](twenty::outcome o) mutable {
      metrics->upstream(kind, o, std::chrono::steady_clock::now() - start);
      done(std::move(o));
    });
  };
  is.gateway.limits.short_limit = cfg.rate_short_limit;
  is.gateway.limits.short_ttl = std::chrono::milliseconds(cfg.rate_short_ttl_ms);
  is.gateway.limits.short_enabled = cfg.rate_short_limit > 0;
  is.gateway.limits.long_limit = cfg.rate_long_limit;
  is.gateway.limits.long_ttl = std::chrono::milliseconds(cfg.rate_long_ttl_ms);
  is.gateway.limits.long_enabled = cfg.rate_long_limit > 0;
  is.gateway.max_in_flight = static_cast<std::size_t>(cfg.twenty_connections);
  is.cache.max_bytes = std::size_t{cfg.cache_max_mb} << 20;
  is.cache.default_ttl = std::chrono::milliseconds(cfg.cache_ttl_ms);
  is.schema.refresh_interval = std::chrono::seconds(cfg.schema_refresh_seconds);
  auto service = rt.service;
  is.schema.on_change = [service, catalogs, sessions, tools_cfg](schema_ptr s) {
    service->set_schema(s);
    catalogs->replace(twenty::tools::build_catalog(service, tools_cfg));
    spdlog::info("workspace schema version {} ({} objects); tools rebuilt", s->version,
                 s->objects.size());
    for (const char* kind : {"tools", "resources", "prompts"})
      caf::anon_send(sessions, atom::changed_v, std::string(kind));
  };
  is.schema.on_outcome = [service](const std::optional<twenty::error>& failure) {
    service->note_schema_outcome(failure);
  };
  // Tools exist before the schema arrives; until it does they answer why it is missing.
  catalogs->replace(twenty::tools::build_catalog(service, tools_cfg));
  rt.supervisor = sys.spawn(actors::integration_supervisor_impl, is, rt.service);
  // The first answer proves the supervisor ran its setup, so the service has its handles.
  {
    caf::scoped_actor self{sys};
    self->request(rt.supervisor, 10s, atom::stats_v)
      .receive([](const std::string&) {},
               [](caf::error& e) { spdlog::warn("integration actors: {}", to_string(e)); });
  }
  // Serve with a schema when Twenty answers within a few seconds; otherwise start anyway.
  auto loaded = std::make_shared<std::promise<void>>();
  rt.service->refresh_schema([loaded] { loaded->set_value(); });
  if (loaded->get_future().wait_for(15s) != std::future_status::ready || !rt.service->schema()) {
    auto failure = rt.service->schema_failure();
    spdlog::warn("Twenty at {} gave no schema yet ({}); tools, resources and /health report "
                 "this until it does",
                 cfg.twenty_api_url,
                 failure ? std::string(twenty::to_string(failure->code)) + ": " + failure->message
                         : std::string("no answer"));
  }
  return rt;
}

void stop_twenty(twenty_runtime& rt) {
  caf::anon_send_exit(rt.supervisor, caf::exit_reason::user_shutdown);
  if (rt.client)
    rt.client->shutdown();
}

} // namespace tmcp::app

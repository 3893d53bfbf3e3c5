#include "app/twenty_wiring.hpp"

#include <future>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/analytics_actor.hpp"
#include "actors/change_hub.hpp"
#include "actors/webhook_receiver.hpp"
#include "app/log_redaction.hpp"
#include "integration/analytics_dashboard.hpp"
#include "integration/l2_cache.hpp"
#include "integration/schema_model.hpp"
#include "integration/shared_budget.hpp"
#include "integration/webhook_registration.hpp"
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
  t.access = cfg.access;
  t.confirm_destructive = cfg.confirm_destructive;
  t.allow_graphql_mutations = cfg.allow_graphql_mutations;
  t.cache_ttl = std::chrono::milliseconds(cfg.cache_ttl_ms);
  t.schema_refresh = std::chrono::seconds(cfg.schema_refresh_seconds);
  return t;
}

// Cache keys are scoped by workspace: the same server process never mixes two Twenty's data.
std::string workspace_key(const config::server_config& cfg) {
  auto h = std::hash<std::string>{}(cfg.twenty_api_url + "\n" + cfg.twenty_api_key);
  char buf[20];
  std::snprintf(buf, sizeof(buf), "w%016zx", h);
  return buf;
}

// Redis connects (and reconnects) in the background; its state changes are logged, since
// they change how this instance behaves.
std::shared_ptr<redis::client> connect_redis(const redis::redis_url& url) {
  redis::client_options ro;
  ro.url = url;
  auto client = redis::client::create(ro);
  auto where = url.host + ":" + std::to_string(url.port);
  client->on_state([where](bool up) {
    if (up)
      spdlog::info("redis {}: connected; cache, invalidations and webhook nonces are shared",
                   where);
    else
      spdlog::warn("redis {}: unreachable, running degraded (this instance's cache and nonces "
                   "only); reconnecting with backoff",
                   where);
  });
  return client;
}

// The receiver's secret: TWENTY_WEBHOOK_SECRET, or the one of this server's own registration
// in Twenty when MCP_WEBHOOK_PUBLIC_URL asks for one (created or reused); empty = no receiver.
std::string webhook_secret(const config::server_config& cfg, twenty::api_ptr api) {
  if (cfg.webhook_public_url.empty())
    return cfg.webhook_secret;
  using result = expected<std::string, std::string>;
  auto registered = std::make_shared<std::promise<result>>();
  twenty::ensure_webhook(std::move(api), cfg.webhook_public_url, cfg.webhook_secret,
                         [registered](result r) { registered->set_value(std::move(r)); });
  auto answer = registered->get_future();
  if (answer.wait_for(15s) != std::future_status::ready) {
    spdlog::warn("webhook self-registration at {}: Twenty did not answer in time",
                 cfg.webhook_public_url);
    return cfg.webhook_secret;
  }
  auto r = answer.get();
  if (!r) {
    spdlog::warn("webhook self-registration at {} failed: {}", cfg.webhook_public_url,
                 r.error());
    return cfg.webhook_secret;
  }
  add_secret(*r);
  spdlog::info("webhook registered in Twenty for {}", cfg.webhook_public_url);
  return *r;
}

// The server's catalog (when this is its workspace) and one per token profile served here (its
// own permission set or MCP_PERMISSIONS, MCP_READ_ONLY applying to both).
void build_catalogs(const actors::catalog_store_ptr& catalogs, const twenty::api_ptr& api,
                    const twenty::tools::tools_config& tools_cfg, const profile_map& profiles,
                    const twenty::jobs_ptr& jobs, bool serves_default) {
  if (serves_default)
    catalogs->replace(twenty::tools::build_catalog(api, tools_cfg, jobs));
  for (const auto& [name, profile] : profiles) {
    auto own = tools_cfg;
    if (profile.access)
      own.access = *profile.access;
    catalogs->replace(name, twenty::tools::build_catalog(api, own, jobs));
  }
}

} // namespace

expected<twenty_runtime, std::string> start_twenty(caf::actor_system& sys,
                                                   const config::server_config& cfg,
                                                   actors::catalog_store_ptr catalogs,
                                                   actors::session_supervisor_actor sessions,
                                                   std::shared_ptr<server_metrics> metrics,
                                                   const profile_map& profiles,
                                                   bool serves_default) {
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
  if (!cfg.redis_url.empty()) {
    auto url = redis::parse_redis_url(cfg.redis_url);
    if (!url)
      return make_unexpected(url.error());
    rt.redis = connect_redis(*url);
  }
  rt.service = std::make_shared<actors::twenty_service>(
    sys, workspace_key(cfg), [sessions](const std::string& plural, const std::string& id) {
      caf::anon_send(sessions, atom::updated_v, "twenty://records/" + plural + "/" + id);
      for (auto& uri : twenty::dashboard_uris_for(plural))
        caf::anon_send(sessions, atom::updated_v, uri);
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
  is.gateway.max_queued = cfg.gateway_max_queued;
  is.gateway.busy_retry = std::chrono::seconds(cfg.busy_retry_seconds);
  is.analytics.max_running = cfg.max_analytics_jobs;
  is.analytics.busy_retry = std::chrono::seconds(cfg.busy_retry_seconds);
  // Twenty limits per workspace, not per instance: with Redis the instances spend one shared
  // budget; without it each spends its share.
  auto prefix = "tmcp:" + workspace_key(cfg);
  if (rt.redis || cfg.instances > 1) {
    twenty::budget_settings bs;
    bs.limits = is.gateway.limits;
    bs.key_prefix = prefix + ":rl";
    bs.instances = cfg.instances;
    if (rt.redis)
      is.gateway.budget = twenty::shared_budget::create(rt.redis, bs);
    else
      is.gateway.budget = std::make_shared<twenty::rate_limiter>(
        twenty::shared_budget::local_share(bs.limits, bs.instances));
  }
  is.cache.max_bytes = std::size_t{cfg.cache_max_mb} << 20;
  is.cache.default_ttl = std::chrono::milliseconds(cfg.cache_ttl_ms);
  is.schema.refresh_interval = std::chrono::seconds(cfg.schema_refresh_seconds);
  auto service = rt.service;
  // The tools reach the analytics actor of the current handles (a restart replaces it).
  auto jobs = std::make_shared<actors::analytics_client>(
    sys, [service] { return service->handles().analytics; });
  is.schema.on_change = [service, catalogs, sessions, tools_cfg, jobs, profiles,
                         serves_default](schema_ptr s) {
    service->set_schema(s);
    build_catalogs(catalogs, service, tools_cfg, profiles, jobs, serves_default);
    spdlog::info("workspace schema version {} ({} objects); tools rebuilt", s->version,
                 s->objects.size());
    for (const char* kind : {"tools", "resources", "prompts"})
      caf::anon_send(sessions, atom::changed_v, std::string(kind));
  };
  is.schema.on_outcome = [service](const std::optional<twenty::error>& failure) {
    service->note_schema_outcome(failure);
  };
  // Tools exist before the schema arrives; until it does they answer why it is missing.
  build_catalogs(catalogs, service, tools_cfg, profiles, jobs, serves_default);
  // Lists stay fresh until the schema actor's next refresh (ttlMs of 2026-07-28 lists).
  if (serves_default)
    catalogs->set_refresh_cycle(std::chrono::steady_clock::now(), is.schema.refresh_interval);
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
  actors::hub_settings hs;
  hs.redis = rt.redis;
  hs.channel = prefix + ":changes";
  hs.instance_id = twenty::random_hex(8);
  rt.hub = sys.spawn(actors::change_hub_impl, rt.service, sessions, hs);
  if (rt.redis) {
    auto l2 = std::make_shared<twenty::l2_cache>(rt.redis, prefix,
                                                 std::chrono::milliseconds(cfg.cache_ttl_ms));
    rt.service->set_shared(l2, [hub = rt.hub](change_note note) {
      caf::anon_send(hub, atom::apply_v, std::move(note));
    });
  }
  // Webhooks are received for the server's own workspace only.
  auto secret = serves_default ? webhook_secret(cfg, rt.service) : std::string();
  if (!secret.empty()) {
    actors::webhook_settings ws;
    ws.secret = secret;
    ws.max_age = std::chrono::seconds(cfg.webhook_max_age_seconds);
    ws.schema = [service] { return service->schema(); };
    ws.redis = rt.redis;
    ws.key_prefix = prefix + ":webhooks";
    rt.webhooks = sys.spawn(actors::webhook_receiver_impl, ws, rt.hub);
  }
  return rt;
}

void stop_twenty(twenty_runtime& rt) {
  // Actors first (their exit messages are queued), then the connections they used.
  if (rt.webhooks)
    caf::anon_send_exit(rt.webhooks, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(rt.hub, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(rt.supervisor, caf::exit_reason::user_shutdown);
  if (rt.client)
    rt.client->shutdown();
  if (rt.redis)
    rt.redis->shutdown();
}

} // namespace tmcp::app

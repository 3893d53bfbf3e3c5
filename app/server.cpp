#include "app/server.hpp"

#include <malloc.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <map>
#include <optional>

#include <caf/all.hpp>
#include <caf/scheduler/coordinator.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/catalog_store.hpp"
#include "actors/scheduler_policy.hpp"
#include "actors/session_front.hpp"
#include "actors/task_actor.hpp"
#include "app/log_redaction.hpp"
#include "app/metered_sink.hpp"
#include "app/ops_routes.hpp"
#include "app/twenty_wiring.hpp"
#include "config/server_config.hpp"
#include "protocol/conformance/fixtures.hpp"
#include "protocol/input_state.hpp"
#include "protocol/transport/http_server.hpp"
#include "protocol/transport/stdio_transport.hpp"
#include "protocol/transport/webhook_server.hpp"

namespace tmcp::app {

namespace {

using namespace std::chrono_literals;

void setup_logging(const config::server_config& cfg) {
  // Secrets never reach a log line: every sink sits behind the one redaction point.
  add_secret(cfg.twenty_api_key);
  add_secret(cfg.webhook_secret);
  if (auto url = redis::parse_redis_url(cfg.redis_url))
    add_secret(url->password);
  // stdout belongs to the stdio transport: every log line goes to stderr.
  auto sink = redacting(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>("twenty-mcp", sink);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
}

catalog_ptr build_catalog(const config::server_config& cfg, conformance::change_fn changed) {
  auto cat = std::make_shared<catalog>();
  if (cfg.conformance) {
    conformance::register_fixtures(*cat, std::move(changed));
    cat->instructions = "Conformance mode: this server exposes the MCP conformance suite's "
                        "test fixtures only.";
    return cat;
  }
  cat->instructions = "Twenty CRM MCP server. No Twenty workspace is connected yet: set "
                      "TWENTY_API_URL and TWENTY_API_KEY to reach one.";
  return cat;
}

// The requestState key: shared through TWENTY_MCP_STATE_KEY by instances behind one endpoint,
// so any of them can resume a request another one started; random otherwise.
std::string state_key() {
  if (auto k = std::getenv("TWENTY_MCP_STATE_KEY"); k && *k)
    return k;
  return random_state_key();
}

// Signals are blocked in every thread and collected here, so no handler runs at random.
sigset_t block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Twenty's webhooks on their own port, when a secret lets the receiver verify them.
expected<std::unique_ptr<transport::webhook_server>, std::string>
start_webhooks(const config::server_config& cfg, const std::optional<twenty_runtime>& twenty) {
  if (!twenty || !twenty->webhooks) {
    if (twenty)
      spdlog::info("webhook receiver off: set TWENTY_WEBHOOK_SECRET to receive Twenty's "
                   "webhooks (changes made in Twenty then reach the cache within ms)");
    return std::unique_ptr<transport::webhook_server>{};
  }
  transport::webhook_options opts;
  opts.host = cfg.webhook_host;
  opts.port = cfg.webhook_port;
  opts.path = cfg.webhook_path;
  opts.max_body_bytes = cfg.webhook_max_body_bytes;
  auto receiver = twenty->webhooks;
  auto server = std::make_unique<transport::webhook_server>(
    opts, [receiver](webhook_delivery d) { caf::anon_send(receiver, atom::webhook_v, std::move(d)); });
  auto port = server->start();
  if (!port)
    return make_unexpected("cannot listen for webhooks on " + cfg.webhook_host + ":"
                           + std::to_string(cfg.webhook_port) + ": " + port.error());
  auto host = cfg.webhook_host.find(':') != std::string::npos ? "[" + cfg.webhook_host + "]"
                                                              : cfg.webhook_host;
  std::cerr << "twenty-mcp-server receiving webhooks on http://" << host << ":" << *port
            << cfg.webhook_path << std::endl;
  return server;
}

void wait_for_stop(const sigset_t& set, const std::atomic<bool>& eof) {
  timespec tick{0, 20'000'000}; // how soon stdin's end is noticed
  while (!eof) {
    siginfo_t info;
    if (sigtimedwait(&set, &info, &tick) > 0) {
      spdlog::info("received {}, draining", info.si_signo == SIGINT ? "SIGINT" : "SIGTERM");
      return;
    }
  }
}

// Lets in-flight requests finish (bounded), then ends every session.
void drain(caf::actor_system& sys, const actors::session_supervisor_actor& sup) {
  caf::scoped_actor self{sys};
  self->request(sup, 10s, atom::shutdown_v)
    .receive([](uint64_t n) { spdlog::info("drained {} session(s)", n); },
             [](caf::error& e) { spdlog::warn("drain incomplete: {}", to_string(e)); });
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The admin listener serves only the route layer (no MCP endpoint); it is meant for a
// private network, so any Host is accepted.
std::unique_ptr<transport::http_server>
start_admin(caf::actor_system& sys, const actors::session_supervisor_actor& sup,
            const config::server_config& cfg, std::shared_ptr<const transport::route_layer> layer) {
  if (cfg.admin_port < 0)
    return nullptr;
  transport::http_options admin;
  admin.host = cfg.http_host;
  admin.port = static_cast<uint16_t>(cfg.admin_port);
  admin.path = "";
  admin.validate_host = false;
  admin.threads = 1;
  admin.layer = std::move(layer);
  auto server = std::make_unique<transport::http_server>(sys, sup, admin);
  auto port = server->start();
  if (!port) {
    spdlog::error("cannot listen on {}:{} (MCP_ADMIN_PORT): {}", cfg.http_host, cfg.admin_port,
                  port.error());
    return nullptr;
  }
  std::cerr << "twenty-mcp-server admin endpoints on http://" << url_host(cfg.http_host) << ":"
            << *port << "/health" << std::endl;
  return server;
}

expected<std::shared_ptr<inbound_auth>, std::string> make_auth(const config::server_config& cfg) {
  auth_settings a;
  a.tokens_file = cfg.auth_tokens_file;
  a.issuer = cfg.oauth_issuer;
  a.audience = cfg.oauth_audience;
  a.jwks_file = cfg.oauth_jwks_file;
  a.jwks_url = cfg.oauth_jwks_url;
  a.jwks_refresh = std::chrono::seconds(cfg.oauth_jwks_refresh_seconds);
  a.required_scopes = cfg.oauth_scopes;
  a.public_url = cfg.public_url;
  return inbound_auth::create(a);
}

// Everything a client can grow is bounded (config "Overload").
void set_bounds(const config::server_config& cfg, actors::supervisor_settings& ss) {
  auto retry = static_cast<int>(cfg.busy_retry_seconds);
  ss.max_sessions = cfg.max_sessions;
  ss.busy_retry_seconds = retry;
  ss.admission = std::make_shared<admission>(cfg.max_in_flight, retry);
  for (auto* s : {&ss.http, &ss.stdio}) {
    s->protocol.max_in_flight = cfg.max_in_flight_per_session;
    s->protocol.admission = ss.admission;
    s->protocol.busy_retry_seconds = retry;
  }
}

} // namespace

int run_server(int argc, char** argv) {
  // The stdio transport reads std::cin in buffered blocks rather than one getc per byte; the
  // reader thread must not flush std::cout (written by the sink under its lock) through tie().
  std::ios::sync_with_stdio(false);
  std::cin.tie(nullptr);
  // Each call parses into 64 KiB RapidJSON pools: with glibc's default 128 KiB trim threshold
  // the thread arenas returned them (madvise) and faulted them back in on almost every call.
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  auto parsed = config::parse(argc, argv);
  if (!parsed) {
    std::cerr << "twenty-mcp-server: " << parsed.error() << "\n";
    return 2;
  }
  if (parsed->help) {
    std::cout << config::help_text();
    return 0;
  }
  const auto& cfg = parsed->config;
  setup_logging(cfg);
  // A client that goes away mid-write must not kill the process (stdout or a socket).
  std::signal(SIGPIPE, SIG_IGN);
  auto signals = block_signals();

  caf::actor_system_config caf_cfg;
  caf_cfg.set("scheduler.max-threads", cfg.worker_threads);
  if (cfg.scheduler == "affine") {
    // Hops between actors stay on one thread; idle workers sleep (actors/scheduler_policy.hpp).
    caf_cfg.module_factories.push_back([](caf::actor_system& s) -> caf::actor_system::module* {
      return new caf::scheduler::coordinator<actors::affine_sharing>(s);
    });
  } else {
    // CAF's work stealing polls while idle; its sharing wakes a worker at every hop.
    auto policy = cfg.scheduler == "sharing" ? caf::atom("sharing") : caf::atom("stealing");
    caf_cfg.set("scheduler.policy", policy);
  }
  caf::actor_system sys{caf_cfg};

  auto catalogs = std::make_shared<actors::catalog_store>(nullptr);
  catalogs->set_refresh_cycle(std::chrono::steady_clock::now(),
                              std::chrono::seconds(cfg.schema_refresh_seconds));
  auto metrics = std::make_shared<server_metrics>();
  actors::supervisor_settings ss;
  set_bounds(cfg, ss);
  // MCP tasks live in this instance (README "Tasks") and end with the server.
  task_book_options task_opts;
  task_opts.max_tasks = cfg.max_tasks;
  task_opts.busy_retry_seconds = static_cast<int>(cfg.busy_retry_seconds);
  auto tasks = sys.spawn(actors::task_actor_impl, task_opts);
  struct tasks_guard {
    actors::task_actor hdl;
    ~tasks_guard() { caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown); }
  } tasks_stop{tasks};
  auto task_svc = std::make_shared<actors::actor_task_service>(tasks);
  ss.modern.tasks = task_svc;
  ss.http.protocol.tasks = task_svc;
  ss.stdio.protocol.tasks = task_svc;
  ss.observe = [metrics](inbound& in) { meter_inbound(metrics, in); };
  ss.modern.state_key = state_key();
  ss.modern.catalog_freshness = [catalogs] {
    return catalogs->freshness(std::chrono::steady_clock::now());
  };
  ss.http.idle_expiry = std::chrono::seconds(cfg.session_idle_seconds);
  ss.stdio.protocol.replay_events = 0;
  ss.stdio.idle_expiry = std::chrono::hours(24 * 365); // the process is the stdio session
  // The front supervises the session supervisor and is the handle everyone holds.
  auto sup = sys.spawn(actors::session_front_impl, catalogs, ss);
  catalogs->replace(build_catalog(cfg, [sup](const std::string& kind) {
    caf::anon_send(sup, atom::changed_v, kind);
  }));

  auto auth = make_auth(cfg);
  if (!auth) {
    spdlog::error("{}", auth.error());
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    return 2;
  }
  // Tokens with their own Twenty key reach another workspace: one integration side per key.
  profile_map own_workspace;
  std::map<std::string, profile_map> other_workspaces;
  for (const auto& [name, p] : (*auth)->profiles()) {
    add_secret(p.twenty_api_key);
    if (p.twenty_api_key.empty() || p.twenty_api_key == cfg.twenty_api_key)
      own_workspace.emplace(name, p);
    else
      other_workspaces[p.twenty_api_key].emplace(name, p);
  }
  std::optional<twenty_runtime> twenty;
  std::vector<twenty_runtime> others;
  if (cfg.twenty_api_url.empty() && !cfg.conformance) {
    spdlog::warn("no Twenty configured (TWENTY_API_URL is empty): serving MCP without a "
                 "workspace");
  } else if (!cfg.conformance) {
    auto rt = start_twenty(sys, cfg, catalogs, sup, metrics, own_workspace);
    if (!rt) {
      spdlog::error("{}", rt.error());
      caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
      return 2;
    }
    twenty = std::move(*rt);
    for (const auto& [key, served] : other_workspaces) {
      auto other = cfg;
      other.twenty_api_key = key;
      auto ort = start_twenty(sys, other, catalogs, sup, metrics, served, false);
      if (!ort) {
        spdlog::error("{}", ort.error());
        caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
        return 2;
      }
      std::string names;
      for (const auto& entry : served)
        names += (names.empty() ? "" : ", ") + entry.first;
      spdlog::info("token(s) {} reach their own Twenty workspace key", names);
      others.push_back(std::move(*ort));
    }
  }
  // Runs on every exit path below: the integration actors end with the sessions.
  struct twenty_guard {
    std::optional<twenty_runtime>& rt;
    std::vector<twenty_runtime>& others;
    ~twenty_guard() {
      for (auto& o : others)
        stop_twenty(o);
      if (rt)
        stop_twenty(*rt);
    }
  } guard{twenty, others};

  health_targets health;
  health.conformance = cfg.conformance;
  health.twenty_url = cfg.twenty_api_url;
  health.sessions = sup;
  health.fault_injection = cfg.fault_injection;
  if (twenty) {
    health.service = twenty->service;
    health.integration = twenty->supervisor;
    health.redis = twenty->redis;
  }
  auto admin = start_admin(sys, sup, cfg, make_ops_layer(sys, health, metrics, nullptr));
  if (cfg.admin_port >= 0 && !admin) {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    return 1;
  }
  auto webhooks = start_webhooks(cfg, twenty);
  if (!webhooks) {
    spdlog::error("{}", webhooks.error());
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    return 1;
  }

  std::atomic<bool> eof{false};
  if (cfg.transport == "stdio") {
    transport::stdio_transport stdio{sys, sup};
    auto started = stdio.start([&eof] { eof = true; });
    if (!started) {
      spdlog::error("stdio transport failed: {}", started.error());
      caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
      return 1;
    }
    wait_for_stop(signals, eof);
    drain(sys, sup);
    return 0;
  }

  transport::http_options http;
  http.host = cfg.http_host;
  http.port = cfg.http_port;
  // Configured values come on top of the loopback names, as --help and the README say.
  auto with_loopback = [](std::vector<std::string> extra) {
    if (!extra.empty())
      for (const char* name : {"localhost", "127.0.0.1", "[::1]"})
        extra.emplace_back(name);
    return extra;
  };
  http.allowed_hosts = with_loopback(cfg.allowed_hosts);
  http.allowed_origins = with_loopback(cfg.allowed_origins);
  http.max_body_bytes = cfg.max_body_bytes;
  http.max_stream_buffer_bytes = cfg.max_stream_buffer_bytes;
  http.max_connections = cfg.max_connections;
  http.busy_retry_seconds = static_cast<int>(cfg.busy_retry_seconds);
  http.threads = cfg.http_threads;
  http.layer = make_ops_layer(sys, health, metrics, *auth);
  if (!(*auth)->enabled() && cfg.http_host != "127.0.0.1" && cfg.http_host != "::1"
      && cfg.http_host != "localhost")
    spdlog::warn("MCP over HTTP on {} without authentication: anyone who reaches it uses the "
                 "workspace's API key; set MCP_AUTH_TOKENS_FILE or MCP_OAUTH_*",
                 cfg.http_host);
  transport::http_server server{sys, sup, http};
  auto port = server.start();
  if (!port) {
    spdlog::error("cannot listen on {}:{}: {}", cfg.http_host, cfg.http_port, port.error());
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::cerr << "twenty-mcp-server listening on http://" << url_host(cfg.http_host) << ":" << *port
            << "/mcp" << std::endl;
  wait_for_stop(signals, eof);
  server.stop_accepting();
  drain(sys, sup);
  server.close_all();
  server.join();
  return 0;
}

} // namespace tmcp::app

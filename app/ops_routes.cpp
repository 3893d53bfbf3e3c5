#include "app/ops_routes.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "protocol/json.hpp"

namespace tmcp::app {

namespace {

transport::layer_response method_not_allowed(std::string_view path) {
  transport::layer_response r;
  r.status = 405;
  r.body = "{\"error\":" + json::quote(std::string(path) + " answers GET only") + "}";
  r.headers.emplace_back("Allow", "GET");
  return r;
}

// Kills one core actor (gateway, cache, schema, analytics or the session supervisor) as a
// crash would; its supervisor restarts it. Only with MCP_FAULT_INJECTION.
transport::layer_response kill_actor(const health_targets& t, std::string_view target) {
  transport::layer_response r;
  auto q = target.find("actor=");
  auto name = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 6));
  auto h = t.service ? t.service->handles() : actors::integration_handles{};
  caf::actor victim;
  if (name == "gateway")
    victim = caf::actor_cast<caf::actor>(h.gateway);
  else if (name == "cache")
    victim = caf::actor_cast<caf::actor>(h.cache);
  else if (name == "schema")
    victim = caf::actor_cast<caf::actor>(h.schema);
  else if (name == "analytics")
    victim = caf::actor_cast<caf::actor>(h.analytics);
  if (name == "sessions" && t.sessions) {
    // Its front kills it, so the handle everyone holds stays valid.
    caf::anon_send(t.sessions, atom::crash_v);
  } else if (!victim) {
    r.status = 404;
    r.body = R"({"error":"actor= names gateway, cache, schema, analytics (with a Twenty configured) or sessions"})";
    return r;
  } else {
    spdlog::warn("fault injection: killing the {} actor", name);
    caf::anon_send_exit(victim, caf::exit_reason::kill);
  }
  r.status = 202;
  r.body = "{\"killed\":" + json::quote(name) + "}";
  return r;
}

} // namespace

std::shared_ptr<const transport::route_layer>
make_ops_layer(caf::actor_system& sys, health_targets health,
               std::shared_ptr<const server_metrics> metrics,
               std::shared_ptr<inbound_auth> auth) {
  auto layer = std::make_shared<transport::route_layer>();
  if (auth && auth->enabled())
    layer->admit = [auth](const transport::layer_request& req) { return auth->admit(req); };
  layer->serve = [&sys, health, metrics, auth](const transport::layer_request& req,
                                               transport::layer_reply reply) {
    auto path = transport::target_path(req.target);
    if (auth && req.method == "GET" && auth->serve_metadata(req, reply))
      return true;
    if (health.fault_injection && path == "/faults/kill" && req.method == "POST") {
      reply(kill_actor(health, req.target));
      return true;
    }
    bool is_health = path == "/health";
    if (!is_health && path != "/metrics")
      return false;
    if (req.method != "GET") {
      reply(method_not_allowed(path));
      return true;
    }
    // Liveness stays open; the metrics of an authenticated server need its credentials.
    if (!is_health && auth && auth->enabled())
      if (auto refusal = auth->admit(req).refusal) {
        reply(std::move(*refusal));
        return true;
      }
    probe_server(sys, health, [reply, is_health, metrics](health_inputs probe) {
      transport::layer_response r;
      r.headers.emplace_back("Cache-Control", "no-store");
      if (is_health) {
        auto h = evaluate_health(probe);
        r.status = h.http_status;
        r.body = std::move(h.body);
      } else {
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = metrics->render(probe);
      }
      reply(std::move(r));
    });
    return true;
  };
  return layer;
}

} // namespace tmcp::app

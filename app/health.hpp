// Probes the running server for /health and /metrics: asks every core actor for its counters
// (a short deadline each) and reads what the schema loads said about Twenty.
#pragma once

#include <functional>
#include <memory>

#include <caf/actor_system.hpp>

#include "actors/integration_supervisor.hpp"
#include "actors/interfaces.hpp"
#include "actors/twenty_service.hpp"
#include "app/health_report.hpp"
#include "integration/redis_client.hpp"

namespace tmcp::app {

struct health_targets {
  bool conformance = false;
  std::string twenty_url;
  actors::session_front_actor sessions;
  // Null when no Twenty is configured.
  std::shared_ptr<actors::twenty_service> service;
  actors::integration_supervisor_actor integration;
  // Null without REDIS_URL; while it is unreachable the server runs degraded.
  std::shared_ptr<redis::client> redis;
  // POST /faults/kill?actor=... is served (MCP_FAULT_INJECTION).
  bool fault_injection = false;
};

// Runs `done` once, on a CAF thread, within about the probe deadline.
void probe_server(caf::actor_system& sys, const health_targets& targets,
                  std::function<void(health_inputs)> done);

} // namespace tmcp::app

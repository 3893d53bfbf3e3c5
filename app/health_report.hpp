// /health as a pure function: what the probes found in, the status and JSON body out.
// "unhealthy" (503) when the server cannot serve its workspace: a core actor does not answer,
// or Twenty never gave a schema (wrong key, unreachable URL, TLS failure); "degraded" (200)
// when it serves but something is off (a stale schema, no workspace configured, starting).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "integration/twenty_types.hpp"

namespace tmcp::app {

// One actor asked for its counters: whether it answered in time, and what it said (JSON).
struct actor_probe {
  std::string name;
  bool answered = false;
  std::string stats_json; // "{}" when it has none
};

struct twenty_probe {
  std::string url;
  bool attempted = false;
  bool loaded = false;
  std::optional<twenty::error> last_failure;
  std::chrono::system_clock::time_point last_success{};
  std::chrono::system_clock::time_point last_failure_at{};
  // What the loaded schema says about the Twenty release (README "Twenty releases").
  std::string release;   // e.g. "0.x (relationDefinition metadata, like 0.50)"
  std::string relations; // relation | relationDefinition | rest | none
};

struct health_inputs {
  bool conformance = false;
  std::optional<twenty_probe> twenty; // nullopt: no Twenty configured
  std::vector<actor_probe> actors;
  // Extra components reported by other parts (webhooks, Redis): name -> (healthy, JSON).
  struct extra {
    std::string name;
    std::string status; // "healthy", "degraded" or "unhealthy"
    std::string detail_json;
  };
  std::vector<extra> extras;
};

struct health_report {
  std::string status; // "healthy", "degraded" or "unhealthy"
  int http_status = 200;
  std::string body;
};

health_report evaluate_health(const health_inputs& in);

} // namespace tmcp::app

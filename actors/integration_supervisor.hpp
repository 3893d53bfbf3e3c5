// Spawns and supervises the Twenty integration actors (gateway, cache, schema, analytics): a
// crashed one is restarted, at once the first time and with a growing delay when it keeps
// crashing, and the service's handles are switched to the new instance.
#pragma once

#include <array>
#include <chrono>
#include <memory>

#include "actors/analytics_actor.hpp"
#include "actors/cache_store.hpp"
#include "actors/interfaces.hpp"
#include "actors/restart_policy.hpp"
#include "actors/schema_actor.hpp"
#include "actors/twenty_gateway.hpp"
#include "actors/twenty_service.hpp"

namespace tmcp::actors {

/// Owns the integration actors; answers their combined counters.
using integration_supervisor_actor =
  caf::typed_actor<caf::replies_to<atom::stats>::with<std::string>,
                   caf::reacts_to<atom::retry, int32_t>>; // restart child N after its delay

struct integration_settings {
  twenty_transport transport;
  gateway_settings gateway;
  cache_limits cache;
  schema_settings schema;
  analytics_limits analytics;
};

// The supervised children, as numbered in restart messages.
enum class integration_child : int32_t { gateway, cache, schema, analytics };

struct integration_state {
  static inline const char* name = "integration-supervisor";
  integration_settings settings;
  std::shared_ptr<twenty_service> service;
  integration_handles handles;
  shared_cache_ptr cache; // outlives cache actor restarts
  uint64_t restarts = 0;
  std::array<crash_row, 4> crash_rows;

  // Children end with their supervisor. Here, not in an attached functor: CAF destroys the
  // state before those run.
  ~integration_state();
};

integration_supervisor_actor::behavior_type
integration_supervisor_impl(integration_supervisor_actor::stateful_pointer<integration_state> self,
                            integration_settings settings, std::shared_ptr<twenty_service> service);

} // namespace tmcp::actors

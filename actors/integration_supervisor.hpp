// Spawns and supervises the Twenty integration actors (gateway, cache, schema): a crashed one
// is restarted and the service's handles are switched to the new instance.
#pragma once

#include <memory>

#include "actors/cache_store.hpp"
#include "actors/interfaces.hpp"
#include "actors/schema_actor.hpp"
#include "actors/twenty_gateway.hpp"
#include "actors/twenty_service.hpp"

namespace tmcp::actors {

/// Owns the integration actors; answers their combined counters.
using integration_supervisor_actor =
  caf::typed_actor<caf::replies_to<atom::stats>::with<std::string>>;

struct integration_settings {
  twenty_transport transport;
  gateway_settings gateway;
  cache_limits cache;
  schema_settings schema;
};

struct integration_state {
  static inline const char* name = "integration-supervisor";
  integration_settings settings;
  std::shared_ptr<twenty_service> service;
  integration_handles handles;
  shared_cache_ptr cache; // outlives cache actor restarts
  uint64_t restarts = 0;
};

integration_supervisor_actor::behavior_type
integration_supervisor_impl(integration_supervisor_actor::stateful_pointer<integration_state> self,
                            integration_settings settings, std::shared_ptr<twenty_service> service);

} // namespace tmcp::actors

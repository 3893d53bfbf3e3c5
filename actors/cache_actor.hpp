// The cache actor: serializes access to the L1 cache store; time comes from the actor clock.
#pragma once

#include "actors/cache_store.hpp"
#include "actors/interfaces.hpp"

namespace tmcp::actors {

struct cache_state {
  static inline const char* name = "l1-cache";
  cache_store store;

  explicit cache_state(cache_limits limits = {}) : store(limits) {}

  cache_lookup lookup(const std::string& key, cache_store::time_point now);
};

// Spawn with `sys.spawn(cache_actor_impl, limits)`.
cache_actor::behavior_type cache_actor_impl(cache_actor::stateful_pointer<cache_state> self,
                                            cache_limits limits);

} // namespace tmcp::actors

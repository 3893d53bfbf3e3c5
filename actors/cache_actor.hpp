// The cache actor: the message interface of the L1 cache (lookups, stores, invalidations,
// counters); the store itself is shared with the twenty_service, which reads it in place.
#pragma once

#include "actors/interfaces.hpp"
#include "actors/shared_cache.hpp"

namespace tmcp::actors {

struct cache_state {
  static inline const char* name = "l1-cache";
  shared_cache_ptr cache;

  cache_lookup lookup(const std::string& key, cache_store::time_point now);
};

// Spawn with `sys.spawn(cache_actor_impl, limits)` (a store of its own) or with the store to
// share.
cache_actor::behavior_type cache_actor_impl(cache_actor::stateful_pointer<cache_state> self,
                                            cache_limits limits);
cache_actor::behavior_type cache_actor_shared(cache_actor::stateful_pointer<cache_state> self,
                                              shared_cache_ptr cache);

} // namespace tmcp::actors

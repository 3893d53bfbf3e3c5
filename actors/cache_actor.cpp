#include "actors/cache_actor.hpp"

#include <caf/all.hpp>

namespace tmcp::actors {

cache_lookup cache_state::lookup(const std::string& key, cache_store::time_point now) {
  auto value = cache->get(key, now);
  if (!value)
    return {};
  return {true, std::move(*value)};
}

cache_actor::behavior_type cache_actor_shared(cache_actor::stateful_pointer<cache_state> self,
                                              shared_cache_ptr cache) {
  self->state.cache = std::move(cache);
  return {
    [self](atom::lookup, const std::string& key) {
      return self->state.lookup(key, self->clock().now());
    },
    [self](atom::store, const std::string& key, std::string& value,
           std::vector<std::string>& tags) {
      self->state.cache->put(key, std::move(value), std::move(tags), self->clock().now());
    },
    [self](atom::invalidate, const std::string& what) { self->state.cache->invalidate(what); },
    [self](atom::stats) { return self->state.cache->stats_json(); },
  };
}

cache_actor::behavior_type cache_actor_impl(cache_actor::stateful_pointer<cache_state> self,
                                            cache_limits limits) {
  return cache_actor_shared(self, std::make_shared<shared_cache>(limits));
}

} // namespace tmcp::actors

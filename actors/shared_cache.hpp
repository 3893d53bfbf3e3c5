// The L1 cache store behind a mutex, shared by the twenty_service (looked up and filled on the
// calling thread, so a cache check costs no hand-off between threads) and the cache actor
// (its message interface: lookups, stores, invalidations and counters).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/cache_store.hpp"

namespace tmcp::actors {

class shared_cache {
public:
  using time_point = cache_store::time_point;

  explicit shared_cache(cache_limits limits = {}) : store_(limits) {}

  std::optional<std::string> get(const std::string& key, time_point now) {
    std::lock_guard<std::mutex> lock(mu_);
    return store_.get(key, now);
  }

  // False when nothing would be kept (a lifetime of 0 turns the cache off).
  bool keeps() const { return store_.limits().default_ttl.count() > 0; }

  void put(const std::string& key, std::string value, std::vector<std::string> tags,
           time_point now) {
    std::lock_guard<std::mutex> lock(mu_);
    store_.put(key, std::move(value), std::move(tags), now);
  }

  std::size_t invalidate(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    return store_.invalidate(what);
  }

  std::string stats_json() const {
    std::lock_guard<std::mutex> lock(mu_);
    return store_.stats_json();
  }

  // Runs `fn` on the store under the lock (tests inspect it this way).
  template <class F>
  decltype(auto) with_store(F fn) const {
    std::lock_guard<std::mutex> lock(mu_);
    return fn(store_);
  }

private:
  mutable std::mutex mu_;
  cache_store store_;
};

using shared_cache_ptr = std::shared_ptr<shared_cache>;

} // namespace tmcp::actors

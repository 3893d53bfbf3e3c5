// The L1 cache's data structure: LRU over string values with per-entry TTL, a byte bound and
// tags for invalidation. Plain C++ and single-threaded: the cache actor serializes access.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tmcp::actors {

struct cache_limits {
  // Upper bound on the estimated memory of all entries (see cache_store::entry_cost).
  std::size_t max_bytes = std::size_t{64} << 20;
  // Lifetime of an entry stored without an explicit TTL.
  std::chrono::milliseconds default_ttl{30000};
  // Entries costing more than this are not stored, so one huge answer cannot flush the cache.
  std::size_t max_entry_bytes = std::size_t{1} << 20;
};

struct cache_stats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;     // dropped to stay under max_bytes
  uint64_t expirations = 0;   // dropped because their TTL had passed
  uint64_t invalidations = 0; // dropped by invalidate()
  uint64_t rejected = 0;      // puts not stored: too large or non-positive TTL
  std::size_t entries = 0;
  std::size_t bytes = 0;
};

class cache_store {
public:
  using clock_type = std::chrono::steady_clock; // the same clock as caf::actor_clock
  using time_point = clock_type::time_point;

  // Bookkeeping estimate per entry: list node, hash-map node, tag-index nodes, string headers.
  static constexpr std::size_t entry_overhead = 192;

  explicit cache_store(cache_limits limits = {});

  // The index holds list iterators: a copy would point into the original, a move stays valid.
  cache_store(const cache_store&) = delete;
  cache_store& operator=(const cache_store&) = delete;
  cache_store(cache_store&&) = default;
  cache_store& operator=(cache_store&&) = default;

  // The value under `key`, or nothing; an expired entry is removed and counts as a miss.
  std::optional<std::string> get(const std::string& key, time_point now);

  // Stores (or replaces) `key`; evicts least-recently-used entries to stay under the bound.
  // A value too large to cache also drops the previous value, which would now be stale.
  void put(const std::string& key, std::string value, std::vector<std::string> tags,
           time_point now, std::optional<std::chrono::milliseconds> ttl = {});

  // Drops every entry tagged `what`, or the entry keyed `what`, or — when `what` ends in
  // '*' — every entry whose key starts with the text before the '*'. Returns how many.
  std::size_t invalidate(const std::string& what);

  // Whether `key` is stored (expired or not); does not touch LRU order or counters.
  bool contains(const std::string& key) const { return index_.count(key) != 0; }

  // Number of distinct tags that still name at least one entry.
  std::size_t tag_count() const { return tags_.size(); }

  const cache_limits& limits() const { return limits_; }
  cache_stats stats() const;
  std::string stats_json() const;

  // The estimated memory an entry costs against max_bytes.
  static std::size_t entry_cost(const std::string& key, const std::string& value,
                                const std::vector<std::string>& tags);

private:
  struct entry {
    std::string key;
    std::string value;
    std::vector<std::string> tags; // sorted, unique
    time_point expires;
    std::size_t cost = 0;
  };
  using entry_list = std::list<entry>;
  enum class removal { eviction, expiration, invalidation, replacement };

  void remove(entry_list::iterator it, removal why);
  void evict_to_bound();

  cache_limits limits_;
  entry_list lru_; // front = most recently used
  std::unordered_map<std::string, entry_list::iterator> index_;
  std::unordered_map<std::string, std::unordered_set<std::string>> tags_; // tag -> keys
  std::size_t bytes_ = 0;
  cache_stats counters_;
};

} // namespace tmcp::actors

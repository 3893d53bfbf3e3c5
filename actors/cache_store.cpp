#include "actors/cache_store.hpp"

#include <algorithm>
#include <sstream>

namespace tmcp::actors {

cache_store::cache_store(cache_limits limits) : limits_(limits) {
  // nop
}

std::size_t cache_store::entry_cost(const std::string& key, const std::string& value,
                                    const std::vector<std::string>& tags) {
  std::size_t cost = entry_overhead + key.size() + value.size();
  for (const auto& tag : tags)
    cost += tag.size();
  return cost;
}

std::optional<std::string> cache_store::get(const std::string& key, time_point now) {
  auto found = index_.find(key);
  if (found == index_.end()) {
    ++counters_.misses;
    return std::nullopt;
  }
  auto it = found->second;
  if (now >= it->expires) {
    remove(it, removal::expiration);
    ++counters_.misses;
    return std::nullopt;
  }
  ++counters_.hits;
  lru_.splice(lru_.begin(), lru_, it); // a hit makes the entry most recently used
  return it->value;
}

void cache_store::put(const std::string& key, std::string value, std::vector<std::string> tags,
                      time_point now, std::optional<std::chrono::milliseconds> ttl) {
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  // The previous value is stale whether or not the new one gets stored.
  if (auto found = index_.find(key); found != index_.end())
    remove(found->second, removal::replacement);
  auto lifetime = ttl.value_or(limits_.default_ttl);
  auto cost = entry_cost(key, value, tags);
  if (lifetime.count() <= 0 || cost > limits_.max_entry_bytes || cost > limits_.max_bytes) {
    ++counters_.rejected;
    return;
  }
  lru_.push_front(entry{key, std::move(value), std::move(tags), now + lifetime, cost});
  auto it = lru_.begin();
  index_.emplace(key, it);
  for (const auto& tag : it->tags)
    tags_[tag].insert(key);
  bytes_ += cost;
  evict_to_bound();
}

std::size_t cache_store::invalidate(const std::string& what) {
  std::vector<entry_list::iterator> doomed;
  if (!what.empty() && what.back() == '*') {
    auto prefix = what.substr(0, what.size() - 1);
    for (auto it = lru_.begin(); it != lru_.end(); ++it)
      if (it->key.compare(0, prefix.size(), prefix) == 0)
        doomed.push_back(it);
  } else {
    if (auto tagged = tags_.find(what); tagged != tags_.end())
      for (const auto& key : tagged->second)
        doomed.push_back(index_.at(key));
    // Skip the keyed entry when the tag already named it, so it is not removed twice.
    if (auto found = index_.find(what); found != index_.end()
        && !std::binary_search(found->second->tags.begin(), found->second->tags.end(), what))
      doomed.push_back(found->second);
  }
  for (auto it : doomed)
    remove(it, removal::invalidation);
  return doomed.size();
}

void cache_store::remove(entry_list::iterator it, removal why) {
  for (const auto& tag : it->tags) {
    auto tagged = tags_.find(tag);
    if (tagged == tags_.end())
      continue;
    tagged->second.erase(it->key);
    if (tagged->second.empty())
      tags_.erase(tagged); // keeps the tag index from growing with tags of dead entries
  }
  switch (why) {
    case removal::eviction:
      ++counters_.evictions;
      break;
    case removal::expiration:
      ++counters_.expirations;
      break;
    case removal::invalidation:
      ++counters_.invalidations;
      break;
    case removal::replacement:
      break;
  }
  bytes_ -= it->cost;
  index_.erase(it->key);
  lru_.erase(it);
}

void cache_store::evict_to_bound() {
  while (bytes_ > limits_.max_bytes && !lru_.empty())
    remove(std::prev(lru_.end()), removal::eviction);
}

cache_stats cache_store::stats() const {
  auto result = counters_;
  result.entries = lru_.size();
  result.bytes = bytes_;
  return result;
}

std::string cache_store::stats_json() const {
  auto s = stats();
  std::ostringstream out;
  out << R"({"hits":)" << s.hits << R"(,"misses":)" << s.misses << R"(,"evictions":)"
      << s.evictions << R"(,"expirations":)" << s.expirations << R"(,"invalidations":)"
      << s.invalidations << R"(,"rejected":)" << s.rejected << R"(,"entries":)" << s.entries
      << R"(,"bytes":)" << s.bytes << R"(,"max_bytes":)" << limits_.max_bytes << "}";
  return out.str();
}

} // namespace tmcp::actors

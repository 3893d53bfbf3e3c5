// The L2 cache shared by every instance, in Redis under the L1: values with a TTL, tag sets
// for invalidation (dropped atomically by a Lua script), large values zlib-compressed. Every
// call is asynchronous and degrades to a miss (or a no-op) while Redis is away.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "integration/redis_client.hpp"

namespace tmcp::twenty {

class l2_cache {
public:
  // Keys are "<prefix>:v:<key>", tag sets "<prefix>:t:<tag>".
  l2_cache(std::shared_ptr<redis::client> redis, std::string prefix,
           std::chrono::milliseconds ttl, std::size_t compress_above = 4096);

  // `done` runs once, on the Redis client's thread: the value, or nothing (miss or no Redis).
  void get(const std::string& key, std::function<void(std::optional<std::string>)> done);

  // Stores `value` under `key` for the TTL, listed under each tag (and under "*").
  void put(const std::string& key, const std::string& value,
           const std::vector<std::string>& tags);

  // Drops every entry listed under one of `tags` ("*": all of them).
  void invalidate(const std::vector<std::string>& tags);

  bool up() const { return redis_ && redis_->up(); }

  // The stored form of a value: "r" + raw, or "z" + zlib when larger than the bound.
  static std::string encode(const std::string& value, std::size_t compress_above);
  static std::optional<std::string> decode(const std::string& stored);

private:
  std::shared_ptr<redis::client> redis_;
  std::string prefix_;
  std::chrono::milliseconds ttl_;
  std::size_t compress_above_;
};

} // namespace tmcp::twenty

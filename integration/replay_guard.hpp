// Remembers keys (webhook nonces, body digests) for a time window, so a replayed or duplicated
// delivery is recognised. Plain C++, clock injected, bounded; one owner (not thread-safe).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <unordered_set>
#include <utility>

namespace tmcp::twenty {

class replay_guard {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  // Keys are forgotten `window` after they were first seen; beyond `max_keys` the oldest go
  // first (a flood cannot grow memory without bound).
  explicit replay_guard(std::chrono::milliseconds window, std::size_t max_keys = 200000);

  // True the first time `key` is seen within the window, false for a repeat.
  bool first_seen(const std::string& key, time_point now);

  std::size_t size() const { return keys_.size(); }

private:
  void forget_until(time_point now);

  std::chrono::milliseconds window_;
  std::size_t max_keys_;
  std::deque<std::pair<time_point, std::string>> order_; // oldest first
  std::unordered_set<std::string> keys_;
};

} // namespace tmcp::twenty

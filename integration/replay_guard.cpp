#include "integration/replay_guard.hpp"

namespace tmcp::twenty {

replay_guard::replay_guard(std::chrono::milliseconds window, std::size_t max_keys)
  : window_(window), max_keys_(max_keys == 0 ? 1 : max_keys) {}

void replay_guard::forget_until(time_point now) {
  while (!order_.empty() && (now - order_.front().first >= window_ || keys_.size() > max_keys_)) {
    keys_.erase(order_.front().second);
    order_.pop_front();
  }
}

bool replay_guard::first_seen(const std::string& key, time_point now) {
  forget_until(now);
  if (!keys_.insert(key).second)
    return false;
  order_.emplace_back(now, key);
  if (keys_.size() > max_keys_)
    forget_until(now);
  return true;
}

} // namespace tmcp::twenty

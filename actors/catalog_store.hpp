// The current catalog, shared by all sessions and stateless requests; replaced whole when the
// workspace schema changes, which can happen only at a schema refresh. Bearer tokens with their
// own permission set (MCP_AUTH_TOKENS_FILE) have their own catalog, named by the token's profile.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "protocol/catalog.hpp"

namespace tmcp::actors {

class catalog_store {
public:
  explicit catalog_store(catalog_ptr initial) : current_(std::move(initial)) {}

  // The catalog of a profile; the server's own for "" (and for a profile never built, which
  // cannot happen once start-up has built every profile's).
  catalog_ptr current(const std::string& profile = {}) const {
    std::lock_guard<std::mutex> guard(mtx_);
    if (!profile.empty())
      if (auto it = profiles_.find(profile); it != profiles_.end())
        return it->second;
    return current_;
  }

  void replace(catalog_ptr next) {
    std::lock_guard<std::mutex> guard(mtx_);
    current_ = std::move(next);
  }

  void replace(const std::string& profile, catalog_ptr next) {
    std::lock_guard<std::mutex> guard(mtx_);
    profiles_[profile] = std::move(next);
  }

  // The catalog is rebuilt only after a schema refresh, every `interval` from `start`.
  void set_refresh_cycle(std::chrono::steady_clock::time_point start,
                         std::chrono::milliseconds interval) {
    std::lock_guard<std::mutex> guard(mtx_);
    cycle_start_ = start;
    interval_ = interval;
  }

  // How long catalog-derived answers (lists, discover) stay fresh: until the next refresh.
  // The same for every client, so shared caches may keep them.
  cache_hint freshness(std::chrono::steady_clock::time_point now) const {
    std::lock_guard<std::mutex> guard(mtx_);
    if (interval_.count() <= 0)
      return cache_hint{std::chrono::milliseconds{0}, true};
    auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - cycle_start_);
    if (since.count() < 0)
      since = std::chrono::milliseconds{0};
    return cache_hint{interval_ - since % interval_, true};
  }

private:
  mutable std::mutex mtx_;
  catalog_ptr current_;
  std::map<std::string, catalog_ptr> profiles_;
  std::chrono::steady_clock::time_point cycle_start_;
  std::chrono::milliseconds interval_{0};
};

using catalog_store_ptr = std::shared_ptr<catalog_store>;

} // namespace tmcp::actors

// Blocking calls to the stand-in from the main thread: admin stats and the record ids to use.
#pragma once

#include "http_conn.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace twenty_bench {

struct standin_stats {
  std::uint64_t total = 0, rate_limited = 0, writes = 0;
  std::map<std::string, std::uint64_t> routes;  // "GET /rest/{object}" -> count
  std::uint64_t route(const std::string& key) const;
  // "GET /rest/{object}=3 POST /metadata=1" (non-zero routes only).
  std::string routes_text() const;
};

class standin_admin {
public:
  standin_admin(endpoint ep, std::string api_key) : ep_(std::move(ep)), key_(std::move(api_key)) {}

  standin_stats stats();
  void reset_stats();
  // Up to `max` record ids of an object, in id order (pages of 200; costs API tokens).
  std::vector<std::string> ids(const std::string& plural, std::size_t max);
  // One GET with the API key: status and body.
  std::pair<int, std::string> get(const std::string& target, bool auth);

private:
  std::pair<int, std::string> exchange(http::verb verb, const std::string& target, bool auth);

  endpoint ep_;
  std::string key_;
};

}  // namespace twenty_bench

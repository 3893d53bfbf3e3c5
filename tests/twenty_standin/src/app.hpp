// The stand-in as one object: auth, rate limits, faults, routing, stats and the workspace.
// Transport-free: the Beast layer feeds it http_request values and acts on app_outcome.
#pragma once

#include "api_types.hpp"
#include "faults.hpp"
#include "rate_limiter.hpp"
#include "releases.hpp"
#include "seed.hpp"
#include "stats.hpp"
#include "store.hpp"
#include "webhooks.hpp"

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace standin {

struct app_config {
  std::vector<std::string> api_keys{"standin-demo-key"};
  seed_options seed;
  bool seed_data = true;
  rate_config rate;
  fault_config faults;
  twenty_release release = twenty_release::newest;  // answer as this older release does
  std::function<std::int64_t()> clock = wall_clock_ms;
  // Off: answers like a release without GraphQL groupBy (0.50), `<plural>GroupBy` unknown.
  bool graphql_group_by = true;
};

// What the transport must do: send `response` after fault.latency_ms, unless the fault
// says reset (drop the connection) or stall (hold it stall_ms, then drop it).
struct app_outcome {
  http_response response;
  fault_decision fault;
  std::vector<webhook_job> webhooks;
};

class app {
public:
  explicit app(app_config cfg);

  app_outcome handle(const http_request& req);

  stats& counters() { return stats_; }
  fault_plan& faults() { return faults_; }
  rate_limiter& limiter() { return limiter_; }
  const std::string& workspace_id() const { return workspace_id_; }
  const std::map<std::string, std::size_t>& seeded() const { return seeded_; }
  std::string api_key_id(const std::string& key) const;

  // Runs f(store&) under the exclusive lock (tests and tools).
  template <class F>
  auto with_store(F&& f) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    return f(store_);
  }

private:
  http_response handle_admin(const http_request& req, const std::string& path);
  app_outcome handle_api(const http_request& req, const std::string& path, const query_params& q,
                         const std::string& key);
  std::string route_key(const std::string& method, const std::string& path) const;

  app_config cfg_;
  std::string workspace_id_;
  std::map<std::string, std::string> key_ids_;
  std::shared_mutex mu_;  // guards schema_, store_, webhooks_
  schema schema_;
  store store_;
  std::vector<webhook_def> webhooks_;
  std::map<std::string, std::size_t> seeded_;
  rate_limiter limiter_;
  fault_plan faults_;
  stats stats_;
};

// Parses a POST /_standin/rate-limits body over `base`; returns an error message or empty.
std::string parse_rate_config(const std::string& body, rate_config& base);
std::string rate_config_json(const rate_config& c);

}  // namespace standin

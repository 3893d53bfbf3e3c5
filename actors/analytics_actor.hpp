// The analytics actor: owns the analytics jobs (their runs, progress, cancellation flags and
// results). Runs are plain C++ (integration/analytics_job) calling Twenty through the service,
// so every page goes through the cache and the gateway's limiter at bulk priority.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "integration/analytics_jobs.hpp"
#include "integration/twenty_api.hpp"

namespace tmcp::actors {

struct analytics_job_entry {
  std::string id, analysis, object;
  std::string state = "running"; // running | done | failed | cancelled
  uint64_t read = 0, total = 0;
  std::string result; // JSON, when done
  twenty::error error; // when failed
  std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
  twenty::analytics_callbacks watcher;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  double seconds = 0;
};

// Bounds of the analytics jobs: a start beyond `max_running` is refused as "server busy".
struct analytics_limits {
  std::size_t max_running = 16;
  std::chrono::seconds busy_retry{5};
};

struct analytics_state {
  static inline const char* name = "analytics";
  static constexpr std::size_t max_finished = 64;
  twenty::api_ptr api;
  analytics_limits limits;
  std::size_t running = 0;
  std::map<std::string, analytics_job_entry> jobs;
  std::deque<std::string> finished; // oldest first: the first to go past max_finished

  // However the actor ends (a crash included), running jobs stop calling Twenty and their
  // waiters are told.
  ~analytics_state();

  std::string new_id() const;
  std::string status_json(const analytics_job_entry& job) const;
  void retire(const std::string& id);
};

// Spawn with `spawn(analytics_actor_impl, api, limits)`.
analytics_actor::behavior_type
analytics_actor_impl(analytics_actor::stateful_pointer<analytics_state> self, twenty::api_ptr api,
                     analytics_limits limits);

// twenty::analytics_jobs over the analytics actor of the current handles (the tools' view).
class analytics_client : public twenty::analytics_jobs {
public:
  analytics_client(caf::actor_system& sys, std::function<analytics_actor()> current);

  void start(twenty::analytics_spec spec, std::string fairness_key,
             twenty::analytics_callbacks cb,
             std::function<void(expected<std::string, twenty::error>)> started) override;
  void status(std::string id, std::function<void(std::optional<std::string>)> done) override;
  void cancel(std::string id) override;

private:
  caf::actor_system& sys_;
  std::function<analytics_actor()> current_;
};

} // namespace tmcp::actors

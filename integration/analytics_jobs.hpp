// What the twenty_analytics tool sees of the analytics jobs: start one, read its status and
// result, cancel it. The actors layer implements it with the analytics actor.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "integration/analytics_job.hpp"

namespace tmcp::twenty {

class analytics_jobs {
public:
  virtual ~analytics_jobs() = default;

  // Starts a job; `started` gets its id, or why none started (SERVER_BUSY when too many run,
  // or the jobs are unavailable).
  // `cb.progress` and `cb.done` follow the job until it ends (a waiting caller's view).
  virtual void start(analytics_spec spec, std::string fairness_key, analytics_callbacks cb,
                     std::function<void(expected<std::string, error>)> started) = 0;

  // The job's status as JSON text: id, analysis, object, state, progress, and the result or
  // error once it ended; nullopt for an unknown id.
  virtual void status(std::string id, std::function<void(std::optional<std::string>)> done) = 0;

  // Stops a running job: no upstream call after this.
  virtual void cancel(std::string id) = 0;
};

using jobs_ptr = std::shared_ptr<analytics_jobs>;

} // namespace tmcp::twenty

// The reads of an analytics job that needs several objects (relationships, activity, company
// scores): every page through the service (its cache, then the gateway's limiter at bulk
// priority, queued with the caller's session), the maximum page size, no call after the job is
// cancelled, and the calls counted against the job's page budget.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "integration/analytics_job.hpp"

namespace tmcp::twenty {

struct job_io {
  api_ptr api;
  std::string fairness_key;
  std::shared_ptr<std::atomic<bool>> cancelled;
  analytics_callbacks cb;
  std::size_t max_pages = 500;
  std::size_t calls = 0;     // pages asked for (a cached page is served without a Twenty call)
  uint64_t read = 0;         // records read
  bool budget_spent = false; // a read stopped at max_pages

  // Ends the job once: the result or the failure.
  void finish(expected<std::string, error> r);
  // Adds recordsRead, upstreamCalls and (when the budget stopped a read) stoppedEarly.
  void describe(json::value& out, json::allocator& a) const;
};
using io_ptr = std::shared_ptr<job_io>;

// Reads /rest/<plural>?filter=… page after page; `page` gets each page's records (a JSON array)
// and says whether to read on. `done` gets nullopt at the end (also when the budget stopped it:
// see budget_spent), or the failure (a cancelled job fails with "cancelled").
void read_pages(io_ptr io, const std::string& plural, const std::string& filter,
                std::function<bool(const json::value&)> page,
                std::function<void(std::optional<error>)> done);

} // namespace tmcp::twenty

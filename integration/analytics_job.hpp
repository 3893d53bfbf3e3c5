// One analytics job over Twenty's records: the analysis asked for (trends, scores, anomalies),
// checked against the live schema, and the run that reads the object's pages (the maximum page
// size, bulk priority behind interactive calls, cached pages where still valid) and folds them
// into the analytics/ engines. Plain C++ over twenty_api; the analytics actor owns the runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analytics/group_spec.hpp"
#include "analytics/scoring.hpp"
#include "integration/twenty_api.hpp"
#include "protocol/expected.hpp"
#include "protocol/json.hpp"

namespace tmcp::twenty {

struct object;

struct analytics_spec {
  std::string analysis; // trends | scores | anomalies
  std::string plural;
  std::string filter;   // a REST filter, checked against the object
  std::string date_field = "createdAt";
  std::string value_field; // trends: a NUMBER or CURRENCY field to sum
  bool value_is_currency = false;
  analytics::granularity grain = analytics::granularity::month;
  std::string time_zone = "UTC";
  analytics::scoring_params scoring; // stages, closed stages, now, weights, stale days
  std::size_t max_pages = 500;       // 100,000 records at 200 per page
  std::size_t limit = 20;            // scores listed, findings listed per kind
};

// Reads a twenty_analytics call's arguments against the object; the message says what is wrong.
expected<analytics_spec, std::string> parse_analytics_spec(const json::value& args,
                                                           const object& obj);

constexpr int analytics_page_size = 200; // the most Twenty's REST API returns per page

struct analytics_callbacks {
  // Records read so far and the total Twenty reported (0 when unknown), after each page.
  std::function<void(uint64_t read, uint64_t total)> progress;
  // The result JSON (the analysis' own object) or the failure; exactly once.
  std::function<void(expected<std::string, error>)> done;
};

// Runs the job: one page at a time, no call after `cancelled` is set (the job then ends with a
// `cancelled` error). `fairness_key` queues its calls with the caller's session.
void run_analytics(api_ptr api, analytics_spec spec, std::string fairness_key,
                   std::shared_ptr<std::atomic<bool>> cancelled, analytics_callbacks cb);

} // namespace tmcp::twenty

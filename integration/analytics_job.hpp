// One analytics job over Twenty's records: the analysis asked for (trends, scores, anomalies,
// relationships, activity), checked against the live schema, and the run that reads the pages
// it needs (the maximum page size, bulk priority behind interactive calls, cached pages where
// still valid) and folds them into the analytics/ engines. Plain C++ over twenty_api; the analytics actor owns the runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analytics/activity.hpp"
#include "analytics/company_scoring.hpp"
#include "analytics/group_spec.hpp"
#include "analytics/relationships.hpp"
#include "analytics/scoring.hpp"
#include "integration/twenty_api.hpp"
#include "protocol/expected.hpp"
#include "protocol/json.hpp"

namespace tmcp::twenty {

struct object;
struct workspace_schema;

// A junction whose owners (tasks, notes) are activities of the records its column targets.
struct activity_source {
  std::string link, target_column, owner_column, owner; // taskTargets, targetCompanyId, taskId, tasks
  analytics::activity_keys keys;                        // of the owner's records
};

// Where the facts of company scores come from (any object the pipeline points at).
struct company_sources {
  std::string label_key;                 // name
  std::string pipeline, pipeline_column; // opportunities, companyId
  std::string people, people_column;     // people, companyId; empty when no such relation
  std::vector<activity_source> activities;
  analytics::company_weights weights;
};

struct analytics_spec {
  std::string analysis; // trends | scores | anomalies | relationships | activity
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
  // relationships, activity: the record, and what the walk may cross (from the live schema).
  std::string record_id;
  analytics::graph_schema graph;
  analytics::graph_params walk;
  std::map<std::string, analytics::activity_keys> timeline; // activity: objects listed, their keys
  // scores of records the pipeline points at (companies) rather than of the pipeline itself.
  std::optional<company_sources> companies;
};

// Whether the caller may read an object's records (MCP_PERMISSIONS); none: every object.
using readable_fn = std::function<bool(const object&)>;

// Reads a twenty_analytics call's arguments against the object; the message says what is wrong.
// Analyses that read other objects (relationships, activity, company scores) leave out those
// `readable` refuses, or refuse when the caller named one.
expected<analytics_spec, std::string> parse_analytics_spec(const json::value& args,
                                                           const workspace_schema& schema,
                                                           const object& obj,
                                                           const readable_fn& readable = {});

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

// Anomaly detection with robust statistics: buckets of a time series far from its median
// (spikes and dips by the robust z-score), sudden drops from one bucket to the next, open deals
// without activity for too long, and amounts far from their currency's median. Each finding
// carries the numbers that make it one.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analytics/scoring.hpp"
#include "protocol/json.hpp"

namespace tmcp::analytics {

struct finding {
  std::string kind;    // spike, dip, sudden_drop, stale_deal, outlier_amount
  std::string subject; // a bucket label or a record id
  std::string message;
  std::vector<std::pair<std::string, double>> evidence;
};

struct anomaly_params {
  double z_threshold = 3.5;    // |robust z| above this is an anomaly (Iglewicz and Hoaglin)
  double drop_percent = 50;    // a fall of at least this much from a bucket at or above the median
  std::size_t min_points = 4;  // fewer values say nothing about what is normal
};

// One value per bucket, in order.
std::vector<finding> series_anomalies(const std::vector<std::pair<std::string, double>>& series,
                                      const anomaly_params& p);

// Open deals (stage not closed) whose last activity is older than p.stale_days.
std::vector<finding> stale_deals(const std::vector<opportunity_facts>& deals,
                                 const scoring_params& p);

// Amounts whose robust z within their currency exceeds the threshold.
std::vector<finding> outlier_amounts(const std::vector<opportunity_facts>& deals,
                                     const anomaly_params& p);

void write_findings(const std::vector<finding>& findings, json::value& out, json::allocator& a);

} // namespace tmcp::analytics

// Trends: records counted (and a number or currency field summed) per day/week/month/quarter/year
// bucket of a date field in a time zone, the empty buckets in between filled with zeros, and the
// change from each bucket to the one before. Memory grows with the number of buckets only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analytics/group_spec.hpp"
#include "analytics/time_zone.hpp"
#include "protocol/json.hpp"

namespace tmcp::analytics {

struct trend_spec {
  std::string date_key;  // the record key of the date: createdAt, closeDate
  std::string value_key; // a number or currency to sum; empty: counts only
  bool currency = false; // value_key is {amountMicros, currencyCode}: sums per code, in units
  granularity grain = granularity::month;
};

struct trend_point {
  std::string bucket; // first day of the bucket, YYYY-MM-DD
  uint64_t count = 0;
  std::map<std::string, double> sums; // per currency code; "" for a plain number
  // Change from the previous bucket: absolute, and relative in percent (none when the
  // previous bucket was zero, or for the first bucket).
  int64_t count_change = 0;
  std::optional<double> count_change_pct;
  std::map<std::string, std::optional<double>> sum_change_pct;
};

class trend_series {
public:
  trend_series(trend_spec spec, time_zone tz);

  // One record as Twenty's REST API returns it.
  void add_record(const json::value& record);
  uint64_t records_read() const { return records_; }
  uint64_t undated() const { return undated_; } // records whose date is empty or not a date

  // The buckets from the first to the last, consecutive, with their changes.
  std::vector<trend_point> points() const;

  // {"granularity":..,"buckets":[{"bucket":..,"count":..,"countChange":..,"countChangePct":..,
  //   "sum":{..},"sumChangePct":{..}},..],"records":N,"undated":N}
  void write(json::document& out) const;

private:
  struct bucket {
    uint64_t count = 0;
    std::map<std::string, double> sums;
  };
  trend_spec spec_;
  time_zone tz_;
  std::map<std::string, bucket> buckets_; // YYYY-MM-DD labels sort chronologically
  uint64_t records_ = 0, undated_ = 0;
};

// The label of the bucket after `label` ("2026-01-01", month: "2026-02-01").
std::string next_bucket(const std::string& label, granularity g);

// A relative change in percent, rounded to 0.1; none when `before` is zero.
std::optional<double> percent_change(double before, double after);

} // namespace tmcp::analytics

// The groups of one aggregation and their values, filled either record by record (reading
// pages: memory grows with the number of groups, not of records) or with the values Twenty's
// groupBy already computed; then ordered, cut to the limit and written as compact rows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "analytics/group_spec.hpp"
#include "analytics/time_zone.hpp"
#include "protocol/json.hpp"

namespace tmcp::analytics {

// One value of the answer: a dimension value or an aggregate.
struct cell {
  enum kind_t { null_k, number_k, text_k, boolean_k, per_code_k };
  kind_t kind = null_k;
  double number = 0;
  bool integral = false; // counts print without decimals
  std::string text;
  bool boolean = false;
  std::map<std::string, double> per_code; // currency amounts by currency code

  static cell from_json(const json::value& v);
  static cell count(uint64_t n);
};

class group_table {
public:
  group_table(group_query q, time_zone tz);

  const group_query& query() const { return q_; }

  // Reading pages: one record as Twenty's REST API returns it (depth 0).
  void add_record(const json::value& record);
  uint64_t records_read() const { return records_; }

  // Twenty's groupBy: the value of aggregate `agg` for the group with these dimension
  // values; `currency` names the code of a currency aggregate's amount (already in units).
  void set_value(const std::vector<cell>& dims, std::size_t agg, cell value);
  void add_amount(const std::vector<cell>& dims, std::size_t agg, const std::string& currency,
                  double amount);
  // Makes sure the group exists (Twenty listed it, maybe with no value for an aggregate).
  void touch(const std::vector<cell>& dims) { group_for(dims); }

  std::size_t group_count() const { return groups_.size(); }

  // {"columns":[...],"rows":[[...],...]} into `out`, ordered and cut to the limit; rows whose
  // values are all null or zero are kept (a group exists because records are in it).
  void write(json::document& out) const;

private:
  struct stats {
    uint64_t n = 0; // non-empty numeric values
    double sum = 0, min = 0, max = 0;
    void add(double v);
  };
  struct agg_state {
    uint64_t empty = 0;
    stats num;
    std::map<std::string, stats> by_code;
    std::string min_text, max_text;
    std::unordered_set<uint64_t> unique; // value hashes
    std::optional<cell> preset;          // set by Twenty's groupBy
  };
  struct group {
    std::vector<cell> dims;
    uint64_t count = 0;
    std::vector<agg_state> aggs;
  };

  group& group_for(const std::vector<cell>& dims);
  cell dimension_value(const dimension& d, const json::value& record) const;
  void accumulate(const aggregate& a, agg_state& s, const json::value& record);
  cell final_value(const aggregate& a, const group& g, const agg_state& s) const;
  std::vector<std::vector<cell>> ordered_rows() const;

  group_query q_;
  time_zone tz_;
  std::map<std::string, group> groups_; // by the dimension values' JSON
  uint64_t records_ = 0;
};

// A date-time bucketed in `tz`: the first day of its day/week (Monday)/month/quarter/year as
// YYYY-MM-DD, the label Twenty's groupBy gives; nullopt when `iso` is not a date.
// A JSON number, or a string holding one (Twenty sends big amountMicros as numeric strings).
std::optional<double> number_of(const json::value* v);

std::optional<std::string> bucket_label(const std::string& iso, granularity g,
                                        const time_zone& tz);

} // namespace tmcp::analytics

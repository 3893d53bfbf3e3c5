// Predictive scoring of opportunities: explainable points per criterion (pipeline stage, amount
// against the median of its currency, days since the last activity, age, close date slipping,
// overdue tasks), with configurable weights; every score carries its reasons.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/expected.hpp"
#include "protocol/json.hpp"

namespace tmcp::analytics {

// The most a criterion can add; a score is the points won over the points possible, 0-100.
struct score_weights {
  double stage = 30;
  double amount = 20;
  double recency = 20;   // days since the last activity
  double age = 10;       // days since the deal was created
  double close_date = 20; // open deal whose close date has passed
  double overdue_tasks = 15;
};

struct scoring_params {
  score_weights weights;
  std::vector<std::string> stages;        // the pipeline in order (the select's options)
  std::vector<std::string> closed_stages; // won or lost: not scored, not stale
  int64_t now = 0;                        // UTC seconds
  int fresh_days = 7;   // an activity this recent scores full recency points
  int stale_days = 30;  // an activity this old scores none
  int cycle_days = 90;  // a deal younger than this scores full age points, none at twice it
};

// Reads {"stage":30,"amount":20,...}: unknown criteria and negative or non-numeric weights are
// refused with the list of criteria.
expected<score_weights, std::string> parse_weights(const json::value& v);

// Reads a weights object into named slots (the criteria of one kind of score).
expected<bool, std::string> parse_weight_slots(const json::value& v,
                                               const std::vector<std::pair<const char*, double*>>& slots);

// What scoring needs to know about one opportunity.
struct opportunity_facts {
  std::string id, name, stage;
  std::optional<double> amount; // in units
  std::string currency;
  std::optional<int64_t> created_at, last_activity_at, close_date; // UTC seconds
  std::optional<int> overdue_tasks; // unknown: the criterion is left out of the score
};

// From a REST record (stage, amount{amountMicros,currencyCode}, createdAt, closeDate; the last
// activity is updatedAt unless the caller knows a later one).
opportunity_facts facts_from_record(const json::value& record);

struct score_reason {
  std::string criterion;
  double points = 0, max_points = 0;
  std::string why;
};

struct opportunity_score {
  std::string id, name;
  double score = 0; // 0-100, one decimal
  std::vector<score_reason> reasons;
};

// A score being built: each criterion's points (its fraction of the weight, clamped to 0..1)
// and why; the score is the points won over the points possible, x 100, one decimal.
class score_card {
public:
  void add(const char* criterion, double fraction, double weight, std::string why);
  double score() const;
  std::vector<score_reason> take() { return std::move(reasons_); }

private:
  std::vector<score_reason> reasons_;
};

// The criteria opportunities and companies share.
// Position among the open stages in pipeline order: first 0, last 1 (1 when only one is open).
std::optional<double> stage_fraction(const std::string& stage, const scoring_params& p);
bool is_closed_stage(const std::string& stage, const scoring_params& p);
void add_stage(score_card& card, const std::string& stage, double weight, const scoring_params& p);
// 1 up to fresh_days since the last activity, 0 from stale_days.
void add_recency(score_card& card, std::optional<int64_t> last_activity, double weight,
                 const scoring_params& p);
// 1 - overdue / 3; left out when unknown.
void add_overdue(score_card& card, std::optional<int> overdue, double weight);

// The median amount per currency code: the reference an amount is compared with.
std::map<std::string, double> median_amounts(const std::vector<opportunity_facts>& deals);

opportunity_score score_opportunity(const opportunity_facts& deal, const scoring_params& p,
                                    const std::map<std::string, double>& medians);

// Scores the open deals (closed stages left out), best first, ties by id.
std::vector<opportunity_score> score_opportunities(const std::vector<opportunity_facts>& deals,
                                                   const scoring_params& p);

void write_scores(const std::vector<opportunity_score>& scores, json::value& out,
                  json::allocator& a);

// Adds to the object `out`: "scored" (how many), "distribution" (counts per band of ten points,
// the last band including 100) and "scores" (the first `limit`, best first).
void write_score_summary(std::vector<opportunity_score> all, std::size_t limit, json::value& out,
                         json::allocator& a);

} // namespace tmcp::analytics

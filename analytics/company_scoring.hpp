// Scoring of companies (or any record the opportunities point at), on the criteria of the
// opportunity scores (scoring.hpp): open pipeline amount against the median, stage progress of
// the open deals, days since the last activity, overdue tasks, and how many people work there.
// The facts are folded record by record (company_book): memory grows with the companies only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analytics/scoring.hpp"

namespace tmcp::analytics {

struct company_weights {
  double pipeline = 25;     // open pipeline amount against the median of the companies
  double stage = 20;        // mean stage progress of the open deals
  double recency = 25;      // days since the last activity
  double overdue_tasks = 15;
  double people = 15;       // people linked, against the median
};

expected<company_weights, std::string> parse_company_weights(const json::value& v);

struct company_facts {
  std::string id, name;
  std::map<std::string, double> open_pipeline; // per currency code, in units
  std::vector<double> stage_fractions;         // per open deal with a known stage
  uint64_t open_deals = 0;
  std::optional<int64_t> last_activity_at;
  std::optional<int> overdue_tasks; // unknown: left out
  std::optional<int> people;        // unknown: left out
};

// Scores every company, best first, ties by id (opportunity_score: id, name, score, reasons).
std::vector<opportunity_score> score_companies(const std::vector<company_facts>& companies,
                                               const scoring_params& p, const company_weights& w);

// The facts of every company, from the records around them. Links (a task to a company) must be
// added before the tasks they name; records naming an unknown company are ignored.
class company_book {
public:
  explicit company_book(scoring_params p) : p_(std::move(p)) {}

  // A company record (id, its label, updatedAt as an activity).
  void add_company(const json::value& record, const std::string& label_key);
  void add_opportunity(const std::string& company_id, const opportunity_facts& deal);
  void add_person(const std::string& company_id);
  void add_activity_link(const std::string& activity_id, const std::string& company_id);
  // A task or note: its creation is an activity of the companies it is linked to; an open one
  // past its due date is overdue.
  void add_activity(const std::string& id, std::optional<int64_t> created,
                    std::optional<int64_t> due, bool done);
  // Overdue tasks and people are known (counted) once their records were read.
  void knows_tasks() { tasks_known_ = true; }
  void knows_people() { people_known_ = true; }

  std::size_t size() const { return companies_.size(); }
  std::vector<company_facts> facts() const;

private:
  company_facts* find(const std::string& id);
  void touch(company_facts& c, std::optional<int64_t> at);

  scoring_params p_;
  std::vector<company_facts> companies_;
  std::vector<int> people_, overdue_;
  std::unordered_map<std::string, std::size_t> index_;
  std::unordered_map<std::string, std::vector<std::size_t>> links_; // activity id -> companies
  bool tasks_known_ = false, people_known_ = false;
};

} // namespace tmcp::analytics

#include "analytics/company_scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analytics/relationships.hpp"
#include "analytics/stats.hpp"
#include "analytics/time_zone.hpp"

namespace tmcp::analytics {

namespace {

std::string money(double v, const std::string& code) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f ", v);
  return buf + code;
}

std::string number(double v, const char* fmt = "%.0f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// The currency a company does most business in: its largest open pipeline.
std::pair<std::string, double> main_pipeline(const company_facts& c) {
  std::pair<std::string, double> best{"", 0};
  for (auto& [code, v] : c.open_pipeline)
    if (v > best.second)
      best = {code, v};
  return best;
}

} // namespace

expected<company_weights, std::string> parse_company_weights(const json::value& v) {
  company_weights w;
  auto ok = parse_weight_slots(v, {{"pipeline", &w.pipeline},
                                   {"stage", &w.stage},
                                   {"recency", &w.recency},
                                   {"overdue_tasks", &w.overdue_tasks},
                                   {"people", &w.people}});
  if (!ok)
    return make_unexpected(ok.error());
  return w;
}

std::vector<opportunity_score> score_companies(const std::vector<company_facts>& companies,
                                               const scoring_params& p, const company_weights& w) {
  // The references: median open pipeline per currency and median people, over the companies
  // that have any.
  std::map<std::string, std::vector<double>> pipelines;
  std::vector<double> people;
  for (auto& c : companies) {
    auto [code, v] = main_pipeline(c);
    if (v > 0)
      pipelines[code].push_back(v);
    if (c.people && *c.people > 0)
      people.push_back(*c.people);
  }
  std::map<std::string, double> pipeline_median;
  for (auto& [code, xs] : pipelines)
    pipeline_median[code] = median(xs);
  double people_median = median(people);

  std::vector<opportunity_score> out;
  for (auto& c : companies) {
    score_card card;
    auto [code, amount] = main_pipeline(c);
    if (amount <= 0) {
      card.add("pipeline", 0, w.pipeline,
               c.open_deals ? "open deals without an amount" : "no open opportunities");
    } else {
      double ref = pipeline_median[code];
      double ratio = ref > 0 ? amount / ref : 1.0;
      card.add("pipeline", ratio, w.pipeline,
               "open pipeline " + money(amount, code) + " in " + std::to_string(c.open_deals)
                 + (c.open_deals == 1 ? " deal is " : " deals is ") + number(ratio, "%.2f") + "x the median " + money(ref, code));
    }
    if (c.stage_fractions.empty()) {
      card.add("stage", 0, w.stage, "no open deal in a pipeline stage");
    } else {
      double sum = 0;
      for (auto f : c.stage_fractions)
        sum += f;
      double mean = sum / static_cast<double>(c.stage_fractions.size());
      card.add("stage", mean, w.stage,
               "open deals are " + number(mean * 100) + "% of the way through the open stages "
                 + "on average (" + std::to_string(c.stage_fractions.size())
                 + (c.stage_fractions.size() == 1 ? " deal)" : " deals)"));
    }
    add_recency(card, c.last_activity_at, w.recency, p);
    add_overdue(card, c.overdue_tasks, w.overdue_tasks);
    if (c.people) {
      double ratio = people_median > 0 ? *c.people / people_median : (*c.people > 0 ? 1.0 : 0.0);
      card.add("people", ratio, w.people,
               std::to_string(*c.people) + " people (median " + number(people_median, "%.1f")
                 + ")");
    }
    opportunity_score s;
    s.id = c.id;
    s.name = c.name;
    s.score = card.score();
    s.reasons = card.take();
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  return out;
}

company_facts* company_book::find(const std::string& id) {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &companies_[it->second];
}

void company_book::touch(company_facts& c, std::optional<int64_t> at) {
  if (at && (!c.last_activity_at || *at > *c.last_activity_at))
    c.last_activity_at = at;
}

void company_book::add_company(const json::value& record, const std::string& label_key) {
  auto id = json::get_string(record, "id").value_or("");
  if (id.empty() || index_.count(id))
    return;
  company_facts c;
  c.id = id;
  c.name = record_label(record, label_key);
  int64_t t = 0;
  if (auto s = json::get_string(record, "updatedAt"); s && parse_iso_instant(*s, t))
    c.last_activity_at = t;
  index_[id] = companies_.size();
  companies_.push_back(std::move(c));
  people_.push_back(0);
  overdue_.push_back(0);
}

void company_book::add_opportunity(const std::string& company_id, const opportunity_facts& deal) {
  auto c = find(company_id);
  if (!c)
    return;
  touch(*c, deal.last_activity_at);
  if (is_closed_stage(deal.stage, p_))
    return;
  ++c->open_deals;
  if (deal.amount)
    c->open_pipeline[deal.currency] += *deal.amount;
  if (auto f = stage_fraction(deal.stage, p_))
    c->stage_fractions.push_back(*f);
}

void company_book::add_person(const std::string& company_id) {
  if (auto it = index_.find(company_id); it != index_.end())
    ++people_[it->second];
}

void company_book::add_activity_link(const std::string& activity_id, const std::string& company_id) {
  if (auto it = index_.find(company_id); it != index_.end())
    links_[activity_id].push_back(it->second);
}

void company_book::add_activity(const std::string& id, std::optional<int64_t> created,
                                std::optional<int64_t> due, bool done) {
  auto it = links_.find(id);
  if (it == links_.end())
    return;
  bool overdue = due && !done && *due < p_.now;
  for (auto idx : it->second) {
    touch(companies_[idx], created);
    overdue_[idx] += overdue;
  }
  links_.erase(it); // each activity is read once
}

std::vector<company_facts> company_book::facts() const {
  auto out = companies_;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (tasks_known_)
      out[i].overdue_tasks = overdue_[i];
    if (people_known_)
      out[i].people = people_[i];
  }
  return out;
}

} // namespace tmcp::analytics

#include "analytics/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analytics/stats.hpp"
#include "analytics/time_zone.hpp"

namespace tmcp::analytics {

namespace {

constexpr double seconds_per_day = 86400;

std::optional<int64_t> instant(const json::value& record, const char* key) {
  auto s = json::get_string(record, key);
  int64_t t = 0;
  if (s && parse_iso_instant(*s, t))
    return t;
  return std::nullopt;
}

double days_between(int64_t from, int64_t to) {
  return std::floor((to - from) / seconds_per_day);
}

std::string format(const char* fmt, double a, double b = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

double clamp01(double v) { return std::max(0.0, std::min(1.0, v)); }

double one_decimal(double v) { return std::round(v * 10) / 10; }

} // namespace

expected<bool, std::string> parse_weight_slots(const json::value& v,
                                               const std::vector<std::pair<const char*, double*>>& slots) {
  std::string names;
  for (auto& [name, _] : slots)
    names += (names.empty() ? "" : ", ") + std::string(name);
  if (!v.IsObject())
    return make_unexpected("weights must be an object such as {\"" + std::string(slots[0].first)
                           + "\":30}; criteria: " + names);
  for (auto& m : v.GetObject()) {
    std::string name = m.name.GetString();
    auto it = std::find_if(slots.begin(), slots.end(), [&](auto& s) { return name == s.first; });
    if (it == slots.end())
      return make_unexpected("unknown scoring criterion '" + name + "'; criteria: " + names);
    if (!m.value.IsNumber() || m.value.GetDouble() < 0 || !std::isfinite(m.value.GetDouble()))
      return make_unexpected("the weight of '" + name + "' must be a number >= 0");
    *it->second = m.value.GetDouble();
  }
  return true;
}

expected<score_weights, std::string> parse_weights(const json::value& v) {
  score_weights w;
  auto ok = parse_weight_slots(v, {{"stage", &w.stage},
                                   {"amount", &w.amount},
                                   {"recency", &w.recency},
                                   {"age", &w.age},
                                   {"close_date", &w.close_date},
                                   {"overdue_tasks", &w.overdue_tasks}});
  if (!ok)
    return make_unexpected(ok.error());
  return w;
}

void score_card::add(const char* criterion, double fraction, double weight, std::string why) {
  reasons_.push_back({criterion, one_decimal(clamp01(fraction) * weight), weight, std::move(why)});
}

double score_card::score() const {
  double won = 0, possible = 0;
  for (auto& r : reasons_) {
    won += r.points;
    possible += r.max_points;
  }
  return possible > 0 ? one_decimal(won / possible * 100) : 0;
}

bool is_closed_stage(const std::string& stage, const scoring_params& p) {
  return std::find(p.closed_stages.begin(), p.closed_stages.end(), stage) != p.closed_stages.end();
}

std::optional<double> stage_fraction(const std::string& stage, const scoring_params& p) {
  // The open stages only: the last open stage is the furthest a deal can be and still be open.
  std::vector<std::string> open;
  for (auto& st : p.stages)
    if (!is_closed_stage(st, p))
      open.push_back(st);
  auto pos = std::find(open.begin(), open.end(), stage);
  if (stage.empty() || pos == open.end())
    return std::nullopt;
  auto idx = pos - open.begin();
  return open.size() > 1 ? double(idx) / double(open.size() - 1) : 1.0;
}

void add_stage(score_card& card, const std::string& stage, double weight, const scoring_params& p) {
  auto frac = stage_fraction(stage, p);
  if (!frac) {
    card.add("stage", 0, weight, stage.empty() ? "no stage" : "stage " + stage + " is not in the pipeline");
    return;
  }
  std::size_t open = 0;
  for (auto& st : p.stages)
    open += !is_closed_stage(st, p);
  double position = open > 1 ? std::round(*frac * double(open - 1)) + 1 : 1;
  card.add("stage", *frac, weight,
           "stage " + stage + format(" is %.0f of %.0f open stages", position, double(open)));
}

void add_recency(score_card& card, std::optional<int64_t> last_activity, double weight,
                 const scoring_params& p) {
  if (!last_activity) {
    card.add("recency", 0, weight, "no recorded activity");
    return;
  }
  double days = days_between(*last_activity, p.now);
  double span = std::max(1, p.stale_days - p.fresh_days);
  card.add("recency", 1.0 - (days - p.fresh_days) / span, weight,
           format("last activity %.0f days ago (full points within %.0f days", days, p.fresh_days)
             + format(", none after %.0f)", p.stale_days));
}

void add_overdue(score_card& card, std::optional<int> overdue, double weight) {
  if (overdue)
    card.add("overdue_tasks", 1.0 - *overdue / 3.0, weight,
             format("%.0f overdue tasks (none at 3 or more)", *overdue));
}

opportunity_facts facts_from_record(const json::value& record) {
  opportunity_facts f;
  f.id = json::get_string(record, "id").value_or("");
  f.name = json::get_string(record, "name").value_or("");
  f.stage = json::get_string(record, "stage").value_or("");
  if (auto amount = json::find(record, "amount"); amount && amount->IsObject()) {
    auto micros = json::find(*amount, "amountMicros");
    if (micros && micros->IsNumber()) {
      f.amount = micros->GetDouble() / 1e6;
      f.currency = json::get_string(*amount, "currencyCode").value_or("");
    }
  }
  f.created_at = instant(record, "createdAt");
  f.last_activity_at = instant(record, "updatedAt");
  f.close_date = instant(record, "closeDate");
  return f;
}

std::map<std::string, double> median_amounts(const std::vector<opportunity_facts>& deals) {
  std::map<std::string, std::vector<double>> by_code;
  for (auto& d : deals)
    if (d.amount)
      by_code[d.currency].push_back(*d.amount);
  std::map<std::string, double> out;
  for (auto& [code, xs] : by_code)
    out[code] = median(xs);
  return out;
}

opportunity_score score_opportunity(const opportunity_facts& d, const scoring_params& p,
                                    const std::map<std::string, double>& medians) {
  opportunity_score s;
  s.id = d.id;
  s.name = d.name;
  const auto& w = p.weights;
  score_card card;
  add_stage(card, d.stage, w.stage, p);

  if (!d.amount) {
    card.add("amount", 0, w.amount, "no amount");
  } else {
    auto m = medians.find(d.currency);
    double ref = m == medians.end() ? 0 : m->second;
    double ratio = ref > 0 ? *d.amount / ref : 1.0;
    card.add("amount", ratio, w.amount,
             format("amount %.2f ", *d.amount) + d.currency
               + format(" is %.2fx the median %.2f ", ratio, ref) + d.currency);
  }

  add_recency(card, d.last_activity_at, w.recency, p);

  if (!d.created_at) {
    card.add("age", 0, w.age, "creation date unknown");
  } else {
    double days = days_between(*d.created_at, p.now);
    card.add("age", 1.0 - (days - p.cycle_days) / std::max(1, p.cycle_days), w.age,
             format("open for %.0f days (sales cycle %.0f days)", days, p.cycle_days));
  }

  if (!d.close_date) {
    card.add("close_date", 0.5, w.close_date, "no close date");
  } else if (*d.close_date < p.now) {
    card.add("close_date", 0, w.close_date,
             format("close date slipped %.0f days ago while the deal is open",
                    days_between(*d.close_date, p.now)));
  } else {
    card.add("close_date", 1, w.close_date,
             format("closes in %.0f days", days_between(p.now, *d.close_date)));
  }

  add_overdue(card, d.overdue_tasks, w.overdue_tasks);
  s.score = card.score();
  s.reasons = card.take();
  return s;
}

std::vector<opportunity_score> score_opportunities(const std::vector<opportunity_facts>& deals,
                                                   const scoring_params& p) {
  std::vector<opportunity_facts> open;
  for (auto& d : deals)
    if (!is_closed_stage(d.stage, p))
      open.push_back(d);
  auto medians = median_amounts(open);
  std::vector<opportunity_score> out;
  for (auto& d : open)
    out.push_back(score_opportunity(d, p, medians));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  return out;
}

void write_scores(const std::vector<opportunity_score>& scores, json::value& out,
                  json::allocator& a) {
  out.SetArray();
  for (auto& s : scores) {
    json::value row(rapidjson::kObjectType), reasons(rapidjson::kArrayType);
    row.AddMember("id", json::str(s.id, a), a);
    row.AddMember("name", json::str(s.name, a), a);
    row.AddMember("score", json::value(s.score), a);
    for (auto& r : s.reasons) {
      json::value reason(rapidjson::kObjectType);
      reason.AddMember("criterion", json::str(r.criterion, a), a);
      reason.AddMember("points", json::value(r.points), a);
      reason.AddMember("of", json::value(r.max_points), a);
      reason.AddMember("why", json::str(r.why, a), a);
      reasons.PushBack(reason, a);
    }
    row.AddMember("reasons", reasons, a);
    out.PushBack(row, a);
  }
}

void write_score_summary(std::vector<opportunity_score> all, std::size_t limit, json::value& out,
                         json::allocator& a) {
  json::value bands(rapidjson::kArrayType);
  std::vector<uint64_t> counts(10, 0);
  for (auto& sc : all)
    ++counts[std::min<std::size_t>(9, static_cast<std::size_t>(sc.score / 10))];
  for (auto c : counts)
    bands.PushBack(json::value(static_cast<uint64_t>(c)), a);
  out.AddMember("scored", json::value(static_cast<uint64_t>(all.size())), a);
  out.AddMember("distribution", bands, a);
  if (all.size() > limit)
    all.resize(limit);
  json::value scores;
  write_scores(all, scores, a);
  out.AddMember("scores", scores, a);
}

} // namespace tmcp::analytics

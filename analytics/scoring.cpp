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

bool is_closed(const std::string& stage, const scoring_params& p) {
  return std::find(p.closed_stages.begin(), p.closed_stages.end(), stage) != p.closed_stages.end();
}

} // namespace

expected<score_weights, std::string> parse_weights(const json::value& v) {
  score_weights w;
  const char* names = "stage, amount, recency, age, close_date, overdue_tasks";
  if (!v.IsObject())
    return make_unexpected(std::string("weights must be an object such as {\"stage\":30,\"amount\":20}; "
                                  "criteria: ")
                      + names);
  std::map<std::string, double*> slots{{"stage", &w.stage},           {"amount", &w.amount},
                                       {"recency", &w.recency},       {"age", &w.age},
                                       {"close_date", &w.close_date}, {"overdue_tasks", &w.overdue_tasks}};
  for (auto& m : v.GetObject()) {
    std::string name = m.name.GetString();
    auto it = slots.find(name);
    if (it == slots.end())
      return make_unexpected("unknown scoring criterion '" + name + "'; criteria: " + names);
    if (!m.value.IsNumber() || m.value.GetDouble() < 0 || !std::isfinite(m.value.GetDouble()))
      return make_unexpected("the weight of '" + name + "' must be a number >= 0");
    *it->second = m.value.GetDouble();
  }
  return w;
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
  auto add = [&](const char* criterion, double fraction, double weight, std::string why) {
    s.reasons.push_back({criterion, one_decimal(clamp01(fraction) * weight), weight, std::move(why)});
  };

  auto pos = std::find(p.stages.begin(), p.stages.end(), d.stage);
  if (d.stage.empty() || pos == p.stages.end()) {
    add("stage", 0, w.stage, d.stage.empty() ? "no stage" : "stage " + d.stage + " is not in the pipeline");
  } else {
    // The open stages only: the last open stage is the furthest a deal can be and still be open.
    std::vector<std::string> open;
    for (auto& st : p.stages)
      if (!is_closed(st, p))
        open.push_back(st);
    auto idx = std::find(open.begin(), open.end(), d.stage) - open.begin();
    double frac = open.size() > 1 ? double(idx) / double(open.size() - 1) : 1.0;
    add("stage", frac, w.stage,
        "stage " + d.stage + format(" is %.0f of %.0f open stages", double(idx + 1), double(open.size())));
  }

  if (!d.amount) {
    add("amount", 0, w.amount, "no amount");
  } else {
    auto m = medians.find(d.currency);
    double ref = m == medians.end() ? 0 : m->second;
    double ratio = ref > 0 ? *d.amount / ref : 1.0;
    add("amount", ratio, w.amount,
        format("amount %.2f ", *d.amount) + d.currency + format(" is %.2fx the median %.2f ", ratio, ref)
          + d.currency);
  }

  if (!d.last_activity_at) {
    add("recency", 0, w.recency, "no recorded activity");
  } else {
    double days = days_between(*d.last_activity_at, p.now);
    double span = std::max(1, p.stale_days - p.fresh_days);
    add("recency", 1.0 - (days - p.fresh_days) / span, w.recency,
        format("last activity %.0f days ago (full points within %.0f days", days, p.fresh_days)
          + format(", none after %.0f)", p.stale_days));
  }

  if (!d.created_at) {
    add("age", 0, w.age, "creation date unknown");
  } else {
    double days = days_between(*d.created_at, p.now);
    add("age", 1.0 - (days - p.cycle_days) / std::max(1, p.cycle_days), w.age,
        format("open for %.0f days (sales cycle %.0f days)", days, p.cycle_days));
  }

  if (!d.close_date) {
    add("close_date", 0.5, w.close_date, "no close date");
  } else if (*d.close_date < p.now) {
    add("close_date", 0, w.close_date,
        format("close date slipped %.0f days ago while the deal is open",
               days_between(*d.close_date, p.now)));
  } else {
    add("close_date", 1, w.close_date,
        format("closes in %.0f days", days_between(p.now, *d.close_date)));
  }

  if (d.overdue_tasks) {
    add("overdue_tasks", 1.0 - *d.overdue_tasks / 3.0, w.overdue_tasks,
        format("%.0f overdue tasks (none at 3 or more)", *d.overdue_tasks));
  }

  double won = 0, possible = 0;
  for (auto& r : s.reasons) {
    won += r.points;
    possible += r.max_points;
  }
  s.score = possible > 0 ? one_decimal(won / possible * 100) : 0;
  return s;
}

std::vector<opportunity_score> score_opportunities(const std::vector<opportunity_facts>& deals,
                                                   const scoring_params& p) {
  std::vector<opportunity_facts> open;
  for (auto& d : deals)
    if (!is_closed(d.stage, p))
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

} // namespace tmcp::analytics

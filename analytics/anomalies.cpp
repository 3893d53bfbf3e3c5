#include "analytics/anomalies.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "analytics/stats.hpp"

namespace tmcp::analytics {

namespace {

double round2(double v) { return std::round(v * 100) / 100; }

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[200];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

} // namespace

std::vector<finding> series_anomalies(const std::vector<std::pair<std::string, double>>& series,
                                      const anomaly_params& p) {
  std::vector<finding> out;
  if (series.size() < p.min_points)
    return out;
  std::vector<double> xs;
  for (auto& [_, v] : series)
    xs.push_back(v);
  auto s = robust(xs);
  for (std::size_t i = 0; i < series.size(); ++i) {
    auto& [label, v] = series[i];
    double z = robust_z(v, s);
    if (std::fabs(z) > p.z_threshold) {
      out.push_back({z > 0 ? "spike" : "dip", label,
                     format("%g is %.1f robust deviations ", v, std::fabs(z))
                       + (z > 0 ? "above" : "below") + format(" the median %g", s.median),
                     {{"value", v}, {"median", s.median}, {"mad", s.mad}, {"z", round2(z)}}});
    }
    if (i == 0)
      continue;
    double prev = series[i - 1].second;
    if (prev > 0 && prev >= s.median && v <= prev * (1 - p.drop_percent / 100)) {
      double pct = round2((v - prev) / prev * 100);
      out.push_back({"sudden_drop", label,
                     format("fell from %g to %g (%.1f%%) after ", prev, v, pct) + series[i - 1].first,
                     {{"previous", prev}, {"value", v}, {"changePct", pct}, {"median", s.median}}});
    }
  }
  return out;
}

std::vector<finding> stale_deals(const std::vector<opportunity_facts>& deals,
                                 const scoring_params& p) {
  std::vector<finding> out;
  for (auto& d : deals) {
    if (std::find(p.closed_stages.begin(), p.closed_stages.end(), d.stage) != p.closed_stages.end()
        || !d.last_activity_at)
      continue;
    double days = std::floor((p.now - *d.last_activity_at) / 86400.0);
    if (days <= p.stale_days)
      continue;
    finding f{"stale_deal", d.id,
              "open deal '" + d.name + "' in stage " + (d.stage.empty() ? "(none)" : d.stage)
                + format(" has had no activity for %.0f days (stale after %.0f)", days, p.stale_days),
              {{"daysSinceActivity", days}, {"staleDays", double(p.stale_days)}}};
    if (d.amount)
      f.evidence.emplace_back("amount", *d.amount);
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const finding& a, const finding& b) {
    return a.evidence[0].second != b.evidence[0].second ? a.evidence[0].second > b.evidence[0].second
                                                        : a.subject < b.subject;
  });
  return out;
}

std::vector<finding> outlier_amounts(const std::vector<opportunity_facts>& deals,
                                     const anomaly_params& p) {
  std::map<std::string, std::vector<const opportunity_facts*>> by_code;
  for (auto& d : deals)
    if (d.amount)
      by_code[d.currency].push_back(&d);
  std::vector<finding> out;
  for (auto& [code, list] : by_code) {
    if (list.size() < p.min_points)
      continue;
    std::vector<double> xs;
    for (auto* d : list)
      xs.push_back(*d->amount);
    auto s = robust(xs);
    for (auto* d : list) {
      double z = robust_z(*d->amount, s);
      if (std::fabs(z) <= p.z_threshold)
        continue;
      out.push_back({"outlier_amount", d->id,
                     "'" + d->name + format("' amount %.2f ", *d->amount) + code
                       + format(" is %.1f robust deviations from the median %.2f ", std::fabs(z), s.median)
                       + code,
                     {{"amount", *d->amount}, {"median", s.median}, {"mad", s.mad}, {"z", round2(z)}}});
    }
  }
  return out;
}

void write_findings(const std::vector<finding>& findings, json::value& out, json::allocator& a) {
  out.SetArray();
  for (auto& f : findings) {
    json::value row(rapidjson::kObjectType), ev(rapidjson::kObjectType);
    row.AddMember("kind", json::str(f.kind, a), a);
    row.AddMember("subject", json::str(f.subject, a), a);
    row.AddMember("message", json::str(f.message, a), a);
    for (auto& [k, v] : f.evidence)
      ev.AddMember(json::str(k, a), json::value(v), a);
    row.AddMember("evidence", ev, a);
    out.PushBack(row, a);
  }
}

} // namespace tmcp::analytics

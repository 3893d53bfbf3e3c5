#include "integration/tools/analytics_charts.hpp"

#include <cstdlib>
#include <map>

#include "analytics/charts/png_chart.hpp"
#include "protocol/base64.hpp"
#include "protocol/content.hpp"

namespace tmcp::twenty::tools {

namespace {

using charts::line_series;

// "2026-04-01" as the bucket reads at its granularity: 2026-04, 2026 Q2, 2026.
std::string bucket_label(const std::string& bucket, const std::string& grain) {
  if (bucket.size() < 10)
    return bucket;
  if (grain == "month")
    return bucket.substr(0, 7);
  if (grain == "quarter")
    return bucket.substr(0, 4) + " Q" + std::to_string((std::atoi(bucket.substr(5, 2).c_str()) + 2) / 3);
  if (grain == "year")
    return bucket.substr(0, 4);
  return bucket;
}

void add_png(std::vector<std::string>& out, const expected<std::string, std::string>& png) {
  // A chart that cannot be drawn (no buckets) is left out; the numbers are still there.
  if (png)
    out.push_back(image_content(base64_encode(*png), "image/png"));
}

// The buckets' counts as one line, and their sums (`sum_key`, per currency; none when null)
// as a second chart.
void trend_charts(std::vector<std::string>& out, const std::string& what, const json::value& trend,
                  const char* sum_key) {
  auto buckets = json::find(trend, "buckets");
  if (!buckets || !buckets->IsArray() || buckets->Empty())
    return;
  auto grain = json::get_string(trend, "granularity").value_or("");
  std::vector<std::string> labels;
  line_series counts{"", {}};
  std::map<std::string, std::vector<double>> sums;
  std::size_t i = 0;
  for (auto& b : buckets->GetArray()) {
    labels.push_back(bucket_label(json::get_string(b, "bucket").value_or(""), grain));
    auto count = json::find(b, "count");
    counts.values.push_back(count && count->IsNumber() ? count->GetDouble() : 0);
    if (auto s = sum_key ? json::find(b, sum_key) : nullptr; s && s->IsObject())
      for (auto& m : s->GetObject())
        if (m.value.IsNumber()) {
          auto& line = sums[m.name.GetString()];
          line.resize(labels.size(), 0); // buckets without this currency sum to 0
          line[i] = m.value.GetDouble();
        }
    ++i;
  }
  add_png(out, charts::line_chart(what + " per " + grain, labels, {counts}));
  if (sums.empty())
    return;
  std::vector<line_series> lines;
  for (auto& [code, values] : sums) {
    values.resize(labels.size(), 0);
    lines.push_back({code.empty() ? "sum" : code, values});
  }
  add_png(out, charts::line_chart(what + ": amount per " + grain, labels, lines));
}

// Ten bands of ten points: 0-9, ..., 90-100.
void score_chart(std::vector<std::string>& out, const json::value& result) {
  auto bands = json::find(result, "distribution");
  if (!bands || !bands->IsArray() || bands->Empty())
    return;
  std::vector<std::string> bins;
  std::vector<double> counts;
  for (auto& v : bands->GetArray()) {
    auto lo = static_cast<int>(bins.size()) * 10;
    bins.push_back(std::to_string(lo) + "-" + std::to_string(lo + (lo == 90 ? 10 : 9)));
    counts.push_back(v.IsNumber() ? v.GetDouble() : 0);
  }
  auto scored = json::get_int(result, "scored").value_or(0);
  auto object = json::get_string(result, "object").value_or("records");
  add_png(out, charts::histogram("Scores of " + std::to_string(scored) + " " + object, bins,
                                 counts));
}

// One record's touches per month (activity analysis), every month from the first touch on.
void activity_chart(std::vector<std::string>& out, const json::value& result) {
  auto activity = json::find(result, "activity");
  auto months = activity ? json::find(*activity, "touchesPerMonth") : nullptr;
  if (!months || !months->IsArray() || months->Empty())
    return;
  std::vector<std::string> labels;
  line_series touches{"", {}};
  for (auto& m : months->GetArray()) {
    labels.push_back(bucket_label(json::get_string(m, "month").value_or(""), "month"));
    auto n = json::find(m, "touches");
    touches.values.push_back(n && n->IsNumber() ? n->GetDouble() : 0);
  }
  auto entity = json::find(result, "entity");
  auto label = entity ? json::get_string(*entity, "label").value_or("") : "";
  add_png(out, charts::line_chart("Touches per month" + (label.empty() ? "" : ": " + label),
                                  labels, {touches}));
}

// "1.2k USD, 300 EUR" from {"USD":1200,"EUR":300}.
std::string amounts(const json::value* per_code) {
  std::string out;
  if (per_code && per_code->IsObject())
    for (auto& m : per_code->GetObject())
      if (m.value.IsNumber())
        out += (out.empty() ? "" : ", ") + charts::compact_number(m.value.GetDouble()) + " "
               + m.name.GetString();
  return out;
}

} // namespace

std::vector<std::string> result_charts(const json::value& status) {
  std::vector<std::string> out;
  auto result = json::find(status, "result");
  if (!result || !result->IsObject())
    return out;
  auto analysis = json::get_string(*result, "analysis").value_or("");
  auto object = json::get_string(*result, "object").value_or("records");
  if (analysis == "trends") {
    if (auto trend = json::find(*result, "trend"))
      trend_charts(out, object, *trend, "sum");
  } else if (analysis == "scores") {
    score_chart(out, *result);
  } else if (analysis == "activity") {
    activity_chart(out, *result);
  }
  return out;
}

std::vector<std::string> dashboard_charts(const json::value& dashboard) {
  std::vector<std::string> out;
  auto pipeline = json::find(dashboard, "pipeline");
  auto stages = pipeline ? json::find(*pipeline, "stages") : nullptr;
  if (stages && stages->IsArray() && !stages->Empty()) {
    std::vector<charts::funnel_stage> funnel;
    for (auto& s : stages->GetArray()) {
      auto count = json::find(s, "count");
      double n = count && count->IsNumber() ? count->GetDouble() : 0;
      auto money = amounts(json::find(s, "amount"));
      funnel.push_back({json::get_string(s, "stage").value_or("(none)"), n,
                        charts::compact_number(n) + (money.empty() ? "" : " · " + money)});
    }
    add_png(out, charts::funnel_chart("Pipeline by stage", funnel));
  }
  // The amounts are in the funnel already: the trend shows the counts only.
  if (auto trend = json::find(dashboard, "trend"))
    trend_charts(out, "New opportunities", *trend, nullptr);
  return out;
}

std::string result_with_charts(const std::string& json_text, bool charts, bool dashboard) {
  tool_result r;
  r.text(json_text).structured(json_text);
  if (charts)
    if (auto doc = json::parse(json_text))
      for (auto& block : dashboard ? dashboard_charts(*doc) : result_charts(*doc))
        r.add(std::move(block));
  return r.str();
}

} // namespace tmcp::twenty::tools

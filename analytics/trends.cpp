#include "analytics/trends.hpp"

#include <cmath>
#include <cstdio>

#include "analytics/group_table.hpp"

namespace tmcp::analytics {

namespace {

const json::value* member(const json::value& obj, const std::string& key) {
  if (!obj.IsObject())
    return nullptr;
  auto it = obj.FindMember(key.c_str());
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

civil_date parse_label(const std::string& label) {
  civil_date d;
  std::sscanf(label.c_str(), "%d-%d-%d", &d.year, &d.month, &d.day);
  return d;
}

std::string format_label(civil_date d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

civil_date add_months(civil_date d, int months) {
  int m = d.year * 12 + (d.month - 1) + months;
  return {m / 12, m % 12 + 1, 1};
}

// Divides by a power of ten so the result prints as the shortest decimal (1.1, not 1.1000000000000001).
double round_to(double v, double per_unit) { return std::round(v * per_unit) / per_unit; }

void put_number(json::value& obj, const char* key, double v, json::allocator& a) {
  if (v == std::floor(v) && std::fabs(v) < 9e15)
    obj.AddMember(json::str(key, a), json::value(static_cast<int64_t>(v)), a);
  else
    obj.AddMember(json::str(key, a), json::value(v), a);
}

} // namespace

std::string next_bucket(const std::string& label, granularity g) {
  civil_date d = parse_label(label);
  switch (g) {
    case granularity::none:
    case granularity::day: return format_label(civil_from_days(days_from_civil(d) + 1));
    case granularity::week: return format_label(civil_from_days(days_from_civil(d) + 7));
    case granularity::month: return format_label(add_months(d, 1));
    case granularity::quarter: return format_label(add_months(d, 3));
    case granularity::year: return format_label(add_months(d, 12));
  }
  return label;
}

std::optional<double> percent_change(double before, double after) {
  if (before == 0)
    return std::nullopt;
  return round_to((after - before) / std::fabs(before) * 100.0, 10);
}

trend_series::trend_series(trend_spec spec, time_zone tz)
  : spec_(std::move(spec)), tz_(std::move(tz)) {
  // nop
}

void trend_series::add_record(const json::value& record) {
  ++records_;
  auto date = member(record, spec_.date_key);
  std::optional<std::string> label;
  if (date && date->IsString())
    label = bucket_label(date->GetString(), spec_.grain, tz_);
  if (!label) {
    ++undated_;
    return;
  }
  auto& b = buckets_[*label];
  ++b.count;
  if (spec_.value_key.empty())
    return;
  auto v = member(record, spec_.value_key);
  if (!v)
    return;
  if (spec_.currency) {
    auto micros = member(*v, "amountMicros");
    auto code = member(*v, "currencyCode");
    if (micros && micros->IsNumber())
      b.sums[code && code->IsString() ? code->GetString() : ""] += micros->GetDouble() / 1e6;
  } else if (v->IsNumber()) {
    b.sums[""] += v->GetDouble();
  }
}

std::vector<trend_point> trend_series::points() const {
  std::vector<trend_point> out;
  if (buckets_.empty())
    return out;
  const std::string last = buckets_.rbegin()->first;
  // Every code seen anywhere, so a bucket without that currency shows 0, not nothing.
  std::map<std::string, double> zero_sums;
  for (auto& [_, b] : buckets_)
    for (auto& [code, _s] : b.sums)
      zero_sums[code] = 0;
  for (std::string label = buckets_.begin()->first;; label = next_bucket(label, spec_.grain)) {
    trend_point p;
    p.bucket = label;
    p.sums = zero_sums;
    if (auto it = buckets_.find(label); it != buckets_.end()) {
      p.count = it->second.count;
      for (auto& [code, s] : it->second.sums)
        p.sums[code] = round_to(s, 100);
    }
    if (!out.empty()) {
      auto& prev = out.back();
      p.count_change = static_cast<int64_t>(p.count) - static_cast<int64_t>(prev.count);
      p.count_change_pct = percent_change(static_cast<double>(prev.count),
                                          static_cast<double>(p.count));
      for (auto& [code, s] : p.sums)
        p.sum_change_pct[code] = percent_change(prev.sums[code], s);
    }
    out.push_back(std::move(p));
    if (label >= last)
      break;
  }
  return out;
}

void trend_series::write(json::document& out) const {
  out.SetObject();
  auto& a = out.GetAllocator();
  out.AddMember("granularity", json::str(to_string(spec_.grain), a), a);
  json::value rows(rapidjson::kArrayType);
  for (auto& p : points()) {
    json::value row(rapidjson::kObjectType);
    row.AddMember("bucket", json::str(p.bucket, a), a);
    row.AddMember("count", json::value(static_cast<uint64_t>(p.count)), a);
    row.AddMember("countChange", json::value(p.count_change), a);
    json::value pct;
    if (p.count_change_pct)
      pct.SetDouble(*p.count_change_pct);
    row.AddMember("countChangePct", pct, a);
    if (!spec_.value_key.empty()) {
      json::value sums(rapidjson::kObjectType), changes(rapidjson::kObjectType);
      for (auto& [code, s] : p.sums)
        put_number(sums, code.c_str(), s, a);
      for (auto& [code, c] : p.sum_change_pct) {
        json::value v;
        if (c)
          v.SetDouble(*c);
        changes.AddMember(json::str(code, a), v, a);
      }
      row.AddMember("sum", sums, a);
      row.AddMember("sumChangePct", changes, a);
    }
    rows.PushBack(row, a);
  }
  out.AddMember("buckets", rows, a);
  out.AddMember("records", json::value(static_cast<uint64_t>(records_)), a);
  out.AddMember("undated", json::value(static_cast<uint64_t>(undated_)), a);
}

} // namespace tmcp::analytics

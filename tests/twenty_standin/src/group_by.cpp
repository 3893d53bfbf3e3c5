#include "group_by.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <set>

namespace standin {

namespace {

const char* const count_ops[] = {"countUniqueValues", "countEmpty", "countNotEmpty",
                                 "percentageEmpty", "percentageNotEmpty"};

}  // namespace

std::optional<aggregate_spec> graphql_aggregate(const object_def& o, std::string_view name) {
  if (name == "totalCount") return aggregate_spec{"totalCount", "totalCount", {}};
  for (auto& f : o.fields) {
    if (!f->is_active || f->relation) continue;
    const std::string cap = capitalize(f->name);
    for (auto op : count_ops)
      if (name == op + cap) return aggregate_spec{std::string(name), op, {f->name}};
    std::vector<std::string> numeric_ops;
    std::string suffix;
    std::vector<std::string> path{f->name};
    if (f->type == field_type::date_time) {
      numeric_ops = {"min", "max"};
    } else if (f->type == field_type::number) {
      numeric_ops = {"min", "max", "avg", "sum"};
    } else if (f->type == field_type::currency) {
      numeric_ops = {"min", "max", "avg", "sum"};
      suffix = "AmountMicros";
      path.push_back("amountMicros");
    }
    for (auto& op : numeric_ops)
      if (name == op + cap + suffix) return aggregate_spec{std::string(name), op, path};
  }
  return std::nullopt;
}

const json_value* value_at(const json_value& rec, const std::vector<std::string>& path) {
  if (!rec.IsObject()) return nullptr;
  auto it = rec.FindMember(path[0].c_str());
  if (it == rec.MemberEnd()) return nullptr;
  if (path.size() == 1) return &it->value;
  if (!it->value.IsObject()) return nullptr;
  auto s = it->value.FindMember(path[1].c_str());
  return s == it->value.MemberEnd() ? nullptr : &s->value;
}

bool is_empty_value(const json_value* v) {
  if (!v || v->IsNull()) return true;
  if (v->IsString()) return v->GetStringLength() == 0;
  if (v->IsArray()) return v->Empty();
  if (v->IsObject()) {
    for (auto& m : v->GetObject())
      if (!is_empty_value(&m.value)) return false;
    return true;
  }
  return false;
}

void write_aggregate_value(json_writer& w, const aggregate_spec& a, const std::vector<row*>& rows) {
  if (a.op == "totalCount") { w.Uint64(rows.size()); return; }
  std::size_t empty = 0;
  std::set<std::string> unique;
  double sum = 0;
  std::size_t numeric = 0;
  const json_value* lo = nullptr;
  const json_value* hi = nullptr;
  auto less = [](const json_value* x, const json_value* y) {
    if (x->IsNumber() && y->IsNumber()) return x->GetDouble() < y->GetDouble();
    if (x->IsString() && y->IsString()) return std::string_view(x->GetString()) < std::string_view(y->GetString());
    return false;
  };
  for (auto r : rows) {
    auto v = value_at(r->data, a.path);
    if (is_empty_value(v)) { ++empty; continue; }
    unique.insert(to_json(*v));
    if (v->IsNumber()) { sum += v->GetDouble(); ++numeric; }
    if (!lo || less(v, lo)) lo = v;
    if (!hi || less(hi, v)) hi = v;
  }
  const double n = static_cast<double>(rows.size());
  if (a.op == "countEmpty") w.Uint64(empty);
  else if (a.op == "countNotEmpty") w.Uint64(rows.size() - empty);
  else if (a.op == "countUniqueValues") w.Uint64(unique.size());
  else if (a.op == "percentageEmpty") rows.empty() ? (void)w.Null() : write_number(w, empty / n);
  else if (a.op == "percentageNotEmpty") rows.empty() ? (void)w.Null() : write_number(w, (n - empty) / n);
  else if (a.op == "sum") numeric ? write_number(w, sum) : (void)w.Null();
  else if (a.op == "avg") numeric ? write_number(w, sum / numeric) : (void)w.Null();
  else if (a.op == "min") lo ? lo->Accept(w) : w.Null();
  else if (a.op == "max") hi ? hi->Accept(w) : w.Null();
  else w.Null();
}

std::optional<time_zone> parse_time_zone(std::string_view tz) {
  if (tz == "UTC" || tz == "Etc/UTC" || tz == "GMT" || tz == "Z") return time_zone{};
  int h = 0, m = 0;
  char sign = 0;
  if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':'
      && std::sscanf(std::string(tz).c_str(), "%c%2d:%2d", &sign, &h, &m) == 3 && h <= 14 && m < 60)
    return time_zone{(sign == '-' ? -1 : 1) * (h * 60 + m), {}};
  // An IANA name: letters, digits, '_', '-', '+' and '/' between parts, a file in zoneinfo.
  bool plain = !tz.empty() && tz.size() < 64 && tz.front() != '/' && tz.find("..") == std::string_view::npos;
  for (char c : tz)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' || c == '/');
  struct stat st {};
  std::string file = "/usr/share/zoneinfo/" + std::string(tz);
  if (plain && ::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return time_zone{0, std::string(tz)};
  return std::nullopt;
}

int offset_minutes_at(const time_zone& zone, std::int64_t utc_ms) {
  if (zone.iana.empty()) return zone.fixed_minutes;
  // glibc's own reading of the zone (not the server's): TZ is process-wide, so one at a time.
  // The stand-in uses UTC functions only, so leaving TZ set is harmless and spares re-reading.
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (const char* now = std::getenv("TZ"); !now || zone.iana != now) {
    ::setenv("TZ", zone.iana.c_str(), 1);
    ::tzset();
  }
  std::time_t t = static_cast<std::time_t>(utc_ms >= 0 ? utc_ms / 1000 : (utc_ms - 999) / 1000);
  std::tm local{};
  ::localtime_r(&t, &local);
  return static_cast<int>(local.tm_gmtoff / 60);
}

std::string truncate_date(const std::string& iso, const std::string& g, const time_zone& zone) {
  auto utc = parse_iso_time(iso);
  if (!utc) return iso;
  auto t = *utc + std::int64_t(offset_minutes_at(zone, *utc)) * 60000;
  std::string day = iso_time(t).substr(0, 10);
  int y = std::stoi(day.substr(0, 4)), m = std::stoi(day.substr(5, 2));
  char buf[32];
  if (g == "YEAR") return day.substr(0, 4) + "-01-01";
  if (g == "MONTH") return day.substr(0, 7) + "-01";
  if (g == "QUARTER") {
    std::snprintf(buf, sizeof buf, "%04d-%02d-01", y, (m - 1) / 3 * 3 + 1);
    return buf;
  }
  if (g == "WEEK") {  // ISO weeks start on Monday; 1970-01-01 was a Thursday
    std::int64_t days = t >= 0 ? t / 86400000 : (t - 86399999) / 86400000;
    std::int64_t monday = days - ((days + 3) % 7 + 7) % 7;
    return iso_time(monday * 86400000).substr(0, 10);
  }
  return day;
}

}  // namespace standin

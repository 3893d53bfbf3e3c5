#include "analytics/activity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "analytics/relationships.hpp"
#include "analytics/stats.hpp"
#include "analytics/time_zone.hpp"

namespace tmcp::analytics {

namespace {

constexpr int64_t day = 86400;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t whole_days(int64_t from, int64_t to) { return floor_div(to - from, day); }

double one_decimal(double v) { return std::round(v * 10) / 10; }

std::string month_of(int64_t t) {
  auto d = civil_from_days(floor_div(t, day));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-01", d.year, d.month);
  return buf;
}

json::value item_ref(const activity_item& it, json::allocator& a) {
  json::value v(rapidjson::kObjectType);
  v.AddMember("object", json::str(it.object, a), a);
  v.AddMember("id", json::str(it.id, a), a);
  v.AddMember("title", json::str(it.title, a), a);
  return v;
}

} // namespace

std::string iso_instant(int64_t t) {
  auto days = floor_div(t, day);
  auto secs = t - days * day;
  auto d = civil_from_days(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", d.year, d.month, d.day,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

activity_item activity_from_record(const std::string& object, const json::value& record,
                                   const activity_keys& keys) {
  activity_item it;
  it.object = object;
  it.id = json::get_string(record, "id").value_or("");
  if (!keys.label.empty())
    it.title = record_label(record, keys.label);
  auto instant = [&](const std::string& key) -> std::optional<int64_t> {
    int64_t t = 0;
    auto s = key.empty() ? std::nullopt : json::get_string(record, key.c_str());
    if (s && parse_iso_instant(*s, t))
      return t;
    return std::nullopt;
  };
  it.at = instant("createdAt");
  it.due = instant(keys.due);
  if (!keys.status.empty())
    it.status = json::get_string(record, keys.status.c_str()).value_or("");
  it.done = !keys.done_status.empty() && it.status == keys.done_status;
  if (!keys.amount.empty())
    if (auto v = json::find(record, keys.amount.c_str()); v && v->IsObject()) {
      auto micros = json::find(*v, "amountMicros");
      if (micros && micros->IsNumber()) {
        it.amount = micros->GetDouble() / 1e6;
        it.currency = json::get_string(*v, "currencyCode").value_or("");
      }
    }
  return it;
}

std::optional<double> cadence_days(std::vector<int64_t> touches) {
  if (touches.size() < 2)
    return std::nullopt;
  std::sort(touches.begin(), touches.end());
  std::vector<double> gaps;
  for (std::size_t i = 1; i < touches.size(); ++i)
    gaps.push_back(static_cast<double>(touches[i] - touches[i - 1]) / day);
  return one_decimal(median(gaps));
}

void write_activity(const std::vector<activity_item>& items, const activity_params& p,
                    json::value& out, json::allocator& a) {
  out.SetObject();
  std::map<std::string, uint64_t> counts;
  std::vector<int64_t> touches;
  std::vector<const activity_item*> overdue, upcoming, timeline;
  for (auto& it : items) {
    ++counts[it.object];
    timeline.push_back(&it);
    if (it.at)
      touches.push_back(*it.at);
    if (it.due && !it.done)
      (*it.due < p.now ? overdue : upcoming).push_back(&it);
  }
  std::sort(touches.begin(), touches.end());

  json::value per_object(rapidjson::kObjectType);
  for (auto& [o, n] : counts)
    per_object.AddMember(json::str(o, a), json::value(n), a);
  out.AddMember("counts", per_object, a);
  out.AddMember("touches", json::value(static_cast<uint64_t>(touches.size())), a);
  if (touches.empty()) {
    out.AddMember("firstTouch", json::value(), a);
    out.AddMember("lastTouch", json::value(), a);
    out.AddMember("daysSinceLastTouch", json::value(), a);
  } else {
    out.AddMember("firstTouch", json::str(iso_instant(touches.front()), a), a);
    out.AddMember("lastTouch", json::str(iso_instant(touches.back()), a), a);
    out.AddMember("daysSinceLastTouch", json::value(whole_days(touches.back(), p.now)), a);
  }
  if (auto median_gap = cadence_days(touches)) {
    json::value cadence(rapidjson::kObjectType);
    cadence.AddMember("medianGapDays", json::value(*median_gap), a);
    double span = static_cast<double>(touches.back() - touches.front()) / day;
    cadence.AddMember("meanGapDays",
                      json::value(one_decimal(span / static_cast<double>(touches.size() - 1))), a);
    cadence.AddMember("gaps", json::value(static_cast<uint64_t>(touches.size() - 1)), a);
    out.AddMember("cadence", cadence, a);
  } else {
    out.AddMember("cadence", json::value(), a);
  }
  uint64_t last30 = 0, last90 = 0;
  for (auto t : touches) {
    if (t <= p.now && whole_days(t, p.now) < 30)
      ++last30;
    if (t <= p.now && whole_days(t, p.now) < 90)
      ++last90;
  }
  out.AddMember("touchesLast30Days", json::value(last30), a);
  out.AddMember("touchesLast90Days", json::value(last90), a);
  // Every month from the first touch to the last, empty ones included (a chart's x axis).
  json::value months(rapidjson::kArrayType);
  if (!touches.empty()) {
    std::map<std::string, uint64_t> per_month;
    for (auto t : touches)
      ++per_month[month_of(t)];
    auto d = civil_from_days(floor_div(touches.front(), day));
    auto last = month_of(touches.back());
    for (;;) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-01", d.year, d.month);
      json::value m(rapidjson::kObjectType);
      m.AddMember("month", json::str(buf, a), a);
      m.AddMember("touches", json::value(per_month[buf]), a);
      months.PushBack(m, a);
      if (buf == last)
        break;
      d.month = d.month % 12 + 1;
      d.year += d.month == 1;
    }
  }
  out.AddMember("touchesPerMonth", months, a);

  auto by_due = [](const activity_item* x, const activity_item* y) {
    return *x->due != *y->due ? *x->due < *y->due : x->id < y->id;
  };
  std::sort(overdue.begin(), overdue.end(), by_due);
  std::sort(upcoming.begin(), upcoming.end(), by_due);
  auto open_items = [&](const std::vector<const activity_item*>& list, bool late) {
    json::value arr(rapidjson::kArrayType);
    for (std::size_t i = 0; i < list.size() && i < p.limit; ++i) {
      auto v = item_ref(*list[i], a);
      v.AddMember("dueAt", json::str(iso_instant(*list[i]->due), a), a);
      if (late)
        v.AddMember("daysOverdue", json::value(whole_days(*list[i]->due, p.now)), a);
      else
        v.AddMember("dueInDays", json::value(whole_days(p.now, *list[i]->due)), a);
      v.AddMember("status", json::str(list[i]->status, a), a);
      arr.PushBack(v, a);
    }
    return arr;
  };
  out.AddMember("overdueCount", json::value(static_cast<uint64_t>(overdue.size())), a);
  out.AddMember("overdue", open_items(overdue, true), a);
  out.AddMember("upcomingCount", json::value(static_cast<uint64_t>(upcoming.size())), a);
  out.AddMember("upcoming", open_items(upcoming, false), a);

  // Newest first; records without a creation date last.
  std::sort(timeline.begin(), timeline.end(), [](const activity_item* x, const activity_item* y) {
    if (x->at.has_value() != y->at.has_value())
      return x->at.has_value();
    if (x->at && *x->at != *y->at)
      return *x->at > *y->at;
    return x->id < y->id;
  });
  json::value entries(rapidjson::kArrayType);
  for (std::size_t i = 0; i < timeline.size() && i < p.limit; ++i) {
    auto& it = *timeline[i];
    auto v = item_ref(it, a);
    v.AddMember("at", it.at ? json::str(iso_instant(*it.at), a) : json::value(), a);
    if (!it.status.empty())
      v.AddMember("status", json::str(it.status, a), a);
    if (it.due)
      v.AddMember("dueAt", json::str(iso_instant(*it.due), a), a);
    if (it.amount) {
      json::value amount(rapidjson::kObjectType);
      amount.AddMember("amount", json::value(std::round(*it.amount * 100) / 100), a);
      amount.AddMember("currencyCode", json::str(it.currency, a), a);
      v.AddMember("amount", amount, a);
    }
    entries.PushBack(v, a);
  }
  out.AddMember("timelineCount", json::value(static_cast<uint64_t>(timeline.size())), a);
  out.AddMember("timeline", entries, a);
}

} // namespace tmcp::analytics

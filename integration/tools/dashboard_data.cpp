#include "integration/tools/dashboard_data.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "analytics/anomalies.hpp"
#include "analytics/time_zone.hpp"
#include "analytics/trends.hpp"
#include "integration/tools/aggregate_tool.hpp"
#include "integration/url.hpp"

namespace tmcp::twenty::tools {

namespace {

using namespace tmcp::analytics;

// Examples listed for overdue tasks and stale deals; the counts cover them all.
constexpr int examples = 5;

std::string iso_day(int64_t secs) {
  auto d = civil_from_days(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string iso_instant(int64_t secs) {
  auto s = ((secs % 86400) + 86400) % 86400;
  char buf[24];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d.000Z", static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return iso_day(secs) + buf;
}

// The first day of the month `back` months before the month of `now` (UTC).
std::string month_start(int64_t now, int back) {
  auto d = civil_from_days(now / 86400);
  int index = d.year * 12 + (d.month - 1) - back;
  char buf[32]; // room for any int year, so the format cannot truncate
  std::snprintf(buf, sizeof buf, "%04d-%02d-01", index / 12, index % 12 + 1);
  return buf;
}

std::string error_section(const std::string& why) {
  return "{\"error\":" + json::quote(why) + "}";
}

// The objects the dashboard reads; null with the reason when missing or refused.
struct sources {
  const object* opportunities = nullptr;
  std::string opportunities_problem;
  const object* tasks = nullptr;
  std::string tasks_problem;
};

sources find_sources(const tool_env& env, const schema_ptr& schema) {
  sources s;
  if (!schema) {
    auto e = schema_unavailable(*env.api);
    s.opportunities_problem = s.tasks_problem = std::string(to_string(e.code)) + ": " + e.message;
    return s;
  }
  auto pick = [&](const char* name, const object*& out, std::string& problem) {
    auto obj = schema->find_object(name);
    if (!obj || !obj->is_active)
      problem = std::string("this workspace has no active '") + name + "' object";
    else if (!allowed(env.config, *obj, operation::read))
      problem = refusal(env.config, *obj, operation::read).message;
    else
      out = obj;
  };
  pick("opportunities", s.opportunities, s.opportunities_problem);
  pick("tasks", s.tasks, s.tasks_problem);
  if (s.opportunities) {
    auto stage = s.opportunities->find_field("stage");
    auto amount = s.opportunities->find_field("amount");
    if (!stage || stage->type != field_type::select || !amount
        || amount->type != field_type::currency) {
      s.opportunities = nullptr;
      s.opportunities_problem = "opportunities have no select 'stage' and currency 'amount'";
    }
  }
  return s;
}

// Sections arrive from several calls at once; the dashboard is written when the last one is in.
class dashboard_run : public std::enable_shared_from_this<dashboard_run> {
public:
  dashboard_run(std::shared_ptr<const tool_env> env, dashboard_params p, ctx_ptr ctx,
                std::function<void(std::string)> done)
    : env_(std::move(env)), p_(p), ctx_(std::move(ctx)), done_(std::move(done)),
      schema_(env_->api->schema()), src_(find_sources(*env_, schema_)) {}

  void start() {
    if (!src_.opportunities) {
      auto why = error_section(src_.opportunities_problem);
      put("pipeline", why), put("trend", why), put("staleDeals", why);
    } else {
      pipeline();
      trend();
      stale_deals();
    }
    if (!src_.tasks)
      put("overdueTasks", error_section(src_.tasks_problem));
    else
      overdue_tasks();
  }

private:
  void put(const std::string& name, std::string text) {
    std::function<void(std::string)> done;
    std::string out;
    {
      std::lock_guard<std::mutex> guard(mtx_);
      sections_[name] = std::move(text);
      if (sections_.size() < 4 || !done_)
        return;
      done = std::move(done_);
      out = assemble();
    }
    done(std::move(out));
  }

  std::string assemble() {
    // Spikes, dips and drops of the monthly series, and the stale open deals.
    sections_["anomalies"] = "{\"series\":" + series_findings_ + ",\"staleDeals\":"
                             + sections_["staleDeals"] + "}";
    std::string out = "{\"generatedAt\":" + json::quote(iso_instant(p_.now));
    for (const char* key : {"pipeline", "trend", "overdueTasks", "anomalies"})
      out += std::string(",\"") + key + "\":" + sections_[key];
    return out + "}";
  }

  // Count and amount of opportunities per `dimension` through twenty_aggregate's path; `fold`
  // turns its rows ([value, count, {code: amount}]) and `via` into the section.
  template <class Fold>
  void aggregate(const std::string& section, const std::string& dimension,
                 const std::string& filter, Fold fold) {
    json::document args(rapidjson::kObjectType);
    auto& a = args.GetAllocator();
    args.AddMember("object", "opportunities", a);
    json::value dims(rapidjson::kArrayType), aggs(rapidjson::kArrayType);
    dims.PushBack(json::str(dimension, a), a);
    aggs.PushBack("count", a).PushBack("sum:amount", a);
    args.AddMember("group_by", dims, a);
    args.AddMember("aggregates", aggs, a);
    if (!filter.empty())
      args.AddMember("filter", json::str(filter, a), a);
    auto self = shared_from_this();
    run_aggregate(env_, args, ctx_, [self, section, fold](std::string result) {
      auto doc = json::parse(result);
      auto table = doc ? json::find(*doc, "structuredContent") : nullptr;
      auto rows = table ? json::find(*table, "rows") : nullptr;
      if (!rows || !rows->IsArray()) {
        auto content = doc ? json::find(*doc, "content") : nullptr;
        auto why = content && content->IsArray() && !content->Empty()
                     ? json::get_string((*content)[0], "text").value_or(result)
                     : result;
        return self->put(section, error_section(why));
      }
      self->put(section, fold(*rows, json::get_string(*table, "via").value_or("")));
    }, priority::bulk);
  }

  // Every stage in pipeline order, zero where no deal is, with its amount per currency.
  void pipeline() {
    std::vector<std::string> stages;
    for (auto& o : src_.opportunities->find_field("stage")->options)
      stages.push_back(o.value);
    aggregate("pipeline", "stage", "", [stages](const json::value& rows, const std::string& via) {
      std::map<std::string, std::string> found; // stage -> its JSON entry
      std::string none;
      for (auto& r : rows.GetArray()) {
        auto stage = r[0].IsString() ? std::string(r[0].GetString()) : std::string();
        auto entry = "{\"stage\":" + (stage.empty() ? std::string("null") : json::quote(stage))
                     + ",\"count\":" + json::stringify(r[1]) + ",\"amount\":"
                     + (r[2].IsObject() ? json::stringify(r[2]) : std::string("{}")) + "}";
        (stage.empty() ? none : found[stage]) = entry;
      }
      std::string out = "{\"via\":" + json::quote(via) + ",\"stages\":[";
      bool first = true;
      auto add = [&](const std::string& e) {
        out += (first ? "" : ",") + e;
        first = false;
      };
      for (auto& s : stages)
        add(found.count(s) ? found[s]
                           : "{\"stage\":" + json::quote(s) + ",\"count\":0,\"amount\":{}}");
      if (!none.empty())
        add(none);
      return out + "]}";
    });
  }

  // New opportunities per month (createdAt, UTC), gaps filled, over the last `months`.
  void trend() {
    auto from = month_start(p_.now, p_.months - 1);
    auto to = month_start(p_.now, -1);
    auto filter = "and(createdAt[gte]:" + from + "T00:00:00.000Z,createdAt[lt]:" + to
                  + "T00:00:00.000Z)";
    auto self = shared_from_this();
    aggregate("trend", "createdAt:month", filter,
              [self, from, to](const json::value& rows, const std::string& via) {
      std::map<std::string, std::pair<std::string, std::string>> by_month;
      for (auto& r : rows.GetArray())
        if (r[0].IsString())
          by_month[r[0].GetString()] = {json::stringify(r[1]),
                                        r[2].IsObject() ? json::stringify(r[2]) : "{}"};
      std::string out = "{\"field\":\"createdAt\",\"granularity\":\"month\",\"via\":"
                        + json::quote(via) + ",\"buckets\":[";
      std::vector<std::pair<std::string, double>> series;
      for (auto m = from; m < to; m = next_bucket(m, granularity::month)) {
        auto it = by_month.find(m);
        auto count = it == by_month.end() ? std::string("0") : it->second.first;
        out += (series.empty() ? "" : ",") + std::string("{\"bucket\":\"") + m + "\",\"count\":"
               + count + ",\"amount\":" + (it == by_month.end() ? "{}" : it->second.second) + "}";
        series.emplace_back(m, std::strtod(count.c_str(), nullptr));
      }
      // The current month is still filling up: its low count is no anomaly.
      if (!series.empty())
        series.pop_back();
      json::document f(rapidjson::kObjectType);
      json::value findings;
      write_findings(series_anomalies(series, {}), findings, f.GetAllocator());
      self->series_findings_ = json::stringify(findings); // read after put()'s lock
      return out + "]}";
    });
  }

  // A count (totalCount) and the first few records of a filtered, sorted REST list; unsorted
  // where this release cannot sort (0.50), learned from its first refusal.
  void list_section(const object& obj, const std::string& section, const std::string& filter,
                    const std::string& order, std::vector<std::string> keep,
                    std::string extra) {
    bool sorted = !env_->learned->order_by_broken;
    request req;
    req.target = with_query("/rest/" + obj.name_plural,
                            {{"limit", std::to_string(examples)},
                             {"filter", filter},
                             {"order_by", sorted ? order : ""}});
    tie_to_caller(req, ctx_, priority::bulk);
    auto self = shared_from_this();
    env_->api->read(std::move(req), {object_tag(obj.name_plural)},
                    [self, &obj, section, filter, order, keep, extra, sorted,
                     plural = obj.name_plural](outcome o) {
      if (!o && sorted && is_broken_order_by(o.error())) {
        self->env_->learned->order_by_broken = true;
        return self->list_section(obj, section, filter, order, keep, extra);
      }
      if (!o)
        return self->put(section, error_section(std::string(to_string(o.error().code)) + ": "
                                                + o.error().message));
      auto body = parse_body(o);
      auto data = body ? json::find(*body, "data") : nullptr;
      auto rows = data ? json::find(*data, plural.c_str()) : nullptr;
      if (!rows || !rows->IsArray())
        return self->put(section, error_section("Twenty answered the " + plural
                                                + " list with an unexpected shape"));
      auto total = json::get_int(*body, "totalCount").value_or(rows->Size());
      std::string out = "{\"count\":" + std::to_string(total) + extra + ",\"oldest\":[";
      bool first = true;
      for (auto& r : rows->GetArray()) {
        out += first ? "{" : ",{";
        first = false;
        for (std::size_t k = 0; k < keep.size(); ++k) {
          auto v = json::find(r, keep[k].c_str());
          out += (k ? ",\"" : "\"") + keep[k] + "\":" + (v ? json::stringify(*v) : "null");
        }
        out += "}";
      }
      self->put(section, out + "]}");
    });
  }

  void overdue_tasks() {
    std::string filter = "dueAt[lt]:" + iso_instant(p_.now);
    if (auto status = src_.tasks->find_field("status"))
      for (auto& o : status->options)
        if (o.value == "DONE")
          filter = "and(" + filter + ",status[neq]:DONE)";
    list_section(*src_.tasks, "overdueTasks", filter, "dueAt[AscNullsLast]",
                 {"id", "title", "dueAt", "status"}, "");
  }

  // Open deals (not in Twenty's won stage) untouched for stale_days.
  void stale_deals() {
    std::string filter = "updatedAt[lt]:" + iso_instant(p_.now - int64_t{p_.stale_days} * 86400);
    for (auto& o : src_.opportunities->find_field("stage")->options)
      if (o.value == "CUSTOMER")
        filter = "and(" + filter + ",stage[neq]:CUSTOMER)";
    list_section(*src_.opportunities, "staleDeals", filter, "updatedAt[AscNullsLast]",
                 {"id", "name", "stage", "updatedAt"},
                 ",\"days\":" + std::to_string(p_.stale_days));
  }

  std::shared_ptr<const tool_env> env_;
  dashboard_params p_;
  ctx_ptr ctx_;
  std::function<void(std::string)> done_;
  schema_ptr schema_; // keeps the sources' objects alive
  sources src_;
  std::mutex mtx_;
  std::map<std::string, std::string> sections_;
  std::string series_findings_ = "[]";
};

} // namespace

void build_dashboard(std::shared_ptr<const tool_env> env, dashboard_params p, ctx_ptr ctx,
                     std::function<void(std::string)> done) {
  auto run = std::make_shared<dashboard_run>(std::move(env), p, std::move(ctx), std::move(done));
  run->start();
}

} // namespace tmcp::twenty::tools

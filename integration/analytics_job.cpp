#include "integration/analytics_job.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "analytics/anomalies.hpp"
#include "analytics/time_zone.hpp"
#include "analytics/trends.hpp"
#include "integration/analytics_graph.hpp"
#include "integration/schema_model.hpp"
#include "integration/url.hpp"

namespace tmcp::twenty {

namespace {

using analytics::granularity;

bool is_date(const field& f) {
  return f.type == field_type::date || f.type == field_type::date_time;
}

std::string str_arg(const json::value& args, const char* key, std::string fallback = "") {
  return json::get_string(args, key).value_or(std::move(fallback));
}

expected<granularity, std::string> parse_grain(const std::string& g) {
  for (auto v : {granularity::day, granularity::week, granularity::month, granularity::quarter,
                 granularity::year})
    if (g == analytics::to_string(v))
      return v;
  return make_unexpected("granularity must be day, week, month, quarter or year; got '" + g + "'");
}

// Scores and anomalies read the pipeline: a select `stage` and a currency `amount`.
std::optional<std::string> check_pipeline(const object& obj, analytics_spec& spec,
                                          const json::value& args, bool deal_weights = true) {
  auto stage = obj.find_field("stage");
  auto amount = obj.find_field("amount");
  if (!stage || stage->type != field_type::select || !amount || amount->type != field_type::currency)
    return "'" + spec.analysis + "' needs an object with a select field 'stage' and a currency "
           "field 'amount' (opportunities)" + (spec.analysis == "scores" ? ", or one such an "
           "object points at (companies)" : "") + "; '" + obj.name_plural + "' is neither";
  for (auto& o : stage->options)
    spec.scoring.stages.push_back(o.value);
  auto closed = json::find(args, "closed_stages");
  if (closed && closed->IsArray()) {
    for (auto& v : closed->GetArray()) {
      std::string s = v.IsString() ? v.GetString() : "";
      if (std::find(spec.scoring.stages.begin(), spec.scoring.stages.end(), s)
          == spec.scoring.stages.end())
        return "closed_stages: '" + s + "' is not a stage of " + obj.name_plural;
      spec.scoring.closed_stages.push_back(s);
    }
  } else if (std::find(spec.scoring.stages.begin(), spec.scoring.stages.end(), "CUSTOMER")
             != spec.scoring.stages.end()) {
    spec.scoring.closed_stages = {"CUSTOMER"}; // Twenty's standard pipeline ends in a won deal
  }
  if (auto w = deal_weights ? json::find(args, "weights") : nullptr) {
    auto weights = analytics::parse_weights(*w);
    if (!weights)
      return weights.error();
    spec.scoring.weights = *weights;
  }
  if (auto days = json::get_int(args, "stale_days")) {
    if (*days < 1 || *days > 3650)
      return std::string("stale_days must be between 1 and 3650");
    spec.scoring.stale_days = static_cast<int>(*days);
  }
  return std::nullopt;
}

// The state of one run: the page loop and whichever engine the analysis feeds.
class analytics_run : public std::enable_shared_from_this<analytics_run> {
public:
  analytics_run(api_ptr api, analytics_spec spec, std::string fairness_key,
                std::shared_ptr<std::atomic<bool>> cancelled, analytics_callbacks cb,
                analytics::time_zone tz)
    : api_(std::move(api)),
      spec_(std::move(spec)),
      fairness_(std::move(fairness_key)),
      cancelled_(std::move(cancelled)),
      cb_(std::move(cb)),
      trend_({spec_.date_field, spec_.value_field, spec_.value_is_currency, spec_.grain}, tz) {}

  void next_page() {
    if (cancelled_ && cancelled_->load())
      return finish(make_unexpected(error{errc::twenty_api_error, 0, "cancelled", ""}));
    request req;
    req.target = with_query("/rest/" + spec_.plural,
                            {{"limit", std::to_string(analytics_page_size)},
                             {"filter", spec_.filter},
                             {"starting_after", cursor_}});
    req.fairness_key = fairness_;
    req.prio = priority::bulk;
    req.cancelled = cancelled_;
    ++pages_;
    api_->read(std::move(req), {object_tag(spec_.plural)},
               [self = shared_from_this()](outcome o) { self->on_page(std::move(o)); });
  }

private:
  void on_page(outcome o) {
    if (!o)
      return finish(make_unexpected(o.error()));
    auto body = json::parse(o->body);
    auto data = body ? json::find(*body, "data") : nullptr;
    if (!data || !data->IsObject() || data->MemberCount() != 1
        || !data->MemberBegin()->value.IsArray())
      return finish(make_unexpected(error{errc::twenty_api_error, o->status,
                                          "Twenty answered a page with an unexpected shape",
                                          o->body.substr(0, 200)}));
    for (auto& rec : data->MemberBegin()->value.GetArray())
      fold(rec);
    if (auto total = json::get_int(*body, "totalCount"))
      total_ = static_cast<uint64_t>(*total);
    if (cb_.progress)
      cb_.progress(read_, total_);
    auto info = json::find(*body, "pageInfo");
    auto more = info && json::get_bool(*info, "hasNextPage").value_or(false);
    auto cursor = info ? json::get_string(*info, "endCursor") : std::nullopt;
    if (!more || !cursor || cursor->empty())
      return finish(result());
    if (pages_ >= spec_.max_pages) {
      stopped_early_ = true;
      return finish(result());
    }
    cursor_ = *cursor;
    next_page();
  }

  // Each record is folded and dropped with its page; deals keep only the facts scoring needs.
  void fold(const json::value& rec) {
    ++read_;
    trend_.add_record(rec);
    if (spec_.analysis != "trends")
      deals_.push_back(analytics::facts_from_record(rec));
  }

  expected<std::string, error> result() {
    json::document out;
    out.SetObject();
    auto& a = out.GetAllocator();
    out.AddMember("analysis", json::str(spec_.analysis, a), a);
    out.AddMember("object", json::str(spec_.plural, a), a);
    out.AddMember("recordsRead", json::value(static_cast<uint64_t>(read_)), a);
    out.AddMember("upstreamPages", json::value(static_cast<uint64_t>(pages_)), a);
    if (stopped_early_)
      out.AddMember("stoppedEarly", "max_pages reached: the answer covers the first pages only", a);
    if (spec_.analysis == "trends") {
      json::document t;
      trend_.write(t);
      out.AddMember("trend", json::value(t, a), a);
    } else if (spec_.analysis == "scores") {
      analytics::write_score_summary(analytics::score_opportunities(deals_, spec_.scoring),
                                     spec_.limit, out, a);
    } else {
      std::vector<std::pair<std::string, double>> series;
      for (auto& p : trend_.points())
        series.emplace_back(p.bucket, static_cast<double>(p.count));
      auto found = analytics::series_anomalies(series, {});
      auto stale = analytics::stale_deals(deals_, spec_.scoring);
      auto outliers = analytics::outlier_amounts(deals_, {});
      found.insert(found.end(), stale.begin(), stale.end());
      found.insert(found.end(), outliers.begin(), outliers.end());
      // Every finding is counted per kind; each kind lists its first `limit`.
      std::map<std::string, uint64_t> per_kind;
      std::vector<analytics::finding> shown;
      for (auto& f : found)
        if (++per_kind[f.kind] <= spec_.limit)
          shown.push_back(f);
      json::value counts(rapidjson::kObjectType);
      for (auto& [kind, n] : per_kind)
        counts.AddMember(json::str(kind, a), json::value(static_cast<uint64_t>(n)), a);
      out.AddMember("counts", counts, a);
      json::value findings;
      analytics::write_findings(shown, findings, a);
      out.AddMember("findings", findings, a);
    }
    return json::stringify(out);
  }

  void finish(expected<std::string, error> r) {
    if (cb_.done)
      cb_.done(std::move(r));
    cb_ = {};
  }

  api_ptr api_;
  analytics_spec spec_;
  std::string fairness_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  analytics_callbacks cb_;
  analytics::trend_series trend_;
  std::vector<analytics::opportunity_facts> deals_;
  std::string cursor_;
  uint64_t read_ = 0, total_ = 0;
  std::size_t pages_ = 0;
  bool stopped_early_ = false;
};

} // namespace

expected<analytics_spec, std::string> parse_analytics_spec(const json::value& args,
                                                           const workspace_schema& schema,
                                                           const object& obj,
                                                           const readable_fn& readable) {
  analytics_spec spec;
  spec.analysis = str_arg(args, "analysis");
  static const char* analyses[] = {"trends", "scores", "anomalies", "relationships", "activity"};
  if (std::find(std::begin(analyses), std::end(analyses), spec.analysis) == std::end(analyses))
    return make_unexpected("analysis must be trends, scores, anomalies, relationships or "
                           "activity; got '" + spec.analysis + "'");
  spec.plural = obj.name_plural;
  spec.filter = str_arg(args, "filter");
  if (!spec.filter.empty())
    if (auto problem = check_filter(obj, spec.filter))
      return make_unexpected(*problem);
  spec.date_field = str_arg(args, "date_field", "createdAt");
  auto date = obj.find_field(spec.date_field);
  if (!date || !is_date(*date))
    return make_unexpected("date_field '" + spec.date_field + "' is not a date field of "
                           + obj.name_plural);
  spec.value_field = str_arg(args, "value_field");
  if (!spec.value_field.empty()) {
    auto v = obj.find_field(spec.value_field);
    if (!v || (v->type != field_type::number && v->type != field_type::currency))
      return make_unexpected("value_field '" + spec.value_field + "' is not a number or currency "
                             "field of " + obj.name_plural);
    spec.value_is_currency = v->type == field_type::currency;
  }
  auto grain = parse_grain(str_arg(args, "granularity", "month"));
  if (!grain)
    return make_unexpected(grain.error());
  spec.grain = *grain;
  spec.time_zone = str_arg(args, "time_zone", "UTC");
  auto tz = analytics::time_zone::load(spec.time_zone);
  if (!tz)
    return make_unexpected(tz.error());
  spec.scoring.now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (auto now = json::get_string(args, "now"))
    if (!analytics::parse_iso_instant(*now, spec.scoring.now))
      return make_unexpected("now must be an ISO-8601 date-time; got '" + *now + "'");
  if (auto pages = json::get_int(args, "max_pages")) {
    if (*pages < 1 || *pages > 5000)
      return make_unexpected(std::string("max_pages must be between 1 and 5000"));
    spec.max_pages = static_cast<std::size_t>(*pages);
  }
  if (auto limit = json::get_int(args, "limit")) {
    if (*limit < 1 || *limit > 10000)
      return make_unexpected(std::string("limit must be between 1 and 10000"));
    spec.limit = static_cast<std::size_t>(*limit);
  }
  if (spec.analysis == "relationships" || spec.analysis == "activity") {
    if (auto problem = parse_entity_analysis(args, schema, obj, readable, spec))
      return make_unexpected(*problem);
    return spec;
  }
  const field* column = nullptr;
  const object* pipeline = nullptr;
  if (spec.analysis == "scores" && !obj.find_field("stage"))
    pipeline = pipeline_pointing_at(schema, obj, &column);
  if (pipeline && readable && !readable(*pipeline))
    return make_unexpected("scores of " + obj.name_plural + " read " + pipeline->name_plural
                           + ", which this server's MCP_PERMISSIONS do not let you read");
  if (pipeline) {
    // Scores of what the pipeline points at (companies): the pipeline's stages, own weights.
    if (auto problem = check_pipeline(*pipeline, spec, args, false))
      return make_unexpected(*problem);
    if (auto problem = parse_company_scores(args, schema, obj, *pipeline, *column, readable, spec))
      return make_unexpected(*problem);
  } else if (spec.analysis != "trends") {
    if (auto problem = check_pipeline(obj, spec, args))
      return make_unexpected(*problem);
  }
  return spec;
}

void run_analytics(api_ptr api, analytics_spec spec, std::string fairness_key,
                   std::shared_ptr<std::atomic<bool>> cancelled, analytics_callbacks cb) {
  if (spec.analysis == "relationships" || spec.analysis == "activity" || spec.companies) {
    auto io = std::make_shared<job_io>();
    io->api = std::move(api);
    io->fairness_key = std::move(fairness_key);
    io->cancelled = std::move(cancelled);
    io->cb = std::move(cb);
    io->max_pages = spec.max_pages;
    if (spec.companies)
      return run_company_scores(std::move(io), std::move(spec));
    return run_entity_job(std::move(io), std::move(spec));
  }
  auto tz = analytics::time_zone::load(spec.time_zone);
  if (!tz) {
    if (cb.done)
      cb.done(make_unexpected(error{errc::schema_validation_error, 0, tz.error(), ""}));
    return;
  }
  auto run = std::make_shared<analytics_run>(std::move(api), std::move(spec),
                                             std::move(fairness_key), std::move(cancelled),
                                             std::move(cb), *tz);
  run->next_page();
}

} // namespace tmcp::twenty

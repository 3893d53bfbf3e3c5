#include "integration/tools/analytics_tool.hpp"

#include "integration/tools/analytics_charts.hpp"
#include "protocol/content.hpp"

#include <algorithm>

namespace tmcp::twenty::tools {

namespace {

// Each analysis's own parameters travel in `options`, described once: the tool list stays short
// for agents that never run analytics. The flat form (options' keys at the top) is accepted too.
constexpr const char* input_schema = R"JSON({"type":"object","properties":{
"action":{"type":"string","enum":["start","status","cancel"],"default":"start"},
"analysis":{"type":"string","enum":["trends","scores","anomalies","relationships","activity"]},
"object":{"type":"string","default":"opportunities"},
"filter":{"type":"string","description":"as in twenty_list_records"},
"record_id":{"type":"string","description":"relationships, activity: the record"},
"options":{"type":"object","description":"date_field (createdAt), value_field, granularity day|week|month|quarter|year, time_zone; weights (scores: {criterion: points}); closed_stages ([CUSTOMER]), stale_days (30); depth 1-4 (2), max_nodes (200), objects (relationships); now, max_pages (500), limit (20)"},
"wait":{"type":"boolean","default":true},
"chart":{"type":"boolean","default":true},
"job_id":{"type":"string","description":"for status, cancel"}}})JSON";

enum class kind { text, integer, object, texts };
struct option_key {
  const char* name;
  kind type;
};
// The schema no longer types these (they sit inside `options`), so their types are checked here.
constexpr option_key option_keys[] = {
  {"date_field", kind::text}, {"value_field", kind::text},    {"granularity", kind::text},
  {"time_zone", kind::text},  {"weights", kind::object},      {"depth", kind::integer},
  {"max_nodes", kind::integer}, {"objects", kind::texts},     {"closed_stages", kind::texts},
  {"stale_days", kind::integer}, {"now", kind::text},         {"max_pages", kind::integer},
  {"limit", kind::integer}};
constexpr const char* top_keys[] = {"action", "analysis", "object", "filter", "record_id",
                                    "options", "wait", "chart", "job_id"};

bool is_top_key(std::string_view key) {
  return std::find_if(std::begin(top_keys), std::end(top_keys),
                      [key](const char* k) { return key == k; })
         != std::end(top_keys);
}

const option_key* find_option(std::string_view key) {
  auto it = std::find_if(std::begin(option_keys), std::end(option_keys),
                         [key](const option_key& k) { return key == k.name; });
  return it == std::end(option_keys) ? nullptr : it;
}

std::optional<std::string> check_type(const option_key& k, const json::value& v) {
  bool ok = false;
  const char* want = "";
  switch (k.type) {
    case kind::text: ok = v.IsString(), want = "a string"; break;
    case kind::integer: ok = v.IsInt64(), want = "an integer"; break;
    case kind::object: ok = v.IsObject(), want = "an object"; break;
    case kind::texts:
      ok = v.IsArray() && std::all_of(v.Begin(), v.End(), [](const json::value& e) {
             return e.IsString();
           });
      want = "an array of strings";
      break;
  }
  if (ok)
    return std::nullopt;
  return std::string(k.name) + " must be " + want + ", got " + json::type_name(v);
}

// One flat argument object for the analysis parser: `options` merged in, unknown keys refused.
expected<json::document, std::string> flatten_options(const json::value& args) {
  json::document flat;
  flat.SetObject();
  auto& a = flat.GetAllocator();
  for (auto& m : args.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key == "options")
      continue;
    auto opt = find_option(key);
    if (!opt && !is_top_key(key))
      return make_unexpected("unknown argument '" + std::string(key) + "'; analysis parameters "
                             "go in options (see its description)");
    if (opt)
      if (auto problem = check_type(*opt, m.value))
        return make_unexpected(*problem);
    flat.AddMember(json::value(m.name, a), json::value(m.value, a), a);
  }
  auto options = json::find(args, "options");
  if (!options)
    return flat;
  if (!options->IsObject())
    return make_unexpected(std::string("options must be an object, got ")
                           + json::type_name(*options));
  for (auto& m : options->GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    auto opt = find_option(key);
    if (!opt)
      return make_unexpected("unknown option '" + key + "'; options are date_field, value_field, "
                             "granularity, time_zone, weights, depth, max_nodes, objects, "
                             "closed_stages, stale_days, now, max_pages, limit");
    if (auto problem = check_type(*opt, m.value))
      return make_unexpected(*problem);
    if (flat.HasMember(key.c_str()))
      return make_unexpected("'" + key + "' is given both in options and beside it; give it once");
    flat.AddMember(json::value(m.name, a), json::value(m.value, a), a);
  }
  return flat;
}

constexpr const char* jobs_prefix = "twenty://analytics/jobs/";

std::string job_resource(const std::string& id) { return jobs_prefix + id; }

// Runs one job; with `wait`, the call lasts as long as the job (progress, cancel, result).
void launch(const jobs_ptr& jobs, analytics_spec spec, bool wait, bool charts, const ctx_ptr& ctx) {
  analytics_callbacks watch;
  if (wait) {
    watch.progress = [ctx](uint64_t read, uint64_t total) {
      ctx->progress(static_cast<double>(read),
                    total > 0 ? std::optional<double>(static_cast<double>(total)) : std::nullopt,
                    std::to_string(read) + " records read");
    };
    watch.done = [ctx, charts](expected<std::string, error> status) {
      if (!status)
        return ctx->reply(error_result(status.error()));
      ctx->reply(result_with_charts(*status, charts));
    };
  }
  jobs->start(std::move(spec), ctx->session_id(), std::move(watch),
              [ctx, jobs, wait](expected<std::string, error> id) {
                if (!id)
                  return ctx->reply(error_result(id.error()));
                if (wait) {
                  // A client's cancellation (of the request or its task) stops the job.
                  ctx->on_cancel([jobs, job = *id] { jobs->cancel(job); });
                  return;
                }
                ctx->reply(structured_result("{\"jobId\":" + json::quote(*id)
                                             + ",\"state\":\"running\",\"resource\":"
                                             + json::quote(job_resource(*id)) + "}"));
              });
}

void start(const tool_env& env, const json::value& given, ctx_ptr ctx) {
  auto flat = flatten_options(given);
  if (!flat)
    return ctx->reply(input_error(flat.error()));
  const json::value& args = *flat;
  auto r = resolve_object(env, json::get_string(args, "object").value_or("opportunities"),
                          operation::read);
  if (!r.obj)
    return ctx->reply(r.error_result);
  auto spec = parse_analytics_spec(args, *r.schema, *r.obj, [&env](const object& o) {
    return allowed(env.config, o, operation::read);
  });
  if (!spec)
    return ctx->reply(input_error(spec.error()));
  // Charts by default: a picture is what a person asking for a trend wants; chart:false saves
  // the image's tokens for agents that only read the numbers.
  auto charts = json::get_bool(args, "chart").value_or(true);
  if (!json::get_bool(args, "wait").value_or(true))
    return launch(env.jobs, std::move(*spec), false, false, ctx);
  // Waiting on a job is long work: a client that follows tasks gets a task to poll instead.
  ctx->as_task([jobs = env.jobs, spec = std::move(*spec), charts](ctx_ptr t) {
    launch(jobs, spec, true, charts, t);
  });
}

void status_or_cancel(const tool_env& env, bool cancel, const json::value& args, ctx_ptr ctx) {
  auto id = json::get_string(args, "job_id").value_or("");
  if (id.empty())
    return ctx->reply(input_error("'job_id' is required for status and cancel (the jobId a start "
                                  "answered)"));
  auto jobs = env.jobs;
  auto charts = !cancel && json::get_bool(args, "chart").value_or(true);
  jobs->status(id, [ctx, jobs, id, cancel, charts](std::optional<std::string> status) {
    if (!status)
      return ctx->reply(input_error("unknown analytics job '" + id + "' (finished jobs are kept "
                                    "until 64 newer ones have ended)"));
    if (cancel)
      jobs->cancel(id);
    ctx->reply(result_with_charts(*status, charts));
  });
}

} // namespace

void add_analytics_tool(catalog& cat, std::shared_ptr<const tool_env> env) {
  if (!env->jobs)
    return;
  tool_spec spec{"twenty_analytics", "Analyse CRM data",
                 "Trends (count, sum and change per period), scores with reasons (opportunities, "
                 "companies), anomalies (spikes, drops, stale deals, outlier amounts), the "
                 "relationships around a record or its activity (timeline, cadence, overdue), "
                 "as a job with progress and PNG charts.",
                 input_schema, "", read_only_hints()};
  spec.tasks = task_support::optional;
  cat.add_tool(spec, [env](const json::value& args, ctx_ptr ctx) {
    auto action = json::get_string(args, "action").value_or("start");
    if (action == "start")
      return start(*env, args, std::move(ctx));
    status_or_cancel(*env, action == "cancel", args, std::move(ctx));
  });
  cat.add_template({"twenty://analytics/jobs/{id}", "analytics-job", "An analytics job",
                    "The status of a twenty_analytics job (state, records read) and its result "
                    "once done.",
                    "application/json"},
                   [env](const std::string& uri, const uri_vars& vars, ctx_ptr ctx) {
                     env->jobs->status(vars.at("id"), [uri, ctx](std::optional<std::string> s) {
                       if (!s)
                         return ctx->fail(make_rpc_error(rpc_errc::resource_not_found,
                                                         "Resource not found: " + uri
                                                           + "; no such analytics job",
                                                         "{\"uri\":" + json::quote(uri) + "}"));
                       ctx->reply(read_text_result(uri, "application/json", *s));
                     });
                   });
}

} // namespace tmcp::twenty::tools

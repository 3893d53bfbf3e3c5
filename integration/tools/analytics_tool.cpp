#include "integration/tools/analytics_tool.hpp"

#include "integration/tools/analytics_charts.hpp"
#include "protocol/content.hpp"

namespace tmcp::twenty::tools {

namespace {

constexpr const char* input_schema = R"JSON({"type":"object","properties":{
"action":{"type":"string","enum":["start","status","cancel"],"default":"start"},
"analysis":{"type":"string","enum":["trends","scores","anomalies","relationships","activity"]},
"object":{"type":"string","default":"opportunities"},
"filter":{"type":"string","description":"as in twenty_list_records"},
"date_field":{"type":"string","default":"createdAt"},
"value_field":{"type":"string","description":"number or currency field to sum"},
"granularity":{"type":"string","enum":["day","week","month","quarter","year"],"default":"month"},
"time_zone":{"type":"string","default":"UTC"},
"weights":{"type":"object","description":"scores: points for stage, amount, recency, age, close_date, overdue_tasks; of companies: pipeline, stage, recency, overdue_tasks, people"},
"record_id":{"type":"string","description":"relationships, activity: the record"},
"depth":{"type":"integer","default":2,"description":"relationships: hops, 1-4"},
"max_nodes":{"type":"integer","default":200},
"objects":{"type":"array","items":{"type":"string"},"description":"relationships: objects to cross"},
"closed_stages":{"type":"array","items":{"type":"string"},"default":["CUSTOMER"]},
"stale_days":{"type":"integer","default":30},
"now":{"type":"string","description":"date-time for ages; default now"},
"max_pages":{"type":"integer","default":500,"description":"of 200 records"},
"limit":{"type":"integer","default":20,"description":"listed per kind; all counted"},
"wait":{"type":"boolean","default":true},
"chart":{"type":"boolean","default":true},
"job_id":{"type":"string","description":"for status, cancel"}},
"additionalProperties":false})JSON";

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
              [ctx, jobs, wait](expected<std::string, std::string> id) {
                if (!id)
                  return ctx->reply(error_result(error{errc::twenty_api_error, 0, id.error(), ""}));
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

void start(const tool_env& env, const json::value& args, ctx_ptr ctx) {
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

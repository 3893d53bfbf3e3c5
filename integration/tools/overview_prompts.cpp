// The prompts about the workspace as a whole, with live figures embedded: analyze_crm_data
// (schema summary, counts per object, an object's breakdown per select field) and
// identify_opportunities (pipeline by stage, scores with reasons, stale deals and outliers).
// Figures come from twenty_aggregate's engine and the analytics jobs, not from new bulk reads.
#include <atomic>
#include <mutex>

#include "integration/tools/aggregate_tool.hpp"
#include "integration/tools/prompt_data.hpp"
#include "integration/tools/prompt_texts.hpp"
#include "integration/tools/registry.hpp"
#include "integration/tools/schema_describe.hpp"
#include "integration/tools/schema_hints.hpp"
#include "protocol/tasks.hpp"

namespace tmcp::twenty::tools {

namespace {

using namespace live;

constexpr std::size_t max_counted_objects = 20;
constexpr std::size_t max_breakdowns = 3;
constexpr std::size_t listed = 10;        // scores and findings per kind
constexpr int closing_days = 30;
constexpr const char* prompt_max_pages = "50"; // 10,000 opportunities per analytics job

std::string error_text(const json::document& result) {
  auto content = json::find(result, "content");
  if (content && content->IsArray() && !content->Empty())
    if (auto t = json::get_string((*content)[0], "text"))
      return *t;
  return "the aggregation failed";
}

// One twenty_aggregate query (its arguments as JSON text) embedded as its table.
step aggregate_step(std::shared_ptr<const tool_env> env, ctx_ptr ctx, std::string uri,
                    std::string args) {
  return [env, ctx, uri, args](std::function<void(embed)> put) {
    auto parsed = json::parse(args);
    run_aggregate(env, *parsed, ctx, [put, uri](std::string result) {
      auto d = json::parse(result);
      auto table = d ? json::find(*d, "structuredContent") : nullptr;
      if (!table)
        return put({uri, "", d ? error_text(*d) : "the aggregation failed"});
      put({uri, json::stringify(*table), ""});
    });
  };
}

// The single count of an ungrouped aggregate table; -1 when missing.
int64_t single_count(const std::string& table) {
  auto d = json::parse(table);
  auto rows = d ? json::find(*d, "rows") : nullptr;
  if (!rows || !rows->IsArray() || rows->Empty() || !(*rows)[0].IsArray() || (*rows)[0].Empty())
    return -1;
  auto& v = (*rows)[0][(*rows)[0].Size() - 1];
  return v.IsNumber() ? static_cast<int64_t>(v.GetDouble()) : -1;
}

std::string count_args(const std::string& plural, const std::string& filter) {
  return "{\"object\":" + json::quote(plural) + ",\"aggregates\":[\"count\"]"
         + (filter.empty() ? "" : ",\"filter\":" + json::quote(filter)) + "}";
}

// --- analyze_crm_data ----------------------------------------------------------------------

std::vector<const object*> readable_objects(const tool_env& env, const workspace_schema& schema) {
  std::vector<const object*> out;
  for (const auto& o : schema.objects)
    if (o.is_active && !o.is_system && allowed(env.config, o, operation::read))
      out.push_back(&o);
  return out;
}

std::string schema_summary(const tool_env& env, const workspace_schema& schema) {
  json::document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  json::value objects(rapidjson::kArrayType);
  for (auto o : readable_objects(env, schema)) {
    json::value e(rapidjson::kObjectType);
    e.AddMember("object", json::str(o->name_plural, a), a);
    e.AddMember("label", json::str(prompts::label_of(*o), a), a);
    json::value selects(rapidjson::kObjectType), relations(rapidjson::kArrayType);
    std::size_t fields = 0;
    for (const auto& f : o->fields) {
      if (!f.is_active || f.is_system)
        continue;
      ++fields;
      if (f.type == field_type::select && !f.options.empty()) {
        json::value values(rapidjson::kArrayType);
        for (const auto& opt : f.options)
          values.PushBack(json::str(opt.value, a), a);
        selects.AddMember(json::str(f.name, a), values, a);
      }
      auto target = f.type == field_type::relation ? schema.find_object(f.relation_target_object)
                                                   : nullptr;
      if (target && !target->is_system && allowed(env.config, *target, operation::read))
        relations.PushBack(json::str(f.name + (f.is_many_to_one() ? " -> " : " ->> ")
                                       + target->name_plural, a),
                           a);
    }
    e.AddMember("fields", static_cast<uint64_t>(fields), a);
    if (selects.MemberCount())
      e.AddMember("selects", selects, a);
    if (!relations.Empty())
      e.AddMember("relations", relations, a);
    objects.PushBack(e, a);
  }
  out.AddMember("objects", objects, a);
  out.AddMember("legend", "relations: field -> one record, field ->> many records", a);
  return json::stringify(out);
}

// Counts of every readable object (and those created since `since`), one aggregate each.
step counts_step(std::shared_ptr<const tool_env> env, ctx_ptr ctx, schema_ptr schema,
                 std::string since) {
  return [env, ctx, schema, since](std::function<void(embed)> put) {
    auto objects = readable_objects(*env, *schema);
    std::size_t left_out = objects.size() > max_counted_objects
                             ? objects.size() - max_counted_objects : 0;
    objects.resize(objects.size() - left_out);
    std::vector<step> counts;
    for (auto o : objects) {
      counts.push_back(aggregate_step(env, ctx, o->name_plural, count_args(o->name_plural, "")));
      if (!since.empty())
        counts.push_back(aggregate_step(env, ctx, o->name_plural,
                                        count_args(o->name_plural,
                                                   "createdAt[gte]:\"" + since + "\"")));
    }
    gather(std::move(counts), [put, since, left_out](std::vector<embed> parts) {
      json::document out(rapidjson::kObjectType);
      auto& a = out.GetAllocator();
      if (!since.empty())
        out.AddMember("since", json::str(since, a), a);
      json::value rows(rapidjson::kArrayType);
      std::size_t step = since.empty() ? 1 : 2;
      for (std::size_t i = 0; i < parts.size(); i += step) {
        json::value e(rapidjson::kObjectType);
        e.AddMember("object", json::str(parts[i].uri, a), a);
        if (!parts[i].missing.empty())
          e.AddMember("error", json::str(parts[i].missing, a), a);
        else
          e.AddMember("total", single_count(parts[i].json), a);
        if (step == 2 && parts[i + 1].missing.empty())
          e.AddMember("createdSince", single_count(parts[i + 1].json), a);
        rows.PushBack(e, a);
      }
      out.AddMember("counts", rows, a);
      if (left_out)
        out.AddMember("objectsLeftOut", static_cast<uint64_t>(left_out), a);
      put({"twenty://analytics/counts", json::stringify(out), ""});
    });
  };
}

const std::vector<std::pair<std::string, int>>& periods() {
  static const std::vector<std::pair<std::string, int>> p{
    {"all", 0}, {"last_7_days", 7}, {"last_30_days", 30}, {"last_90_days", 90},
    {"last_365_days", 365}};
  return p;
}

void analyze_crm_data(const std::shared_ptr<const tool_env>& env, const json::value& args,
                      ctx_ptr ctx, const std::string& description) {
  auto schema = env->api->schema();
  if (!schema)
    return ctx->fail(to_rpc(fault{false, schema_unavailable(*env->api).message}));
  auto object = arg(args, "object");
  target focus_obj;
  if (!object.empty()) {
    auto t = readable(*env, object);
    if (!t)
      return ctx->fail(to_rpc(t.error()));
    focus_obj = *t;
  }
  auto period = arg(args, "period").empty() ? std::string("all") : arg(args, "period");
  int days = 0;
  for (const auto& [name, d] : periods())
    if (name == period)
      days = d;
  auto now = now_or("");
  auto since = days ? iso_time(*now - int64_t(days) * 86400000) : std::string();
  auto schema_json = schema_summary(*env, *schema);
  std::vector<step> steps{
    [schema_json](std::function<void(embed)> put) {
      put({"twenty://schema/summary", schema_json, ""});
    },
    counts_step(env, ctx, schema, since)};
  std::string breakdowns;
  if (focus_obj.obj) {
    const auto& o = *focus_obj.obj;
    auto fields = describe_object(o, schema_detail::brief);
    steps.push_back([uri = "twenty://fields/" + o.name_plural, fields](std::function<void(embed)> put) {
      put({uri, fields, ""});
    });
    std::string sum;
    for (const auto& f : o.fields)
      if (f.is_active && !f.is_system && f.type == field_type::currency && sum.empty())
        sum = ",\"sum:" + f.name + "\"";
    std::size_t n = 0;
    for (const auto& f : o.fields) {
      if (!f.is_active || f.is_system || f.type != field_type::select || n == max_breakdowns)
        continue;
      ++n;
      breakdowns += (breakdowns.empty() ? "" : ", ") + f.name;
      steps.push_back(aggregate_step(
        env, ctx, "twenty://analytics/" + o.name_plural + "/by/" + f.name,
        "{\"object\":" + json::quote(o.name_plural) + ",\"group_by\":[" + json::quote(f.name)
          + "],\"aggregates\":[\"count\"" + sum + "]"
          + (since.empty() ? "" : ",\"filter\":" + json::quote("createdAt[gte]:\"" + since + "\""))
          + "}"));
    }
  }
  auto focus = arg(args, "focus");
  auto text =
    "Analyse the data of this Twenty CRM workspace"
    + (focus_obj.obj ? ", concentrating on " + focus_obj.obj->name_plural : std::string())
    + (days ? " over the " + std::to_string(days) + " days since " + since : std::string())
    + (focus.empty() ? "" : ", with a focus on " + focus) + ".\n"
    "The embedded resources hold the schema (objects, select options, relations), the number of "
    "records of each object" + (days ? " and how many were created in the period" : "")
    + (focus_obj.obj ? ", the fields of " + focus_obj.obj->name_plural
                         + (breakdowns.empty() ? "" : " and its records per " + breakdowns)
                     : std::string())
    + ".\nGive the three to five insights that matter most (size and shape of the data, "
      "concentrations, gaps such as empty stages or objects nobody uses, growth), each with the "
      "figures behind it, then the questions worth asking next and the tool call that answers "
      "each (twenty_aggregate for counts and sums per group, twenty_analytics for trends, scores "
      "and anomalies).";
  reply_gathered(std::move(steps), ctx, description, text);
}

// --- identify_opportunities ----------------------------------------------------------------

void identify_with(const std::shared_ptr<const tool_env>& env, const ctx_ptr& ctx,
                   const target& opp, const std::string& filter, const std::string& scope,
                   const json::value& args, const std::string& description) {
  auto stages = select_values(*opp.obj, "stage");
  auto stale = arg(args, "stale_days").empty() ? std::string("30") : arg(args, "stale_days");
  auto as_of = arg(args, "as_of");
  std::string common = "\"object\":" + json::quote(opp.obj->name_plural)
                       + ",\"limit\":" + std::to_string(listed) + ",\"max_pages\":"
                       + prompt_max_pages + ",\"stale_days\":" + stale
                       + (filter.empty() ? "" : ",\"filter\":" + json::quote(filter))
                       + (as_of.empty() ? "" : ",\"now\":" + json::quote(as_of))
                       + (stages.empty() ? "" : ",\"closed_stages\":[" + json::quote(stages.back()) + "]");
  auto mark = new_read_mark();
  bool has_amount = opp.obj->find_field("amount") != nullptr;
  bool has_stage = !stages.empty();
  std::vector<step> steps{
    aggregate_step(env, ctx, "twenty://analytics/pipeline",
                   "{\"object\":" + json::quote(opp.obj->name_plural)
                     + (has_stage ? ",\"group_by\":[\"stage\"]" : "") + ",\"aggregates\":[\"count\""
                     + (has_amount ? ",\"sum:amount\"" : "") + "]"
                     + (filter.empty() ? "" : ",\"filter\":" + json::quote(filter)) + "}"),
    job_step(env, ctx, opp, "twenty://analytics/opportunity-scores",
             "{\"analysis\":\"scores\"," + common + "}", mark),
    job_step(env, ctx, opp, "twenty://analytics/opportunity-anomalies",
             "{\"analysis\":\"anomalies\"," + common + "}", mark)};
  auto now = now_or(as_of);
  if (opp.obj->find_field("closeDate"))
    steps.push_back(list_step(
      env, ctx, opp, "twenty://analytics/closing-soon", listed,
      (filter.empty() ? "" : filter + ",") + "closeDate[gte]:\"" + iso_time(*now)
        + "\",closeDate[lte]:\"" + iso_time(*now + int64_t(closing_days) * 86400000) + "\""
        + (stages.empty() ? "" : ",stage[neq]:" + stages.back())));
  auto focus = arg(args, "focus");
  auto text =
    "Identify the opportunities worth acting on" + scope
    + (focus.empty() || focus == "all" ? "" : ", concentrating on " + focus + " deals") + ".\n"
    "The embedded resources hold the pipeline per stage (count and amount per currency), "
    "every open opportunity scored with the points and reasons per criterion (the top "
    + std::to_string(listed) + " listed, the distribution of all), and the anomalies: stale "
    "deals without activity for " + stale + " days, outlier amounts and sudden drops, each with "
    "its evidence, and the open deals closing within " + std::to_string(closing_days)
    + " days.\nName the deals to push (high score, close date near), the deals at risk "
    "(stale, close date slipping) and the gaps in the pipeline (thin stages); for each, the "
    "opportunity, why (cite the reason or finding) and the next step. Ask me before changing any "
    "record.";
  reply_gathered(std::move(steps), ctx, description, text);
}

void identify_opportunities(const std::shared_ptr<const tool_env>& env, const json::value& args,
                            ctx_ptr ctx, const std::string& description) {
  auto opp = readable(*env, "opportunities");
  if (!opp)
    return ctx->fail(to_rpc(opp.error()));
  auto stale = arg(args, "stale_days");
  if (!stale.empty() && (std::atoi(stale.c_str()) < 1 || std::atoi(stale.c_str()) > 3650
                         || std::to_string(std::atoi(stale.c_str())) != stale))
    return ctx->fail(to_rpc(fault{true, "'stale_days' must be a whole number of days from 1 to "
                                        "3650; got '" + stale + "'"}));
  if (auto as_of = arg(args, "as_of"); !as_of.empty())
    if (auto now = now_or(as_of); !now)
      return ctx->fail(to_rpc(now.error()));
  std::string filter, scope;
  auto stage = arg(args, "stage");
  if (!stage.empty()) {
    auto stages = select_values(*opp->obj, "stage");
    if (std::find(stages.begin(), stages.end(), stage) == stages.end())
      return ctx->fail(to_rpc(fault{true, "'" + stage + "' is not an opportunity stage; the "
                                          "stages are " + prompts::join_values(stages)}));
    filter = "stage[eq]:" + stage;
    scope = " at stage " + stage;
  }
  auto company = arg(args, "company");
  if (company.empty())
    return identify_with(env, ctx, *opp, filter, scope, args, description);
  auto companies = readable(*env, "companies");
  if (!companies)
    return ctx->fail(to_rpc(companies.error()));
  std::string column;
  for (const auto& f : opp->obj->fields)
    if (f.is_many_to_one() && f.relation_target_object == companies->obj->name_singular)
      column = f.join_column;
  auto args_copy = std::make_shared<json::document>(json::clone(args));
  find_record(*env, ctx, companies->schema, *companies->obj, company,
              [=](expected<json::document, fault> body) {
    if (!body)
      return ctx->fail(to_rpc(body.error()));
    const auto& rec = rows_of(*body)[0];
    auto id = json::get_string(rec, "id").value_or("");
    auto with_company = (filter.empty() ? "" : filter + ",") + column + "[eq]:" + id;
    identify_with(env, ctx, *opp, with_company,
                  " of the company '" + display_name(*companies->obj, rec) + "' (" + id + ")"
                    + scope,
                  *args_copy, description);
  });
}

} // namespace

void add_overview_prompts(catalog& cat, std::shared_ptr<const tool_env> env) {
  std::vector<std::string> period_names;
  for (const auto& p : periods())
    period_names.push_back(p.first);
  std::string analyze = "Insights from the CRM data, with the schema summary and the number of "
                        "records per object embedded (and one object's breakdown per select "
                        "field when named).";
  add_live_prompt(cat, env,
                  {"analyze_crm_data", "Analyse CRM data", analyze,
                   {{"object", "An object to concentrate on (opportunities, companies, ...)", false},
                    {"period", "all (default), last_7_days, last_30_days, last_90_days or "
                               "last_365_days: records created since", false},
                    {"focus", "What to look for (data quality, growth, ...)", false}}},
                  {{"period", period_names}}, "companies",
                  [env, analyze](const json::value& args, ctx_ptr ctx) {
                    analyze_crm_data(env, args, std::move(ctx), analyze);
                  });
  std::string identify = "Deals to push, deals at risk and pipeline gaps, with the pipeline by "
                         "stage, opportunity scores with reasons and stale or outlier deals "
                         "embedded.";
  add_live_prompt(cat, env,
                  {"identify_opportunities", "Identify opportunities", identify,
                   {{"company", "Only this company's opportunities: its name (completed by "
                                "search) or id", false},
                    {"stage", "Only opportunities at this stage", false},
                    {"focus", "all (default), high_value, at_risk, stale or closing_soon", false},
                    {"stale_days", "Days without activity that make a deal stale; default 30",
                     false},
                    {"as_of", "The date to judge ages by (ISO-8601); default now", false}}},
                  {{"focus", {"all", "high_value", "at_risk", "stale", "closing_soon"}}},
                  "opportunities",
                  [env, identify](const json::value& args, ctx_ptr ctx) {
                    identify_opportunities(env, args, std::move(ctx), identify);
                  });
}

} // namespace tmcp::twenty::tools

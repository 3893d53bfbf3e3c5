#include "integration/tools/aggregate_tool.hpp"

#include <atomic>
#include <mutex>

#include "analytics/group_table.hpp"
#include "analytics/twenty_group_by.hpp"
#include "integration/graphql_query.hpp"
#include "integration/url.hpp"

namespace tmcp::twenty::tools {

namespace {

using namespace tmcp::analytics;

constexpr const char* aggregate_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string"},
"filter":{"type":"string","description":"as in twenty_list_records"},
"group_by":{"type":"array","items":{"type":"string"},"maxItems":3,"description":"fields; relations by name (company); dates per day|week|month|quarter|year (closeDate:month)"},
"aggregates":{"type":"array","items":{"type":"string"},"description":"count (default) or op:field (sum:amount); op sum avg min max countEmpty countNotEmpty countUniqueValues percentEmpty"},
"order_by":{"type":"string","description":"a column, e.g. count desc"},
"limit":{"type":"integer","minimum":1,"maximum":1000},
"time_zone":{"type":"string","default":"UTC"}},
"required":["object"],"additionalProperties":false})JSON";

// Pages of 200 records read at most, when Twenty's groupBy cannot answer (10,000 records).
constexpr int max_pages = 50;
constexpr std::size_t max_groups = 1000;

enum support : int { unknown = 0, present = 1, absent = 2 };

std::string pascal(const std::string& s) {
  std::string out = s;
  if (!out.empty())
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

value_kind kind_of(const field& f) {
  switch (f.type) {
    case field_type::text:
    case field_type::uuid:
    case field_type::rich_text_deprecated: return value_kind::text;
    case field_type::number:
    case field_type::numeric:
    case field_type::position: return value_kind::number;
    case field_type::currency: return value_kind::currency;
    case field_type::date:
    case field_type::date_time: return value_kind::date;
    case field_type::boolean: return value_kind::boolean;
    case field_type::select:
    case field_type::rating: return value_kind::select;
    case field_type::relation: return value_kind::relation;
    default: return is_composite(f.type) ? value_kind::composite : value_kind::other;
  }
}

struct query_plan {
  schema_ptr schema;
  const object* obj = nullptr;
  group_query q;
  time_zone tz;
  std::string rest_filter;
  std::string error; // an isError result, when set
};

query_plan plan(const tool_env& env, const json::value& args) {
  query_plan p;
  auto r = resolve_object(env, json::get_string(args, "object").value_or(""), operation::read);
  if (!r.obj) {
    p.error = r.error_result;
    return p;
  }
  p.schema = r.schema;
  p.obj = r.obj;
  auto fields = aggregate_fields(*r.obj);
  auto fail = [&](const std::string& msg) {
    p.error = input_error(msg);
    return p;
  };
  for (const auto& text : string_list(args, "group_by")) {
    auto d = parse_dimension(text, fields);
    if (!d)
      return fail(d.error());
    p.q.dims.push_back(std::move(*d));
  }
  if (p.q.dims.size() > max_dimensions)
    return fail("group_by takes at most 3 fields");
  auto aggs = string_list(args, "aggregates");
  if (aggs.empty())
    aggs.emplace_back("count");
  for (const auto& text : aggs) {
    auto a = parse_aggregate(text, fields);
    if (!a)
      return fail(a.error());
    p.q.aggs.push_back(std::move(*a));
  }
  if (auto order = json::get_string(args, "order_by"); order && !order->empty()) {
    auto o = parse_order(*order, p.q);
    if (!o)
      return fail(o.error());
    p.q.order = *o;
  }
  p.q.limit = static_cast<std::size_t>(json::get_int(args, "limit").value_or(0));
  p.q.time_zone = json::get_string(args, "time_zone").value_or("UTC");
  auto tz = time_zone::load(p.q.time_zone);
  if (!tz)
    return fail(tz.error());
  p.tz = *tz;
  p.rest_filter = json::get_string(args, "filter").value_or("");
  if (!p.rest_filter.empty())
    if (auto problem = check_filter(*r.obj, p.rest_filter))
      return fail(*problem);
  return p;
}

// The answer around the table: where the numbers came from, and what was left out.
void reply_table(const aggregate_done& done, const query_plan& p, const group_table& t,
                 const std::string& via, const std::string& note, std::size_t max_bytes) {
  json::document out;
  out.SetObject();
  auto& a = out.GetAllocator();
  out.AddMember("object", json::str(p.obj->name_plural, a), a);
  t.write(out);
  out.AddMember("via", json::str(via, a), a);
  if (via == "pages")
    out.AddMember("records", static_cast<uint64_t>(t.records_read()), a);
  if (!note.empty())
    out.AddMember("note", json::str(note, a), a);
  auto text = json::stringify(out);
  if (text.size() > max_bytes)
    return done(input_error("the answer has " + std::to_string(t.group_count())
                            + " groups, over the size limit; set a limit or a filter"));
  done(structured_result(text));
}

// Reads the records page by page (200 each) and folds each page into the table before the
// next is asked for, so memory holds the groups, never the records.
struct page_reader : std::enable_shared_from_this<page_reader> {
  std::shared_ptr<const tool_env> env;
  ctx_ptr ctx;
  aggregate_done done;
  query_plan p;
  group_table table;
  std::string reason;
  int pages = 0;

  page_reader(std::shared_ptr<const tool_env> e, ctx_ptr c, aggregate_done d, query_plan plan,
              std::string why)
    : env(std::move(e)), ctx(std::move(c)), done(std::move(d)), p(std::move(plan)),
      table(p.q, p.tz), reason(std::move(why)) {}

  void next(const std::string& cursor) {
    if (ctx->cancelled())
      return;
    request req;
    req.target = with_query("/rest/" + p.obj->name_plural, {{"limit", "200"},
                                                            {"filter", p.rest_filter},
                                                            {"starting_after", cursor}});
    // Page reads are bulk work: they queue behind the session's interactive calls.
    tie_to_caller(req, ctx, priority::bulk);
    auto self = shared_from_this();
    env->api->read(std::move(req), {object_tag(p.obj->name_plural)},
                   [self](outcome o) { self->on_page(std::move(o)); });
  }

  void on_page(outcome o) {
    if (!o)
      return done(error_result(o.error()));
    std::string cursor;
    int64_t total = 0;
    {
      auto body = parse_body(o);
      auto data = body ? json::find(*body, "data") : nullptr;
      if (!data || !data->IsObject() || data->MemberCount() != 1
          || !data->MemberBegin()->value.IsArray())
        return done(error_result(error{errc::twenty_api_error, o->status,
                                             "Twenty answered a page with an unexpected shape",
                                             o->body.substr(0, 200)}));
      for (const auto& rec : data->MemberBegin()->value.GetArray())
        table.add_record(rec);
      total = json::get_int(*body, "totalCount").value_or(0);
      if (auto info = json::find(*body, "pageInfo"))
        if (json::get_bool(*info, "hasNextPage").value_or(false))
          cursor = json::get_string(*info, "endCursor").value_or("");
    }
    ++pages;
    ctx->progress(static_cast<double>(table.records_read()),
                  total > 0 ? std::optional<double>(static_cast<double>(total)) : std::nullopt);
    if (!cursor.empty() && pages < max_pages)
      return next(cursor);
    auto note = reason + "; read " + std::to_string(pages) + (pages == 1 ? " page" : " pages");
    if (!cursor.empty())
      note += ", stopped after " + std::to_string(table.records_read()) + " of "
              + std::to_string(total) + " records: narrow the filter for exact numbers";
    reply_table(done, p, table, "pages", note, env->config.max_output_bytes);
  }
};

void read_pages(std::shared_ptr<const tool_env> env, ctx_ptr ctx, aggregate_done done,
                query_plan p, std::string reason) {
  auto reader = std::make_shared<page_reader>(std::move(env), std::move(ctx), std::move(done),
                                              std::move(p), std::move(reason));
  reader->next("");
}

// Twenty's groupBy: every call at once; the answer when all are in. A release without it
// (a GraphQL validation error) turns the same question into a page read.
struct group_by_run {
  std::mutex mtx;
  std::shared_ptr<const tool_env> env;
  ctx_ptr ctx;
  aggregate_done done;
  query_plan p;
  group_table table;
  std::vector<group_by_call> calls;
  std::size_t left = 0;
  bool missing = false;
  std::string error;
  std::string note;

  group_by_run(std::shared_ptr<const tool_env> e, ctx_ptr c, aggregate_done d, query_plan plan)
    : env(std::move(e)), ctx(std::move(c)), done(std::move(d)), p(std::move(plan)),
      table(p.q, p.tz) {}
};

void run_group_by(std::shared_ptr<const tool_env> env, ctx_ptr ctx, aggregate_done done,
                  query_plan p, std::string graphql_filter_json,
                  std::shared_ptr<std::atomic<int>> supported, priority prio) {
  auto run = std::make_shared<group_by_run>(env, ctx, std::move(done), std::move(p));
  group_by_target target{run->p.obj->name_plural, pascal(run->p.obj->name_singular) + "FilterInput",
                         std::move(graphql_filter_json), max_groups};
  run->calls = group_by_calls(run->p.q, target);
  run->left = run->calls.size();
  for (std::size_t i = 0; i < run->calls.size(); ++i) {
    request req;
    req.method = verb::post;
    req.target = "/graphql";
    req.body = run->calls[i].body;
    req.kind = api::graphql;
    tie_to_caller(req, ctx, prio);
    env->api->read(std::move(req), {object_tag(run->p.obj->name_plural)},
                   [run, i, supported](outcome o) {
      bool last = false;
      {
        std::lock_guard<std::mutex> guard(run->mtx);
        if (!o) {
          // The gateway turns GraphQL `errors` into failures; a missing field means no groupBy.
          if (names_missing_field(o.error().upstream) || names_missing_field(o.error().message))
            run->missing = true;
          else if (run->error.empty())
            run->error = error_result(o.error());
        } else {
          auto answer = read_group_by_answer(run->calls[i], o->body, run->table);
          run->missing = run->missing || answer.no_group_by;
          if (!answer.no_group_by && !answer.error.empty() && run->error.empty())
            run->error = error_result(error{errc::invalid_input, o->status,
                                            "Twenty refused the aggregation", answer.error});
          if (answer.groups >= max_groups)
            run->note = "Twenty returned its first " + std::to_string(max_groups)
                        + " groups; narrow the filter for the rest";
        }
        last = --run->left == 0;
      }
      if (!last)
        return;
      if (run->missing) {
        supported->store(absent);
        return read_pages(run->env, run->ctx, std::move(run->done), std::move(run->p),
                          "this Twenty has no GraphQL groupBy");
      }
      supported->store(present);
      if (!run->error.empty())
        return run->done(run->error);
      reply_table(run->done, run->p, run->table, "groupBy", run->note,
                  run->env->config.max_output_bytes);
    });
  }
}

} // namespace

std::vector<field_info> aggregate_fields(const object& obj) {
  std::vector<field_info> out;
  for (const auto& f : obj.fields) {
    if (!f.is_active || (f.type == field_type::relation && !f.is_many_to_one()))
      continue;
    field_info info;
    info.name = f.name;
    info.key = f.type == field_type::relation ? f.join_column : f.name;
    info.kind = kind_of(f);
    info.twenty_type = f.type_name.empty() ? to_string(f.type) : f.type_name;
    for (const auto& o : f.options)
      info.options.push_back(o.value);
    info.subfields = composite_subfields(f.type);
    out.push_back(std::move(info));
  }
  return out;
}

void run_aggregate(std::shared_ptr<const tool_env> env, const json::value& args, ctx_ptr ctx,
                   aggregate_done done, priority prio) {
  auto p = plan(*env, args);
  if (!p.error.empty())
    return done(p.error);
  auto supported = env->learned->group_by;
  if (supported->load() == absent)
    return read_pages(env, ctx, std::move(done), std::move(p), "this Twenty has no GraphQL groupBy");
  if (auto why = group_by_unsupported(p.q))
    return read_pages(env, ctx, std::move(done), std::move(p), *why);
  auto filter = graphql_filter(*p.schema, *p.obj, p.rest_filter);
  if (!filter)
    return read_pages(env, ctx, std::move(done), std::move(p),
                      "the filter has no GraphQL form (" + filter.error() + ")");
  run_group_by(env, ctx, std::move(done), std::move(p), std::move(*filter), supported, prio);
}

void add_aggregate_tool(catalog& cat, std::shared_ptr<const tool_env> env) {
  tool_spec spec{"twenty_aggregate", "Aggregate records",
                 "Counts and sums per group (opportunities per stage, amount per month).",
                 aggregate_schema, "", read_only_hints()};
  cat.add_tool(spec, [env](const json::value& args, ctx_ptr ctx) {
    run_aggregate(env, args, ctx, [ctx](std::string result) { ctx->reply(std::move(result)); });
  });
}

} // namespace tmcp::twenty::tools

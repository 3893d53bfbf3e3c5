#include "integration/tools/batch_tool.hpp"

#include <atomic>
#include <mutex>

#include "integration/tools/linked_creates.hpp"
#include "integration/tools/record_writes.hpp"
#include "integration/tools/write_gate.hpp"
#include "integration/url.hpp"

namespace tmcp::twenty::tools {

namespace {

constexpr const char* batch_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"operation":{"type":"string","enum":["create","update","delete"]},
"records":{"type":"array","maxItems":1000},"updates":{"type":"array","maxItems":1000},
"ids":{"type":"array","maxItems":1000,"items":{"type":"string"}},
"soft":{"type":"boolean","default":true}},
"required":["object","operation"],"additionalProperties":false})JSON";

// Per-item outcomes, filled from several upstream answers on any thread.
struct batch_run {
  std::mutex mtx;
  std::vector<std::string> ids;
  std::vector<std::string> errors;
  std::vector<char> ok;
  std::atomic<std::size_t> pending{0};
  std::atomic<std::size_t> done_items{0};
  std::string plural, operation;
  bool dry = false;              // dry_run: calls are collected in `planned`, not sent
  std::vector<request> planned;
  // The call's arguments, alive until the last item is answered.
  std::shared_ptr<const json::document> args;

  explicit batch_run(std::size_t n) : ids(n), errors(n), ok(n, 0) {}

  void set(std::size_t i, bool success, std::string id, std::string err) {
    std::lock_guard<std::mutex> guard(mtx);
    ok[i] = success;
    ids[i] = std::move(id);
    errors[i] = std::move(err);
  }

  std::string render() {
    std::lock_guard<std::mutex> guard(mtx);
    std::size_t good = 0;
    std::string results;
    for (std::size_t i = 0; i < ok.size(); ++i) {
      good += ok[i] ? 1 : 0;
      results += (i ? "," : "") + std::string("{\"index\":") + std::to_string(i);
      if (!ids[i].empty())
        results += ",\"id\":" + json::quote(ids[i]);
      results += std::string(",\"ok\":") + (ok[i] ? "true" : "false");
      if (!errors[i].empty())
        results += ",\"error\":" + json::quote(errors[i]);
      results += "}";
    }
    std::string shown;
    if (dry) {
      std::vector<const request*> calls;
      for (const auto& req : planned)
        calls.push_back(&req);
      shown = "\"dryRun\":true,\"sent\":false,\"requests\":" + requests_json(calls) + ",";
    }
    return "{" + shown + "\"object\":" + json::quote(plural)
           + ",\"operation\":" + json::quote(operation) + ",\"succeeded\":" + std::to_string(good)
           + ",\"failed\":" + std::to_string(ok.size() - good) + ",\"results\":[" + results
           + "]}";
  }
};

std::string describe(const error& e) {
  return std::string(to_string(e.code)) + ": " + e.message
         + (e.upstream.empty() ? "" : " (Twenty said: " + e.upstream + ")");
}

// A dry run keeps the call instead of sending it, and its items count as checked; true then.
bool planned_only(const std::shared_ptr<batch_run>& run, const request& req) {
  if (!run->dry)
    return false;
  std::lock_guard<std::mutex> guard(run->mtx);
  run->planned.push_back(req);
  return true;
}

// Called when one upstream call finished; the last one answers the tool call.
void step(const std::shared_ptr<batch_run>& run, ctx_ptr ctx, std::size_t items) {
  auto done = run->done_items += items;
  ctx->progress(static_cast<double>(done), static_cast<double>(run->ok.size()));
  if (--run->pending == 0) {
    auto text = run->render();
    ctx->reply(structured_result(text));
  }
}

void run_creates(const tool_env& env, const resolved& r, const json::value& records,
                 std::shared_ptr<batch_run> run, ctx_ptr ctx) {
  std::vector<std::size_t> valid;
  std::vector<std::string> bodies(records.Size());
  // Per record: the links its `targets` asks for, made once the record exists.
  auto plans = std::make_shared<std::vector<std::optional<links>>>(records.Size());
  for (rapidjson::SizeType i = 0; i < records.Size(); ++i) {
    const auto& given = records[i];
    if (!given.IsObject()) {
      run->set(i, false, "", "SCHEMA_VALIDATION_ERROR: each record must be an object");
      continue;
    }
    json::document rec;
    rec.CopyFrom(given, rec.GetAllocator());
    if (rec.HasMember(targets_key)) {
      auto plan = plan_links(*r.schema, *r.obj, &rec[targets_key]);
      if (!plan) {
        run->set(i, false, "", "SCHEMA_VALIDATION_ERROR: " + plan.error());
        continue;
      }
      if (*plan && !allowed(env.config, *(*plan)->j.link, operation::create)) {
        run->set(i, false, "", describe(refusal(env.config, *(*plan)->j.link,
                                                 operation::create)));
        continue;
      }
      (*plans)[i] = std::move(*plan);
      rec.RemoveMember(targets_key);
    }
    auto prepared = prepare_record_data(*r.obj, rec, input_mode::create);
    if (!prepared) {
      run->set(i, false, "", "SCHEMA_VALIDATION_ERROR: " + prepared.error());
      continue;
    }
    bodies[i] = json::stringify(*prepared);
    valid.push_back(i);
  }
  std::vector<std::vector<std::size_t>> chunks;
  for (std::size_t at = 0; at < valid.size(); at += batch_limit)
    chunks.emplace_back(valid.begin() + at, valid.begin() + std::min(valid.size(), at + batch_limit));
  run->pending = chunks.size() + 1; // +1: released below, after every chunk was sent
  auto tags = write_invalidations(*r.schema, *r.obj);
  for (auto& chunk : chunks) {
    std::string body = "[";
    for (std::size_t k = 0; k < chunk.size(); ++k)
      body += (k ? "," : "") + bodies[chunk[k]];
    body += "]";
    request req;
    req.method = verb::post;
    req.target = "/rest/batch/" + r.obj->name_plural;
    req.body = std::move(body);
    req.idempotent = false;
    tie_to_caller(req, ctx, priority::bulk);
    if (planned_only(run, req)) {
      for (auto i : chunk)
        run->set(i, true, "", "");
      step(run, ctx, chunk.size());
      continue;
    }
    env.api->write(std::move(req), tags, {},
                   [run, chunk, ctx, plans, api = env.api, schema = r.schema,
                    obj = r.obj](outcome o) {
      auto body = parse_body(o);
      auto created = body ? envelope_record(*body) : nullptr;
      for (std::size_t k = 0; k < chunk.size(); ++k) {
        auto i = chunk[k];
        if (!o) {
          run->set(i, false, "", describe(unless_applied(o.error(), false)));
        } else if (created && created->IsArray() && k < created->Size()) {
          auto id = json::get_string((*created)[k], "id").value_or("");
          run->set(i, true, id, "");
          if (!(*plans)[i] || id.empty())
            continue;
          ++run->pending; // released when the links are made, or the record removed again
          create_links(api, schema, *(*plans)[i], id, ctx,
                       [run, i, id, ctx, api, schema, obj](std::optional<error> failed) {
            if (!failed)
              return step(run, ctx, 0);
            remove_created(api, *schema, *obj, id, ctx, [run, i, failed, ctx] {
              run->set(i, false, "", describe(*failed) + " (the record was removed again)");
              step(run, ctx, 0);
            });
          });
        } else {
          run->set(chunk[k], false, "", "TWENTY_API_ERROR: unexpected batch answer");
        }
      }
      step(run, ctx, chunk.size());
    });
  }
  step(run, ctx, records.Size() - valid.size());
}

void run_updates(const tool_env& env, const resolved& r, const json::value& updates,
                 std::shared_ptr<batch_run> run, ctx_ptr ctx) {
  // Twenty has no multi-record PATCH with different data, so updates go one by one; the
  // gateway runs them concurrently within the rate budget.
  run->pending = updates.Size() + 1;
  for (rapidjson::SizeType i = 0; i < updates.Size(); ++i) {
    const auto& u = updates[i];
    auto id = json::get_string(u, "id").value_or("");
    const auto* data = json::find(u, "data");
    std::optional<std::string> problem;
    std::string body;
    if (!is_uuid(id)) {
      problem = "'id' must be a record UUID; got '" + id + "'";
    } else if (!data || !data->IsObject() || data->ObjectEmpty()) {
      problem = "'data' must name at least one field";
    } else if (auto prepared = prepare_record_data(*r.obj, *data, input_mode::update)) {
      body = json::stringify(*prepared);
    } else {
      problem = prepared.error();
    }
    if (problem) {
      run->set(i, false, id, "SCHEMA_VALIDATION_ERROR: " + *problem);
      step(run, ctx, 1);
      continue;
    }
    request req;
    req.method = verb::patch;
    req.target = "/rest/" + r.obj->name_plural + "/" + id;
    req.body = std::move(body);
    tie_to_caller(req, ctx, priority::bulk);
    if (planned_only(run, req)) {
      run->set(i, true, id, "");
      step(run, ctx, 1);
      continue;
    }
    env.api->write(std::move(req), write_invalidations(*r.schema, *r.obj, id),
                   {{r.obj->name_plural, id}}, [run, i, id, ctx](outcome o) {
                     run->set(i, static_cast<bool>(o), id, o ? "" : describe(o.error()));
                     step(run, ctx, 1);
                   });
  }
  step(run, ctx, 0);
}

void run_deletes(const tool_env& env, const resolved& r, const std::vector<std::string>& ids,
                 bool soft, std::shared_ptr<batch_run> run, ctx_ptr ctx) {
  std::vector<std::size_t> valid;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (is_uuid(ids[i]))
      valid.push_back(i);
    else
      run->set(i, false, ids[i], "SCHEMA_VALIDATION_ERROR: not a record UUID");
  }
  std::vector<std::vector<std::size_t>> chunks;
  for (std::size_t at = 0; at < valid.size(); at += batch_limit)
    chunks.emplace_back(valid.begin() + at, valid.begin() + std::min(valid.size(), at + batch_limit));
  run->pending = chunks.size() + 1;
  for (auto& chunk : chunks) {
    std::string list;
    std::vector<std::pair<std::string, std::string>> changed;
    auto tags = write_invalidations(*r.schema, *r.obj);
    for (auto k : chunk) {
      list += (list.empty() ? "" : ",") + ids[k];
      changed.emplace_back(r.obj->name_plural, ids[k]);
      tags.push_back(record_tag(r.obj->name_plural, ids[k]));
    }
    request req;
    req.method = verb::del;
    req.target = with_query("/rest/" + r.obj->name_plural,
                            {{"filter", "id[in]:[" + list + "]"}, {"soft_delete", soft ? "true" : ""}});
    tie_to_caller(req, ctx, priority::bulk);
    if (planned_only(run, req)) {
      for (auto k : chunk)
        run->set(k, true, ids[k], "");
      step(run, ctx, chunk.size());
      continue;
    }
    env.api->write(std::move(req), tags, changed, [run, chunk, ids, ctx](outcome o) {
      std::set<std::string> gone;
      auto body = parse_body(o);
      if (auto deleted = body ? envelope_record(*body) : nullptr; deleted && deleted->IsArray())
        for (const auto& d : deleted->GetArray())
          if (auto id = json::get_string(d, "id"))
            gone.insert(*id);
      for (auto k : chunk) {
        if (!o)
          run->set(k, false, ids[k], describe(o.error()));
        else if (gone.count(ids[k]))
          run->set(k, true, ids[k], "");
        else
          run->set(k, false, ids[k], "RECORD_NOT_FOUND: no such record (or already deleted)");
      }
      step(run, ctx, chunk.size());
    });
  }
  step(run, ctx, ids.size() - valid.size());
}

// The batch schema offering only the operations MCP_PERMISSIONS grants somewhere ("" if none).
std::string allowed_batch_schema(const config::permissions& access) {
  std::string ops;
  for (auto op : {operation::create, operation::update, operation::remove})
    if (access.allows_somewhere(op))
      ops += (ops.empty() ? "\"" : ",\"") + std::string(to_string(op)) + "\"";
  if (ops.empty())
    return "";
  std::string schema = batch_schema;
  std::string all = R"("enum":["create","update","delete"])";
  return schema.replace(schema.find(all), all.size(), "\"enum\":[" + ops + "]");
}

void run_batch(const tool_env& env, std::shared_ptr<const json::document> kept, ctx_ptr ctx) {
  const json::value& args = *kept;
  auto op = json::get_string(args, "operation").value_or("");
  auto r = resolve_object(env, json::get_string(args, "object").value_or(""),
                          op == "create"   ? operation::create
                          : op == "update" ? operation::update
                                           : operation::remove);
  if (!r.obj)
    return ctx->reply(r.error_result);
  const char* list_key = op == "create" ? "records" : op == "update" ? "updates" : "ids";
  auto items = json::find(args, list_key);
  if (!items || !items->IsArray() || items->Empty())
    return ctx->reply(input_error(std::string("operation '") + op + "' needs a non-empty '"
                                  + list_key + "' array"));
  auto run = std::make_shared<batch_run>(items->Size());
  run->plural = r.obj->name_plural;
  run->operation = op;
  run->args = kept;
  run->dry = is_dry_run(args);
  if (op == "create")
    return run_creates(env, r, *items, run, ctx);
  if (op == "update")
    return run_updates(env, r, *items, run, ctx);
  auto ids = string_list(args, "ids");
  bool soft = json::get_bool(args, "soft").value_or(true);
  if (run->dry)
    return run_deletes(env, r, ids, soft, run, ctx);
  write_plan shown{r.obj->name_plural, soft ? "delete" : "destroy", ids, {}, ""};
  // The confirmation may come back after this call's frame is gone: the closure owns its data.
  auto sender = std::make_shared<tool_env>(env);
  confirm_destructive(env, shown, ctx, [sender, r, ids, soft, run, ctx] {
    run_deletes(*sender, r, ids, soft, run, ctx);
  });
}

} // namespace

void add_batch_tool(catalog& cat, std::shared_ptr<const tool_env> env) {
  auto schema = allowed_batch_schema(env->config.access);
  if (schema.empty())
    return;
  tool_spec spec{"twenty_batch_operations", "Batch records",
                 "Create (records: data as in twenty_create_record, with targets), update "
                 "(updates: {id, data}) or delete (ids) up to 1000 records of one object; a result "
                 "per item.",
                 with_dry_run(schema), "", write_hints(true, false)};
  spec.tasks = task_support::optional;
  cat.add_tool(spec, [env](const json::value& args, ctx_ptr ctx) {
    // Up to 1000 records at Twenty's pace is long work: a client that follows tasks gets a
    // task to poll; the task keeps its own copy of the arguments.
    auto kept = std::make_shared<const json::document>(json::clone(args));
    ctx->as_task([env, kept](ctx_ptr t) { run_batch(*env, kept, std::move(t)); });
  });
}

} // namespace tmcp::twenty::tools

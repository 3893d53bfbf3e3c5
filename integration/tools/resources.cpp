// Resources (twenty://schema, twenty://objects, twenty://fields/{object},
// twenty://records/{object}/{id}), their completions, and the catalog's prompts. Everything
// reads the schema when it is called, so a rebuilt catalog is never needed for fresh answers.
#include <algorithm>

#include "integration/graphql_query.hpp"
#include "integration/tools/prompt_texts.hpp"
#include "integration/tools/query_tools.hpp"
#include "integration/tools/registry.hpp"
#include "integration/tools/schema_describe.hpp"
#include "integration/tools/schema_hints.hpp"
#include "integration/url.hpp"
#include "protocol/content.hpp"

namespace tmcp::twenty::tools {

namespace {

constexpr const char* json_mime = "application/json";
// Records in a collection resource (twenty://records/{object}).
constexpr int collection_size = 20;

rpc_error not_loaded(const twenty_api& api) {
  auto e = schema_unavailable(api);
  return make_rpc_error(rpc_errc::internal_error, std::string(to_string(e.code)) + ": " + e.message);
}

rpc_error not_found(const std::string& uri, const std::string& why) {
  return make_rpc_error(rpc_errc::resource_not_found, "Resource not found: " + uri + "; " + why,
                        "{\"uri\":" + json::quote(uri) + "}");
}

// The active object named `name`, or a resource_not_found error through `ctx`; an object
// MCP_PERMISSIONS does not let be read is refused as invalid params, naming the setting.
const object* find_or_fail(const tool_env& env, const workspace_schema& schema,
                           const std::string& name, const std::string& uri, const ctx_ptr& ctx) {
  auto obj = schema.find_object(name);
  if (obj && obj->is_active && !allowed(env.config, *obj, operation::read)) {
    auto why = refusal(env.config, *obj, operation::read).message;
    ctx->fail(make_rpc_error(rpc_errc::invalid_params, "Refused: " + uri + "; " + why,
                             "{\"uri\":" + json::quote(uri) + "}"));
    return nullptr;
  }
  if (obj && obj->is_active)
    return obj;
  auto hint = suggest_object(schema, name);
  ctx->fail(not_found(uri, hint.empty() ? "unknown object '" + name + "'" : hint));
  return nullptr;
}

// What MCP_PERMISSIONS lets the caller read, for the listings.
std::function<bool(const object&)> readable(const std::shared_ptr<const tool_env>& env) {
  return [env](const object& o) { return allowed(env->config, o, operation::read); };
}

// Every active, non-system object with its fields: describe_objects' list, each entry
// completed with describe_object's fields (and description).
std::string full_schema(const workspace_schema& schema,
                        const std::function<bool(const object&)>& shown) {
  auto doc = json::parse(describe_objects(schema, false, shown));
  if (!doc || !doc->HasMember("objects"))
    return describe_objects(schema, false, shown);
  auto& a = doc->GetAllocator();
  for (auto& entry : (*doc)["objects"].GetArray()) {
    auto name = json::get_string(entry, "name").value_or("");
    auto obj = schema.find_object(name);
    if (!obj)
      continue;
    auto detail = json::parse(describe_object(*obj));
    if (!detail)
      continue;
    for (const char* key : {"description", "fields", "left_out"})
      if (auto v = json::find(*detail, key))
        entry.AddMember(json::str(key, a), json::value(*v, a), a);
  }
  return json::stringify(*doc);
}

// The schema and the object a URI's {object} names; on failure `obj` is null and the failure
// went out through `ctx`.
struct uri_object {
  schema_ptr schema; // keeps `obj` alive
  const object* obj = nullptr;
};

uri_object object_of(const tool_env& env, const std::string& uri, const uri_vars& vars,
                     const ctx_ptr& ctx) {
  uri_object out{env.api->schema()};
  if (!out.schema)
    ctx->fail(not_loaded(*env.api));
  else
    out.obj = find_or_fail(env, *out.schema, vars.at("object"), uri, ctx);
  return out;
}

void read_record(const tool_env& env, const std::string& uri, const uri_vars& vars,
                 ctx_ptr ctx) {
  auto [schema, obj] = object_of(env, uri, vars, ctx);
  if (!obj)
    return;
  const auto& id = vars.at("id");
  if (!is_uuid(id))
    return ctx->fail(not_found(uri, "'" + id + "' is not a record id; ids are UUIDs like "
                                    "8f9a1c2e-0b1d-4c3e-9f00-123456789abc (list the records to "
                                    "find one)"));
  get_record_confirmed(env.api, obj->name_plural, id, 0, ctx->session_id(),
                       [ctx, uri, schema = schema, obj = obj,
                        freshness = record_freshness(env.config)](outcome o) {
    if (!o) {
      const auto& e = o.error();
      if (e.code == errc::record_not_found)
        return ctx->fail(not_found(uri, e.message));
      auto text = std::string(to_string(e.code)) + ": " + e.message;
      if (!e.upstream.empty() && e.message.find(e.upstream) == std::string::npos)
        text += " (Twenty said: " + e.upstream + ")";
      return ctx->fail(make_rpc_error(rpc_errc::internal_error, text));
    }
    auto rec = parse_body(o);
    if (!rec || !rec->IsObject())
      return ctx->fail(make_rpc_error(rpc_errc::internal_error,
                                      "TWENTY_API_ERROR: Twenty answered with a malformed record"));
    compact_record(*schema, *obj, *rec, rec->GetAllocator());
    ctx->cache(freshness);
    ctx->reply(read_text_result(uri, json_mime, json::stringify(*rec)));
  });
}

// The collection's answer from its records (compacted in place).
void reply_collection(const ctx_ptr& ctx, const std::string& uri, const workspace_schema& schema,
                      const object& obj, const json::value& rows) {
  json::document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  json::value records(rows, a);
  for (auto& r : records.GetArray())
    compact_record(schema, obj, r, a);
  out.AddMember("object", json::str(obj.name_plural, a), a);
  out.AddMember("records", records, a);
  ctx->reply(read_text_result(uri, json_mime, json::stringify(out)));
}

void fail_collection(const ctx_ptr& ctx, const outcome& o) {
  auto why = o ? std::string("Twenty answered the list call with an unexpected shape")
               : std::string(to_string(o.error().code)) + ": " + o.error().message;
  ctx->fail(make_rpc_error(rpc_errc::internal_error, why));
}

constexpr const char* collection_order = "updatedAt[DescNullsLast]";

// The collection through GraphQL, which sorts where REST order_by is broken (0.50).
void read_collection_graphql(const api_ptr& api, const std::string& uri, schema_ptr schema,
                             const object* obj, ctx_ptr ctx) {
  list_query q;
  q.limit = collection_size;
  if (auto order = graphql_order(*schema, *obj, collection_order))
    q.order_json = *order;
  request req;
  req.method = verb::post;
  req.target = "/graphql";
  req.kind = api::graphql;
  req.body = list_request_body(*obj, selection_set(*schema, *obj, nullptr), q);
  req.fairness_key = "resource";
  api->read(std::move(req), {object_tag(obj->name_plural)},
            [ctx, uri, schema, obj](outcome o) {
    if (o)
      if (auto e = graphql_error(o->body))
        return ctx->fail(make_rpc_error(rpc_errc::internal_error,
                                        std::string(to_string(e->code)) + ": " + e->message));
    auto body = o ? parse_body(o) : std::nullopt;
    auto data = body ? json::find(*body, "data") : nullptr;
    auto conn = data ? json::find(*data, obj->name_plural.c_str()) : nullptr;
    auto edges = conn ? json::find(*conn, "edges") : nullptr;
    if (!edges || !edges->IsArray())
      return fail_collection(ctx, o);
    json::value rows(rapidjson::kArrayType);
    for (auto& e : edges->GetArray())
      if (auto node = json::find(e, "node"))
        rows.PushBack(json::value(*node, body->GetAllocator()), body->GetAllocator());
    reply_collection(ctx, uri, *schema, *obj, rows);
  });
}

// The most recently updated records of one object: what a client subscribes to in order to
// hear about any change to the object's records. REST, unless this release cannot sort there.
void read_collection(const tool_env& env, const std::string& uri, const uri_vars& vars,
                     ctx_ptr ctx) {
  auto [schema, obj] = object_of(env, uri, vars, ctx);
  if (!obj)
    return;
  // Read through the cache (REST or GraphQL alike): fresh as long as a cached answer lives.
  ctx->cache(record_freshness(env.config));
  if (env.learned && env.learned->order_by_broken)
    return read_collection_graphql(env.api, uri, schema, obj, std::move(ctx));
  request req;
  req.target = with_query("/rest/" + obj->name_plural,
                          {{"limit", std::to_string(collection_size)},
                           {"order_by", collection_order}});
  req.fairness_key = "resource";
  env.api->read(std::move(req), {object_tag(obj->name_plural)},
                [ctx, uri, api = env.api, learned = env.learned, schema = schema,
                 obj = obj](outcome o) {
    if (!o && is_broken_order_by(o.error())) {
      if (learned)
        learned->order_by_broken = true;
      return read_collection_graphql(api, uri, schema, obj, ctx);
    }
    auto body = o ? parse_body(o) : std::nullopt;
    auto data = body ? json::find(*body, "data") : nullptr;
    auto rows = data ? json::find(*data, obj->name_plural.c_str()) : nullptr;
    if (!rows || !rows->IsArray())
      return fail_collection(ctx, o);
    reply_collection(ctx, uri, *schema, *obj, *rows);
  });
}

// Plural names of the objects an agent works with (active, non-system), sorted.
std::vector<std::string> object_candidates(const tool_env& env) {
  std::vector<std::string> out;
  if (auto schema = env.api->schema())
    for (const auto& o : schema->objects)
      if (o.is_active && !o.is_system && allowed(env.config, o, operation::read))
        out.push_back(o.name_plural);
  std::sort(out.begin(), out.end());
  return out;
}

// Field names of the object in the context, or of every object when it is unknown.
std::vector<std::string> field_candidates(const tool_env& env, const completion_query& q) {
  auto schema = env.api->schema();
  if (!schema)
    return {};
  auto it = q.context.find("object");
  if (it != q.context.end())
    if (auto obj = schema->find_object(it->second))
      return filterable_fields(*obj, false);
  std::vector<std::string> all;
  for (const auto& o : schema->objects)
    if (o.is_active && !o.is_system)
      for (auto& f : filterable_fields(o, false))
        all.push_back(std::move(f));
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::vector<std::string> value_candidates(const tool_env& env, const completion_query& q) {
  auto schema = env.api->schema();
  auto object = q.context.find("object");
  auto field = q.context.find("field");
  if (!schema || object == q.context.end() || field == q.context.end())
    return {};
  auto obj = schema->find_object(object->second);
  return obj ? select_values(*obj, field->second) : std::vector<std::string>{};
}

std::vector<std::string> stage_candidates(const tool_env& env) {
  auto schema = env.api->schema();
  auto obj = schema ? schema->find_object("opportunity") : nullptr;
  return obj ? select_values(*obj, "stage") : std::vector<std::string>{};
}

completion_handler completer(std::shared_ptr<const tool_env> env) {
  return [env](const completion_query& q) -> std::vector<std::string> {
    if (q.argument == "object")
      return object_candidates(*env);
    if (q.argument == "field")
      return field_candidates(*env, q);
    if (q.argument == "value")
      return value_candidates(*env, q);
    if (q.argument == "stage")
      return stage_candidates(*env);
    return {}; // ids are not enumerable
  };
}

// A resource rendered from the live schema alone: fresh until the next schema refresh.
template <class Render>
auto schema_reader(const std::shared_ptr<const tool_env>& env, Render render) {
  return [env, render](const std::string& uri, const uri_vars&, ctx_ptr ctx) {
    auto schema = env->api->schema();
    if (!schema)
      return ctx->fail(not_loaded(*env->api));
    ctx->cache(schema_freshness(env->config, std::chrono::steady_clock::now()));
    ctx->reply(read_text_result(uri, json_mime, render(*schema)));
  };
}

void add_resources(catalog& cat, const std::shared_ptr<const tool_env>& env) {
  cat.add_resource({"twenty://schema", "schema", "Workspace schema",
                    "Every active object of the Twenty workspace with its fields: types, "
                    "select options, relations (and the id field that sets them), required "
                    "fields.",
                    json_mime},
                   schema_reader(env, [env](const workspace_schema& schema) {
                     return full_schema(schema, readable(env));
                   }));
  cat.add_resource({"twenty://objects", "objects", "Workspace objects",
                    "The objects of the workspace (standard and custom) with their plural API "
                    "names, singular names and labels.",
                    json_mime},
                   schema_reader(env, [env](const workspace_schema& schema) {
                     return describe_objects(schema, false, readable(env));
                   }));
  cat.add_template({"twenty://fields/{object}", "fields", "Fields of an object",
                    "Every active field of one object (plural or singular name), system fields "
                    "included: types, nullability, select options, relations with their "
                    "direction, and whether each can be filtered and sorted.",
                    json_mime},
                   [env](const std::string& uri, const uri_vars& vars, ctx_ptr ctx) {
                     auto schema = env->api->schema();
                     if (!schema)
                       return ctx->fail(not_loaded(*env->api));
                     auto obj = find_or_fail(*env, *schema, vars.at("object"), uri, ctx);
                     if (!obj)
                       return;
                     ctx->cache(schema_freshness(env->config, std::chrono::steady_clock::now()));
                     ctx->reply(read_text_result(uri, json_mime,
                                                 describe_object(*obj, schema_detail::full)));
                   });
  cat.add_template({"twenty://records/{object}", "records", "Recent records of an object",
                    "The 20 most recently updated records of one object, compact. Subscribe to "
                    "it to hear about changes to any record of the object.",
                    json_mime},
                   [env](const std::string& uri, const uri_vars& vars, ctx_ptr ctx) {
                     read_collection(*env, uri, vars, std::move(ctx));
                   });
  cat.add_template({"twenty://records/{object}/{id}", "record", "A record",
                    "One record by object (plural or singular name) and id, compact: empty "
                    "values are left out.",
                    json_mime},
                   [env](const std::string& uri, const uri_vars& vars, ctx_ptr ctx) {
                     read_record(*env, uri, vars, std::move(ctx));
                   });
  cat.add_template_completion("twenty://fields/{object}", completer(env));
  cat.add_template_completion("twenty://records/{object}", completer(env));
  cat.add_template_completion("twenty://records/{object}/{id}", completer(env));
}

std::string arg(const json::value& args, const char* key) {
  return json::get_string(args, key).value_or("");
}

// Registers one prompt whose text comes from `make` at call time. The object it reads (its
// `object` argument, else `reads`) must be readable under MCP_PERMISSIONS.
template <class Make>
void add_prompt(catalog& cat, const std::shared_ptr<const tool_env>& env,
                const completion_handler& complete, prompt_spec spec, Make make,
                const char* reads = "") {
  auto name = spec.name;
  auto description = spec.description;
  cat.add_prompt(std::move(spec), [env, make, description, reads](const json::value& args,
                                                                   ctx_ptr ctx) {
    auto schema = env->api->schema();
    auto target = arg(args, "object").empty() ? std::string(reads) : arg(args, "object");
    auto obj = schema && !target.empty() ? schema->find_object(target) : nullptr;
    if (obj && !allowed(env->config, *obj, operation::read))
      return ctx->fail(make_rpc_error(rpc_errc::invalid_params,
                                      "Invalid params: "
                                        + refusal(env->config, *obj, operation::read).message));
    prompts::tool_names tools{env->config.toolsets.count("core") > 0};
    auto t = make(schema.get(), tools, args);
    if (!t.error.empty())
      return ctx->fail(make_rpc_error(rpc_errc::invalid_params, "Invalid params: " + t.error));
    ctx->reply("{\"description\":" + json::quote(description) + ",\"messages\":["
               + prompt_message("user", text_content(t.body)) + "]}");
  });
  cat.add_prompt_completion(name, complete);
}

void add_prompts(catalog& cat, const std::shared_ptr<const tool_env>& env) {
  auto complete = completer(env);
  prompt_argument object{"object", "Object name, plural or singular (people, companies, ...)",
                         true};
  add_prompt(cat, env, complete,
             {"explore_object", "Explore an object",
              "Describe one object of the workspace (fields, relations, sample records), "
              "optionally focusing on one field.",
              {object, {"field", "A field to focus on", false}}},
             [](const workspace_schema* s, const prompts::tool_names& t, const json::value& a) {
               return prompts::explore_object(s, t, arg(a, "object"), arg(a, "field"));
             });
  add_prompt(cat, env, complete,
             {"find_records", "Find records",
              "Find the records of an object whose field matches a value, with the right "
              "filter for the field's type.",
              {object,
               {"field", "The field to match (name, emails, stage, companyId, ...)", true},
               {"value", "The value to look for (a select option for select fields)", false}}},
             [](const workspace_schema* s, const prompts::tool_names& t, const json::value& a) {
               return prompts::find_records(s, t, arg(a, "object"), arg(a, "field"),
                                            arg(a, "value"));
             });
  add_prompt(cat, env, complete,
             {"analyze_pipeline", "Analyse the sales pipeline",
              "Analyse opportunities by stage, amount and close date, optionally for one "
              "stage.",
              {{"stage", "Only this opportunity stage (NEW, MEETING, ...)", false}}},
             [](const workspace_schema* s, const prompts::tool_names& t, const json::value& a) {
               return prompts::analyze_pipeline(s, t, arg(a, "stage"));
             },
             "opportunities");
}

} // namespace

completion_handler schema_completer(std::shared_ptr<const tool_env> env) {
  return completer(std::move(env));
}

void add_resources_and_prompts(catalog& cat, std::shared_ptr<const tool_env> env) {
  add_resources(cat, env);
  add_prompts(cat, env);
  add_overview_prompts(cat, env);
  add_record_prompts(cat, env);
}

} // namespace tmcp::twenty::tools

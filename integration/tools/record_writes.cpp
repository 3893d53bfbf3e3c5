#include "integration/tools/record_writes.hpp"

#include <algorithm>
#include <cctype>

#include <rapidjson/schema.h>

#include "integration/record_view.hpp"
#include "integration/tools/linked_creates.hpp"
#include "integration/tools/write_gate.hpp"
#include "integration/url.hpp"
#include "protocol/content.hpp"
#include "protocol/schema_messages.hpp"

namespace tmcp::twenty::tools {

namespace {

std::string str_arg(const json::value& args, const char* key) {
  return json::get_string(args, key).value_or("");
}

std::string create_schema() {
  return std::string(R"JSON({"type":"object","properties":{
"object":{"type":"string"},
"data":{"type":"object","description":"fields as lists show them (amount: \"12.5 USD\"); relations by id (companyId)"},)JSON")
         + targets_property + R"JSON(},"required":["object","data"],"additionalProperties":false})JSON";
}

constexpr const char* update_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"id":{"type":"string"},
"data":{"type":"object"}},
"required":["object","id","data"],"additionalProperties":false})JSON";

constexpr const char* delete_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"id":{"type":"string"},
"soft":{"type":"boolean","default":true}},
"required":["object","id"],"additionalProperties":false})JSON";

constexpr const char* restore_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"id":{"type":"string"}},
"required":["object","id"],"additionalProperties":false})JSON";

// Answers with the compact record from Twenty's write envelope, plus `links` when given.
void reply_record(const ctx_ptr& ctx, const workspace_schema& schema, const object& obj,
                  const response& resp, const json::value* links = nullptr) {
  auto body = json::parse(resp.body);
  auto rec = body ? envelope_record(*body) : nullptr;
  if (rec && rec->IsNull())
    return ctx->reply(error_result(error{errc::record_not_found, resp.status,
                                         "Twenty found no record with this id to change. "
                                         "Search for the record to get a current id.",
                                         resp.body.substr(0, 200)}));
  if (!rec || !rec->IsObject())
    return ctx->reply(error_result(error{errc::twenty_api_error, resp.status,
                                         "Twenty accepted the write but answered with an "
                                         "unexpected shape",
                                         resp.body.substr(0, 200)}));
  json::document out;
  out.SetObject();
  auto& a = out.GetAllocator();
  out.AddMember("object", json::str(obj.name_plural, a), a);
  json::value copy(*rec, a);
  compact_record(schema, obj, copy, a);
  if (links)
    copy.AddMember(json::str(targets_key, a), json::value(*links, a), a);
  out.AddMember("record", copy, a);
  ctx->reply(structured_result(json::stringify(out)));
}

// Sends one write and answers with the compact record from Twenty's envelope.
void send_write(const tool_env& env, const resolved& r, request req, const std::string& id,
                ctx_ptr ctx) {
  const auto& obj = *r.obj;
  auto plural = obj.name_plural;
  auto tags = write_invalidations(*r.schema, obj, id);
  std::vector<std::pair<std::string, std::string>> changed;
  if (!id.empty())
    changed.emplace_back(plural, id);
  bool idempotent = req.idempotent;
  env.api->write(std::move(req), std::move(tags), std::move(changed),
                 [ctx, schema = r.schema, obj = r.obj, idempotent](outcome o) {
                   if (!o)
                     return ctx->reply(error_result(unless_applied(o.error(), idempotent)));
                   reply_record(ctx, *schema, *obj, *o);
                 });
}

// Creates the record, then its links; a failed link removes the record again.
void create_linked(const tool_env& env, const resolved& r, request req, links plan, ctx_ptr ctx) {
  auto api = env.api;
  auto schema = r.schema;
  const object* obj = r.obj;
  env.api->write(std::move(req), write_invalidations(*schema, *obj), {},
                 [api, schema, obj, plan = std::move(plan), ctx](outcome o) {
    if (!o)
      return ctx->reply(error_result(unless_applied(o.error(), false)));
    auto body = parse_body(o);
    auto rec = body ? envelope_record(*body) : nullptr;
    auto id = rec ? json::get_string(*rec, "id") : std::nullopt;
    if (!id)
      return reply_record(ctx, *schema, *obj, *o);
    auto created = *o;
    create_links(api, schema, plan, *id, ctx,
                 [api, schema, obj, plan, id = *id, created, ctx](std::optional<error> failed) {
      if (!failed) {
        json::document links;
        links.SetArray();
        auto& a = links.GetAllocator();
        for (auto& t : plan.targets) {
          json::value entry(rapidjson::kObjectType);
          entry.AddMember("object", json::str(t.object, a), a);
          entry.AddMember("id", json::str(t.id, a), a);
          links.PushBack(entry, a);
        }
        return reply_record(ctx, *schema, *obj, created, &links);
      }
      remove_created(api, *schema, *obj, id, ctx, [ctx, obj, failed] {
        auto e = *failed;
        e.message = "the " + obj->name_singular + " was not kept because a link failed: "
                    + e.message;
        ctx->reply(error_result(e));
      });
    });
  });
}

// GraphQL `restore<Object>(id)`: it works on every release recorded (0.50, 2.5, 2.19), while
// neither REST restore route does (`/rest/{plural}/{id}/restore` reads the id as "<id>ore",
// `/rest/restore/{plural}/{id}` is not a route).
request restore_request(const object& obj, const std::string& id) {
  std::string selection = "id deletedAt";
  if (auto label = obj.find_field(obj.label_identifier_field)) {
    if (label->type == field_type::full_name)
      selection += " " + label->name + " { firstName lastName }";
    else if (!is_composite(label->type) && label->type != field_type::relation)
      selection += " " + label->name;
  }
  auto singular = obj.name_singular;
  if (!singular.empty())
    singular[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(singular[0])));
  auto query = "mutation { restore" + singular + "(id: " + json::quote(id) + ") { " + selection
               + " } }";
  request req;
  req.method = verb::post;
  req.target = "/graphql";
  req.kind = api::graphql;
  req.body = "{\"query\":" + json::quote(query) + "}";
  return req;
}

// The object and record id a per-record write names; on a bad name or id the call has been
// answered already and nullopt comes back.
struct record_target {
  resolved r;
  std::string id;
};

std::optional<record_target> resolve_record(const tool_env& env, const std::string& object_name,
                                            const json::value& args, operation op,
                                            const ctx_ptr& ctx) {
  auto r = resolve_object(env, object_name.empty() ? str_arg(args, "object") : object_name, op);
  if (!r.obj) {
    ctx->reply(r.error_result);
    return std::nullopt;
  }
  auto id = str_arg(args, "id");
  if (!is_uuid(id)) {
    ctx->reply(input_error("'id' must be a record UUID; got '" + id + "'"));
    return std::nullopt;
  }
  return record_target{std::move(r), std::move(id)};
}

} // namespace

expected<json::document, std::string> prepare_record_data(const object& obj,
                                                          const json::value& data,
                                                          input_mode mode) {
  json::document d;
  d.CopyFrom(data, d.GetAllocator());
  if (auto problem = to_twenty_input(obj, d, d.GetAllocator()))
    return make_unexpected(*problem);
  if (auto problem = check_record_data(obj, d, mode))
    return make_unexpected(*problem);
  return d;
}

std::optional<std::string> check_record_data(const object& obj, const json::value& data,
                                             input_mode mode) {
  auto text = record_input_schema(obj, mode);
  auto schema_doc = json::parse(text);
  if (!schema_doc)
    return std::string("internal: the generated schema for ") + obj.name_singular
           + " does not parse";
  rapidjson::SchemaDocument sd(*schema_doc);
  rapidjson::SchemaValidator v(sd);
  if (data.Accept(v))
    return std::nullopt;
  auto msg = describe_schema_violation(*schema_doc, v, data);
  // The validator speaks of "arguments"; here it is the record data of one object.
  if (auto at = msg.find("Invalid arguments: "); at == 0)
    msg = "Invalid " + obj.name_singular + " data: " + msg.substr(19);
  return msg;
}

std::vector<std::string> write_invalidations(const workspace_schema& schema, const object& obj,
                                             const std::string& id) {
  // Cached GraphQL answers may embed any object, so every write drops them too.
  std::vector<std::string> tags{object_tag(obj.name_plural), "graphql"};
  if (!id.empty())
    tags.push_back(record_tag(obj.name_plural, id));
  for (const auto& f : obj.fields)
    if (f.type == field_type::relation && !f.relation_target_object.empty())
      if (auto other = schema.find_object(f.relation_target_object))
        if (std::find(tags.begin(), tags.end(), object_tag(other->name_plural)) == tags.end())
          tags.push_back(object_tag(other->name_plural));
  return tags;
}

void create_record(const tool_env& env, const std::string& object_name, const json::value& args,
                   ctx_ptr ctx) {
  auto r = resolve_object(env, object_name.empty() ? str_arg(args, "object") : object_name,
                          operation::create);
  if (!r.obj)
    return ctx->reply(r.error_result);
  auto data = json::find(args, "data");
  if (!data || !data->IsObject())
    return ctx->reply(input_error("'data' must be an object of field values"));
  auto prepared = prepare_record_data(*r.obj, *data, input_mode::create);
  if (!prepared)
    return ctx->reply(input_error(prepared.error()));
  auto plan = plan_links(*r.schema, *r.obj, json::find(args, "targets"));
  if (!plan)
    return ctx->reply(input_error(plan.error()));
  // Each target becomes a junction record of its own: that is a create there too.
  if (*plan && !allowed(env.config, *(*plan)->j.link, operation::create))
    return ctx->reply(error_result(refusal(env.config, *(*plan)->j.link, operation::create)));
  request req;
  req.method = verb::post;
  req.target = "/rest/" + r.obj->name_plural;
  req.body = json::stringify(*prepared);
  req.idempotent = false; // a blind retry could create the record twice
  tie_to_caller(req, ctx);
  if (is_dry_run(args)) {
    write_plan shown{r.obj->name_plural, "create", {}, {&req}, ""};
    if (*plan) {
      std::string links;
      for (auto& t : (*plan)->targets)
        links += (links.empty() ? "" : ",") + std::string("{\"object\":") + json::quote(t.object)
                 + ",\"id\":" + json::quote(t.id) + "}";
      shown.extra_json = ",\"links\":{\"object\":" + json::quote((*plan)->j.link->name_plural)
                         + ",\"targets\":[" + links + "]}";
    }
    return ctx->reply(dry_run_result(shown));
  }
  if (*plan)
    return create_linked(env, r, std::move(req), std::move(**plan), std::move(ctx));
  send_write(env, r, std::move(req), "", std::move(ctx));
}

void update_record(const tool_env& env, const std::string& object_name, const json::value& args,
                   ctx_ptr ctx) {
  auto t = resolve_record(env, object_name, args, operation::update, ctx);
  if (!t)
    return;
  auto& [r, id] = *t;
  auto data = json::find(args, "data");
  if (!data || !data->IsObject() || data->ObjectEmpty())
    return ctx->reply(input_error("'data' must be an object with at least one field to change"));
  auto prepared = prepare_record_data(*r.obj, *data, input_mode::update);
  if (!prepared)
    return ctx->reply(input_error(prepared.error()));
  request req;
  req.method = verb::patch;
  req.target = "/rest/" + r.obj->name_plural + "/" + id;
  req.body = json::stringify(*prepared);
  req.idempotent = true; // the same PATCH twice leaves the same record
  tie_to_caller(req, ctx);
  if (is_dry_run(args))
    return ctx->reply(dry_run_result({r.obj->name_plural, "update", {id}, {&req}, ""}));
  send_write(env, r, std::move(req), id, std::move(ctx));
}

void delete_record(const tool_env& env, const std::string& object_name, const json::value& args,
                   ctx_ptr ctx) {
  auto t = resolve_record(env, object_name, args, operation::remove, ctx);
  if (!t)
    return;
  auto& [r, id] = *t;
  bool soft = json::get_bool(args, "soft").value_or(true);
  request req;
  req.method = verb::del;
  req.target = "/rest/" + r.obj->name_plural + "/" + id + (soft ? "?soft_delete=true" : "");
  req.idempotent = true;
  tie_to_caller(req, ctx);
  write_plan shown{r.obj->name_plural, soft ? "delete" : "destroy", {id}, {&req}, ""};
  // The confirmation may come back after this call's frame is gone: the closure owns its data.
  auto sender = std::make_shared<tool_env>(env);
  gate_write(env, args, shown, true, ctx,
             [sender, r, req = std::move(req), id, ctx]() mutable {
               send_write(*sender, r, std::move(req), id, std::move(ctx));
             });
}

void add_write_tools(catalog& cat, std::shared_ptr<const tool_env> env) {
  const auto& access = env->config.access;
  if (access.allows_somewhere(operation::create))
    cat.add_tool({"twenty_create_record", "Create a record",
                "Create a record.",
                with_dry_run(create_schema()), "", write_hints(false, false)},
               [env](const json::value& args, ctx_ptr ctx) {
                 create_record(*env, "", args, std::move(ctx));
               });
  if (access.allows_somewhere(operation::update))
    cat.add_tool({"twenty_update_record", "Update a record",
                "Change fields of a record.",
                with_dry_run(update_schema), "", write_hints(false, true)},
               [env](const json::value& args, ctx_ptr ctx) {
                 update_record(*env, "", args, std::move(ctx));
               });
  if (access.allows_somewhere(operation::remove))
    cat.add_tool({"twenty_delete_record", "Delete a record",
                "Delete a record (soft: to the trash).",
                with_dry_run(delete_schema), "", write_hints(true, true)},
               [env](const json::value& args, ctx_ptr ctx) {
                 delete_record(*env, "", args, std::move(ctx));
               });
  if (access.allows_somewhere(operation::update))
    cat.add_tool({"twenty_restore_record", "Restore a deleted record",
                "Undo a soft delete.", with_dry_run(restore_schema),
                "", write_hints(false, true)},
               [env](const json::value& args, ctx_ptr ctx) {
                 // Restoring undoes a delete without removing anything: an update.
                 auto t = resolve_record(*env, "", args, operation::update, ctx);
                 if (!t)
                   return;
                 auto& [r, id] = *t;
                 auto req = restore_request(*r.obj, id);
                 tie_to_caller(req, ctx);
                 if (is_dry_run(args))
                   return ctx->reply(dry_run_result({r.obj->name_plural, "restore", {id}, {&req}, ""}));
                 send_write(*env, r, std::move(req), id, std::move(ctx));
               });
}

} // namespace tmcp::twenty::tools

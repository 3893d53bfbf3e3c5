#include "integration/tools/webhook_tool.hpp"

#include "integration/url.hpp"

namespace tmcp::twenty::tools {

namespace {

constexpr const char* webhooks_tag = "webhooks";

constexpr const char* input_schema = R"JSON({"type":"object","properties":{
"action":{"type":"string","enum":["list","create","update","delete"],"description":"list (default), create, update or delete"},
"id":{"type":"string","description":"The webhook's id (update, delete)"},
"targetUrl":{"type":"string","description":"Where Twenty posts events (create, update): an http(s) URL, e.g. this server's receiver https://mcp.example.com/webhooks/twenty"},
"operations":{"type":"array","items":{"type":"string"},"description":"Events to send (create, update): <object>.<action> with action created, updated, deleted, destroyed, restored, upserted or *; * for every object, e.g. [\"person.created\",\"*.updated\"]; default [\"*.*\"]"},
"description":{"type":"string"},
"secret":{"type":"string","description":"Signing secret (create, update); Twenty then signs each delivery"}},
"additionalProperties":false})JSON";

constexpr const char* read_only_schema = R"JSON({"type":"object","properties":{
"action":{"type":"string","enum":["list"],"description":"list (changing webhooks is not allowed here)"}},
"additionalProperties":false})JSON";

constexpr const char* output_schema = R"JSON({"type":"object","properties":{
"webhooks":{"type":"array","items":{"type":"object"}},"webhook":{"type":"object"},
"deleted":{"type":"string"},"route":{"type":"string"}}})JSON";

const char* route_name(webhook_route r) {
  switch (r) {
  case webhook_route::rest: return "rest";
  case webhook_route::record_rest: return "records";
  case webhook_route::metadata_graphql: break;
  }
  return "metadata";
}

// The fields given in `args`, checked; an input error text when they are wrong.
expected<webhook_fields, std::string> read_fields(const json::value& args, bool create) {
  webhook_fields f;
  if (auto url = json::get_string(args, "targetUrl")) {
    if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
      return make_unexpected("targetUrl must be an http:// or https:// URL, got '" + *url + "'");
    f.target_url = *url;
  } else if (create) {
    return make_unexpected(std::string("create needs 'targetUrl', the URL Twenty posts to"));
  }
  if (json::find(args, "operations")) {
    auto ops = string_list(args, "operations");
    if (ops.empty())
      return make_unexpected(std::string("'operations' must list at least one event, e.g. "
                                         "[\"*.*\"]"));
    for (auto& op : ops)
      if (auto problem = check_webhook_operation(op))
        return make_unexpected(*problem);
    f.operations = ops;
  } else if (create) {
    f.operations = std::vector<std::string>{"*.*"};
  }
  if (auto d = json::get_string(args, "description"))
    f.description = *d;
  if (auto s = json::get_string(args, "secret"))
    f.secret = *s;
  if (!create && !f.target_url && !f.operations && !f.description && !f.secret)
    return make_unexpected(std::string(
      "update needs at least one of targetUrl, operations, description, secret"));
  return f;
}

void reply_error(const ctx_ptr& ctx, const outcome& o) {
  if (auto e = webhook_answer_error(o))
    return ctx->reply(error_result(*e));
  ctx->reply(error_result(error{errc::twenty_api_error, o ? o->status : 0,
                                "Twenty answered the webhook call with an unexpected shape",
                                o ? o->body.substr(0, 200) : ""}));
}

void list(const tool_env& env, ctx_ptr ctx) {
  auto answered = [ctx](outcome o, webhook_route route) {
    if (webhook_answer_error(o))
      return reply_error(ctx, o);
    auto hooks = parse_webhook_list(route, o->body);
    if (!hooks)
      return reply_error(ctx, make_unexpected(error{errc::twenty_api_error, o->status,
                                                    hooks.error(), o->body.substr(0, 200)}));
    std::string out = "{\"webhooks\":[";
    for (std::size_t i = 0; i < hooks->size(); ++i)
      out += (i ? "," : "") + webhook_json((*hooks)[i]);
    ctx->reply(structured_result(out + "],\"route\":\"" + route_name(route) + "\"}"));
  };
  webhook_call(env.api, false, list_webhooks_request, std::move(answered), env.learned);
}

void change(const tool_env& env, const std::string& action, const json::value& args,
            ctx_ptr ctx) {
  auto id = json::get_string(args, "id").value_or("");
  if (action != "create" && !is_uuid(id))
    return ctx->reply(input_error(action + " needs 'id', the webhook's UUID (list them with "
                                           "action list), got '" + id + "'"));
  std::function<request(webhook_route)> make;
  if (action == "delete") {
    make = [id](webhook_route r) { return delete_webhook_request(r, id); };
  } else {
    auto fields = read_fields(args, action == "create");
    if (!fields)
      return ctx->reply(input_error(fields.error()));
    if (action == "create")
      make = [f = *fields](webhook_route r) { return create_webhook_request(r, f); };
    else
      make = [id, f = *fields](webhook_route r) { return update_webhook_request(r, id, f); };
  }
  auto answered = [ctx, action, id](outcome o, webhook_route route) {
    if (webhook_answer_error(o))
      return reply_error(ctx, o);
    auto tail = ",\"route\":\"" + std::string(route_name(route)) + "\"}";
    if (action == "delete")
      return ctx->reply(structured_result("{\"deleted\":" + json::quote(id) + tail));
    auto hook = parse_webhook_one(route, o->body);
    if (!hook)
      return reply_error(ctx, make_unexpected(error{errc::twenty_api_error, o->status,
                                                    hook.error(), o->body.substr(0, 200)}));
    ctx->reply(structured_result("{\"webhook\":" + webhook_json(*hook) + tail));
  };
  webhook_call(env.api, true, make, std::move(answered), env.learned);
}

} // namespace

namespace {

struct route_probe {
  api_ptr api;
  bool write = false;
  std::function<request(webhook_route)> make;
  webhook_call_done done;
  std::shared_ptr<learned_release> learned;
  std::vector<webhook_route> routes;
};

// Tries routes[i], then the next while this Twenty says the route does not exist.
void try_route(std::shared_ptr<const route_probe> p, std::size_t i) {
  auto route = p->routes[i];
  auto answered = [p, i, route](outcome o) {
    if (webhook_route_missing(o) && i + 1 < p->routes.size())
      return try_route(p, i + 1);
    if (p->learned && !webhook_route_missing(o))
      p->learned->webhook_route = static_cast<int>(route);
    p->done(std::move(o), route);
  };
  if (p->write)
    p->api->write(p->make(route), {webhooks_tag}, {}, std::move(answered));
  else
    p->api->read(p->make(route), {webhooks_tag}, std::move(answered));
}

} // namespace

void webhook_call(api_ptr api, bool write, std::function<request(webhook_route)> make,
                  webhook_call_done done, std::shared_ptr<learned_release> learned) {
  auto first = webhook_route::metadata_graphql;
  if (auto schema = api->schema())
    first = webhook_route_for(schema->release);
  if (learned && learned->webhook_route >= 0)
    first = static_cast<webhook_route>(learned->webhook_route.load());
  auto p = std::make_shared<route_probe>(route_probe{std::move(api), write, std::move(make),
                                                     std::move(done), std::move(learned),
                                                     webhook_route_order(first)});
  try_route(std::move(p), 0);
}

// Webhooks carry every object's events and change the workspace: listing them needs read on
// every object, changing them every write on every object (MCP_PERMISSIONS).
void add_webhook_tool(catalog& cat, std::shared_ptr<const tool_env> env) {
  const auto& access = env->config.access;
  if (!access.allows_everywhere(operation::read))
    return;
  bool read_only = env->config.read_only || !access.allows_everywhere(operation::create)
                   || !access.allows_everywhere(operation::update)
                   || !access.allows_everywhere(operation::remove);
  tool_spec spec{"twenty_manage_webhooks", "Manage Twenty webhooks",
                 read_only ? "List the webhooks registered in Twenty: target URL and the events "
                             "(operations) each receives. Changing them is not allowed here."
                           : "List, create, update or delete the webhooks registered in Twenty "
                             "(target URL and the events each receives). Deleting a webhook "
                             "stops its deliveries for good; secrets are never shown.",
                 read_only ? read_only_schema : input_schema, output_schema,
                 read_only ? read_only_hints() : write_hints(true, false)};
  cat.add_tool(spec, [env, read_only](const json::value& args, ctx_ptr ctx) {
    auto action = json::get_string(args, "action").value_or("list");
    if (action == "list")
      return list(*env, std::move(ctx));
    if (read_only)
      return ctx->reply(input_error("this server does not let webhooks be changed (read-only or "
                                    "MCP_PERMISSIONS): only action list is allowed"));
    change(*env, action, args, std::move(ctx));
  });
}

} // namespace tmcp::twenty::tools

#include "integration/webhook_admin.hpp"

#include <cctype>

#include "protocol/json.hpp"

namespace tmcp::twenty {

namespace {

constexpr const char* selection = "{ id targetUrl operations description secret createdAt updatedAt }";

std::string graphql_body(const std::string& query) {
  return "{\"query\":" + json::quote(query) + "}";
}

request metadata_call(std::string query, bool idempotent) {
  request r;
  r.method = verb::post;
  r.target = "/metadata";
  r.body = graphql_body(query);
  r.kind = api::metadata;
  r.idempotent = idempotent;
  r.fairness_key = "webhooks";
  return r;
}

request rest_call(verb method, std::string target, std::string body, bool idempotent) {
  request r;
  r.method = method;
  r.target = std::move(target);
  r.body = std::move(body);
  r.kind = api::rest;
  r.idempotent = idempotent;
  r.fairness_key = "webhooks";
  return r;
}

// The fields as a GraphQL input object literal (JSON string quoting is valid GraphQL) or as a
// JSON object for REST: the same text but for the quotes around keys.
std::string fields_text(const webhook_fields& f, bool graphql) {
  std::string out = "{";
  auto key = [&](const char* k) {
    if (out.size() > 1)
      out += ",";
    out += graphql ? std::string(k) + ":" : json::quote(k) + ":";
  };
  if (f.target_url) {
    key("targetUrl");
    out += json::quote(*f.target_url);
  }
  if (f.operations) {
    key("operations");
    out += "[";
    for (std::size_t i = 0; i < f.operations->size(); ++i)
      out += (i ? "," : "") + json::quote((*f.operations)[i]);
    out += "]";
  }
  if (f.description) {
    key("description");
    out += json::quote(*f.description);
  }
  if (f.secret) {
    key("secret");
    out += json::quote(*f.secret);
  }
  return out + "}";
}

webhook_info read_info(const json::value& v) {
  webhook_info w;
  w.id = json::get_string(v, "id").value_or("");
  w.target_url = json::get_string(v, "targetUrl").value_or("");
  w.description = json::get_string(v, "description").value_or("");
  w.secret = json::get_string(v, "secret").value_or("");
  w.created_at = json::get_string(v, "createdAt").value_or("");
  w.updated_at = json::get_string(v, "updatedAt").value_or("");
  if (auto ops = json::find(v, "operations"); ops && ops->IsArray())
    for (auto& op : ops->GetArray())
      if (op.IsString())
        w.operations.emplace_back(op.GetString());
  return w;
}

std::string rest_base(webhook_route route) {
  return route == webhook_route::record_rest ? "/rest/webhooks" : "/rest/metadata/webhooks";
}

// The one member of a `{"data":{"<name>":…}}` envelope (GraphQL, and REST records on 0.50).
const json::value* data_member(const json::value& doc) {
  auto data = json::find(doc, "data");
  if (data && data->IsObject() && data->MemberCount() == 1)
    return &data->MemberBegin()->value;
  return nullptr;
}

expected<json::document, std::string> parse_answer(const std::string& body) {
  std::string err;
  auto doc = json::parse(body, &err);
  if (!doc)
    return make_unexpected("Twenty's answer is not JSON: " + err);
  return std::move(*doc);
}

} // namespace

std::vector<webhook_route> webhook_route_order(webhook_route first) {
  std::vector<webhook_route> out{first};
  for (auto r : {webhook_route::metadata_graphql, webhook_route::rest, webhook_route::record_rest})
    if (r != first)
      out.push_back(r);
  return out;
}

webhook_route webhook_route_for(const release_info& release) {
  return release.relations == "relationDefinition" || release.relations == "rest"
           ? webhook_route::record_rest
           : webhook_route::metadata_graphql;
}

request list_webhooks_request(webhook_route route) {
  if (route != webhook_route::metadata_graphql)
    return rest_call(verb::get, rest_base(route), "", true);
  return metadata_call(std::string("query { webhooks ") + selection + " }", true);
}

request create_webhook_request(webhook_route route, const webhook_fields& f) {
  if (route != webhook_route::metadata_graphql)
    return rest_call(verb::post, rest_base(route), fields_text(f, false), false);
  return metadata_call("mutation { createWebhook(input: " + fields_text(f, true) + ") "
                         + selection + " }",
                       false);
}

request update_webhook_request(webhook_route route, const std::string& id,
                               const webhook_fields& f) {
  if (route != webhook_route::metadata_graphql)
    return rest_call(verb::patch, rest_base(route) + "/" + id, fields_text(f, false), true);
  return metadata_call("mutation { updateWebhook(input: {id: " + json::quote(id)
                         + ", update: " + fields_text(f, true) + "}) " + selection + " }",
                       true);
}

request delete_webhook_request(webhook_route route, const std::string& id) {
  if (route != webhook_route::metadata_graphql)
    return rest_call(verb::del, rest_base(route) + "/" + id, "", true);
  return metadata_call("mutation { deleteWebhook(id: " + json::quote(id) + ") { id } }", true);
}

bool webhook_route_missing(const outcome& o) {
  int status = o ? o->status : o.error().http_status;
  std::string text;
  if (!o)
    text = o.error().upstream + " " + o.error().message;
  else if (status < 200 || status >= 300)
    text = classify(*o).upstream;
  else if (auto e = graphql_error(o->body))
    text = e->upstream + " " + e->message;
  // Nest's answer for a route it lacks ("Cannot POST /metadata"), not a missing webhook.
  if (status == 405 || (status == 404 && text.find("Cannot ") != std::string::npos))
    return true;
  // A build without webhooks in its metadata schema rejects the field itself; 0.50's REST
  // metadata names the path (twenty-0.50/rest-webhooks.json).
  bool about_webhooks = text.find("ebhook") != std::string::npos;
  return about_webhooks
         && (text.find("Cannot query field") != std::string::npos
             || (status == 400 && text.find("does not exist") != std::string::npos));
}

std::optional<error> webhook_answer_error(const outcome& o) {
  if (!o)
    return o.error();
  if (o->status < 200 || o->status >= 300)
    return classify(*o);
  return graphql_error(o->body);
}

expected<std::vector<webhook_info>, std::string> parse_webhook_list(webhook_route route,
                                                                    const std::string& body) {
  auto doc = parse_answer(body);
  if (!doc)
    return make_unexpected(doc.error());
  const json::value* list = nullptr;
  if (doc->IsArray()) {
    list = &*doc; // the legacy /rest/webhooks and 2.x's /rest/metadata/webhooks
  } else if (route == webhook_route::rest) {
    list = json::find(*doc, "data"); // {data:[…],pageInfo,totalCount}
  } else {
    list = data_member(*doc); // {data:{webhooks:[…]}} (GraphQL; records on 0.50)
  }
  if (!list || !list->IsArray())
    return make_unexpected(std::string("Twenty's webhook list has an unexpected shape"));
  std::vector<webhook_info> out;
  for (auto& v : list->GetArray())
    out.push_back(read_info(v));
  return out;
}

expected<webhook_info, std::string> parse_webhook_one(webhook_route route,
                                                      const std::string& body) {
  auto doc = parse_answer(body);
  if (!doc)
    return make_unexpected(doc.error());
  // {data:{createWebhook:…}} from GraphQL and from records on 0.50; the bare webhook from the
  // REST routes of 2.x.
  const json::value* one = route == webhook_route::rest ? nullptr : data_member(*doc);
  if (!one)
    one = &*doc;
  if (!one || !one->IsObject() || !json::get_string(*one, "id"))
    return make_unexpected(std::string("Twenty's webhook answer has an unexpected shape"));
  return read_info(*one);
}

std::string webhook_json(const webhook_info& w) {
  std::string ops = "[";
  for (std::size_t i = 0; i < w.operations.size(); ++i)
    ops += (i ? "," : "") + json::quote(w.operations[i]);
  ops += "]";
  return "{\"id\":" + json::quote(w.id) + ",\"targetUrl\":" + json::quote(w.target_url)
         + ",\"operations\":" + ops + ",\"description\":" + json::quote(w.description)
         + ",\"hasSecret\":" + (w.secret.empty() ? "false" : "true")
         + ",\"createdAt\":" + json::quote(w.created_at)
         + ",\"updatedAt\":" + json::quote(w.updated_at) + "}";
}

std::optional<std::string> check_webhook_operation(const std::string& op) {
  static const char* actions[] = {"created", "updated",  "deleted", "destroyed",
                                  "restored", "upserted", "*"};
  auto dot = op.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == op.size())
    return "operation '" + op + "' must be <object>.<action>, e.g. person.created or *.*";
  auto action = op.substr(dot + 1);
  bool known = false;
  for (auto a : actions)
    known = known || action == a;
  if (!known)
    return "operation '" + op + "' has an unknown action '" + action
           + "'; use created, updated, deleted, destroyed, restored, upserted or *";
  auto subject = op.substr(0, dot);
  for (char c : subject)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '*' || c == '.' || c == '_'))
      return "operation '" + op + "' has an invalid object name '" + subject + "'";
  return std::nullopt;
}

} // namespace tmcp::twenty

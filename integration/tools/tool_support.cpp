#include "integration/tools/tool_support.hpp"

#include <algorithm>

#include "integration/graphql_query.hpp"
#include "integration/record_view.hpp"
#include "integration/url.hpp"
#include "protocol/content.hpp"

namespace tmcp::twenty::tools {

error schema_unavailable(const twenty_api& api) {
  if (auto failure = api.schema_failure()) {
    failure->message = "The workspace schema could not be loaded from Twenty. "
                       + failure->message;
    return *failure;
  }
  return error{errc::twenty_api_error, 0,
               "The workspace schema is not loaded yet (Twenty has not answered /metadata); "
               "retry in a few seconds",
               ""};
}

bool allowed(const tools_config& config, const object& obj, operation op) {
  return config.access.allows(obj.name_singular, obj.name_plural, op);
}

error refusal(const tools_config& config, const object& obj, operation op) {
  return error{errc::insufficient_permissions, 0,
               std::string("this server's MCP_PERMISSIONS do not allow ") + to_string(op)
                 + " on " + obj.name_plural + " (allowed there: "
                 + config.access.granted(obj.name_singular, obj.name_plural) + ")",
               ""};
}

std::optional<error> related_refusal(const tools_config& config,
                                     const workspace_schema& schema, const object& obj,
                                     const std::vector<std::string>& fields, int depth,
                                     std::string_view filter, std::string_view order_by) {
  for (auto text : {filter, order_by})
    for (const auto* f : relations_reached(obj, text))
      if (auto target = schema.find_object(f->relation_target_object);
          target && !allowed(config, *target, operation::read)) {
        auto e = refusal(config, *target, operation::read);
        e.message += "; '" + f->name + ".' in a filter or order_by looks into them";
        return e;
      }
  std::vector<std::string> reached;
  if (!fields.empty()) {
    auto tree = make_field_tree(fields);
    reached = selected_objects(schema, obj, &tree);
  } else if (depth > 0) {
    for (const auto& f : obj.fields)
      if (f.type == field_type::relation && f.is_active)
        if (auto target = schema.find_object(f.relation_target_object))
          reached.push_back(target->name_plural);
  }
  for (const auto& plural : reached) {
    auto other = schema.find_object(plural);
    if (!other || other == &obj || allowed(config, *other, operation::read))
      continue;
    auto e = refusal(config, *other, operation::read);
    e.message += fields.empty() ? "; depth 1 would include them: name the fields you need"
                                : "; leave its fields out of 'fields'";
    return e;
  }
  return std::nullopt;
}

resolved resolve_object(const tool_env& env, const std::string& name, operation op) {
  const auto& api = *env.api;
  resolved r;
  r.schema = api.schema();
  if (!r.schema) {
    r.error_result = error_result(schema_unavailable(api));
    return r;
  }
  r.obj = r.schema->find_object(name);
  if (!r.obj || !r.obj->is_active) {
    auto hint = suggest_object(*r.schema, name);
    r.obj = nullptr;
    r.error_result = error_result(
      error{errc::object_not_found, 0, hint.empty() ? "unknown object '" + name + "'" : hint, ""});
  } else if (!allowed(env.config, *r.obj, op)) {
    r.error_result = error_result(refusal(env.config, *r.obj, op));
    r.obj = nullptr;
  }
  return r;
}

std::string error_result(const error& e) {
  std::string text = std::string(to_string(e.code)) + ": " + e.message;
  if (!e.upstream.empty() && e.message.find(e.upstream) == std::string::npos)
    text += " (Twenty said: " + e.upstream + ")";
  return tool_error(text);
}

std::string input_error(const std::string& message) {
  return error_result(error{errc::schema_validation_error, 0, message, ""});
}

void compact_record(const workspace_schema& schema, const object& obj, json::value& rec,
                    json::allocator& a, const std::vector<std::string>* fields) {
  if (fields && !fields->empty()) {
    auto tree = make_field_tree(*fields);
    return render_record(schema, obj, rec, a, &tree);
  }
  render_record(schema, obj, rec, a);
}

std::vector<std::string> string_list(const json::value& args, const char* key) {
  std::vector<std::string> out;
  if (auto v = json::find(args, key); v && v->IsArray())
    for (const auto& e : v->GetArray())
      if (e.IsString())
        out.emplace_back(e.GetString());
  return out;
}

bool is_broken_order_by(const error& e) {
  return e.http_status == 400 && e.upstream.find("(reading 'fields')") != std::string::npos;
}

void get_record_confirmed(const api_ptr& api, const std::string& plural, const std::string& id,
                          int depth, const std::string& fairness_key, twenty_api::done_fn done) {
  api->get_record(plural, id, depth, fairness_key, [api, plural, id, fairness_key, done](outcome o) {
    if (o || o.error().http_status != 400 || o.error().code != errc::invalid_input
        || !is_uuid(id))
      return done(std::move(o));
    request req;
    req.target = with_query("/rest/" + plural, {{"filter", "id[eq]:" + id}, {"limit", "1"}});
    req.fairness_key = fairness_key;
    auto original = o.error();
    api->read(std::move(req), {object_tag(plural)}, [original, done](outcome list) {
      auto body = parse_body(list);
      auto data = body ? json::find(*body, "data") : nullptr;
      bool empty = data && data->IsObject() && data->MemberCount() == 1
                   && data->MemberBegin()->value.IsArray()
                   && data->MemberBegin()->value.Empty();
      if (!empty)
        return done(make_unexpected(original));
      done(make_unexpected(error{errc::record_not_found, original.http_status,
                                 "No record with this id exists (Twenty's answer gave no reason; "
                                 "a list filtered on the id found nothing). Search for the record "
                                 "by a field value to get a current id.",
                                 original.upstream}));
    });
  });
}

std::optional<json::document> parse_body(const outcome& o) {
  if (!o)
    return std::nullopt;
  return json::parse(o->body);
}

const json::value* envelope_record(const json::value& body) {
  auto data = json::find(body, "data");
  // 0.50 wraps a batch create once more: {"data":{"data":{"createCompanies":[...]}}}.
  if (data && data->IsObject() && data->MemberCount() == 1 && data->HasMember("data")
      && (*data)["data"].IsObject())
    data = &(*data)["data"];
  if (!data || !data->IsObject() || data->MemberCount() != 1)
    return nullptr;
  return &data->MemberBegin()->value;
}

std::string bounded_json(json::document& v, std::size_t max_bytes) {
  auto text = json::stringify(v);
  if (text.size() <= max_bytes || !v.HasMember("rows") || !v["rows"].IsArray())
    return text;
  auto& recs = v["rows"];
  // Halve, then step, so a huge page does not cost one serialization per record.
  while (text.size() > max_bytes && !recs.Empty()) {
    auto drop = std::max<rapidjson::SizeType>(1, recs.Size() / 4);
    if (text.size() < max_bytes * 2)
      drop = 1;
    for (rapidjson::SizeType i = 0; i < drop && !recs.Empty(); ++i)
      recs.PopBack();
    if (!v.HasMember("truncated"))
      v.AddMember("truncated", true, v.GetAllocator());
    text = json::stringify(v);
  }
  return text;
}

std::string structured_result(const std::string& json_text) {
  return tool_result().text(json_text).structured(json_text).str();
}

void tie_to_caller(request& req, const ctx_ptr& ctx, priority prio) {
  req.fairness_key = ctx->session_id();
  req.prio = prio;
  auto flag = std::make_shared<std::atomic<bool>>(false);
  ctx->on_cancel([flag] { *flag = true; });
  req.cancelled = std::move(flag);
}

// Only hints that differ from MCP's defaults (not read-only, destructive, not idempotent, open
// world) are set: tools/list stays small and says the same.
tool_annotations read_only_hints() {
  tool_annotations a;
  a.read_only = true;
  return a;
}

tool_annotations write_hints(bool destructive, bool idempotent) {
  tool_annotations a;
  if (!destructive)
    a.destructive = false;
  if (idempotent)
    a.idempotent = true;
  return a;
}

cache_hint record_freshness(const tools_config& c) {
  return cache_hint{std::max(std::chrono::milliseconds{0}, c.cache_ttl), false};
}

cache_hint schema_freshness(const tools_config& c, std::chrono::steady_clock::time_point now) {
  if (c.schema_refresh.count() <= 0)
    return cache_hint{std::chrono::milliseconds{0}, true};
  auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - c.schema_cycle_start);
  if (since.count() < 0)
    since = std::chrono::milliseconds{0};
  return cache_hint{c.schema_refresh - since % c.schema_refresh, true};
}

} // namespace tmcp::twenty::tools

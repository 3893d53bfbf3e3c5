#include "integration/webhook_event.hpp"

#include <algorithm>

#include "integration/analytics_dashboard.hpp"
#include "integration/schema_model.hpp"
#include "integration/tools/record_writes.hpp"
#include "protocol/json.hpp"

namespace tmcp::twenty {

namespace {

constexpr std::pair<const char*, event_action> action_names[] = {
  {"created", event_action::created},     {"updated", event_action::updated},
  {"deleted", event_action::deleted},     {"destroyed", event_action::destroyed},
  {"restored", event_action::restored},   {"upserted", event_action::upserted},
};

bool parse_action(std::string_view text, event_action& out) {
  for (auto& [name, a] : action_names)
    if (text == name) {
      out = a;
      return true;
    }
  return false;
}

void add_unique(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end())
    v.push_back(std::move(s));
}

} // namespace

const char* to_string(event_action a) {
  for (auto& [name, x] : action_names)
    if (x == a)
      return name;
  return "?";
}

expected<webhook_event, std::string> parse_webhook_event(std::string_view body) {
  std::string err;
  auto doc = json::parse(body, &err);
  if (!doc)
    return make_unexpected("the body is not JSON: " + err);
  if (!doc->IsObject())
    return make_unexpected(std::string("the body must be a JSON object, got ")
                           + json::type_name(*doc));
  webhook_event e;
  auto name = json::get_string(*doc, "eventName");
  if (!name || name->empty())
    return make_unexpected(std::string("eventName is missing (expected e.g. \"person.created\")"));
  e.event_name = *name;
  auto last_dot = name->rfind('.');
  if (last_dot == std::string::npos || last_dot == 0)
    return make_unexpected("eventName '" + *name + "' is not <object>.<action>");
  auto action = std::string_view(*name).substr(last_dot + 1);
  if (!parse_action(action, e.action))
    return make_unexpected("eventName '" + *name + "' has an unknown action '"
                           + std::string(action)
                           + "' (created, updated, deleted, destroyed, restored, upserted)");
  auto subject = name->substr(0, last_dot);
  if (subject == "metadata" || subject.rfind("metadata.", 0) == 0) {
    e.metadata = true;
    e.entity = subject.size() > 9 ? subject.substr(9) : std::string{};
  } else {
    e.object = subject;
    if (auto meta = json::find(*doc, "objectMetadata"))
      if (auto singular = json::get_string(*meta, "nameSingular"); singular && !singular->empty())
        e.object = *singular;
  }
  if ((e.metadata && e.entity.empty()) || (!e.metadata && e.object.empty()))
    return make_unexpected("eventName '" + *name + "' names no object");
  if (auto rec = json::find(*doc, "record"))
    e.record_id = json::get_string(*rec, "id").value_or("");
  e.webhook_id = json::get_string(*doc, "webhookId").value_or("");
  e.event_date = json::get_string(*doc, "eventDate").value_or("");
  if (auto fields = json::find(*doc, "updatedFields"); fields && fields->IsArray())
    for (auto& f : fields->GetArray())
      if (f.IsString())
        e.updated_fields.emplace_back(f.GetString());
  return e;
}

event_changes changes_for(const webhook_event& e, const workspace_schema* schema) {
  event_changes out;
  const object* obj = (schema && !e.metadata) ? schema->find_object(e.object) : nullptr;
  if (e.metadata || !obj) {
    // The shape of records may have changed, or the object is new to us: start over.
    out.tags.push_back("*");
    out.refresh_schema = true;
    for (const char* uri : {"twenty://schema", "twenty://objects"})
      out.uris.emplace_back(uri);
    if (!e.metadata) {
      out.uris.push_back("twenty://records/" + e.object);
      if (!e.record_id.empty())
        out.uris.push_back("twenty://records/" + e.object + "/" + e.record_id);
    }
    return out;
  }
  out.tags = tools::write_invalidations(*schema, *obj, e.record_id);
  // Subscriptions are kept by the URI the client used: plural or singular.
  for (const auto* name : {&obj->name_plural, &obj->name_singular}) {
    if (!e.record_id.empty())
      add_unique(out.uris, "twenty://records/" + *name + "/" + e.record_id);
    add_unique(out.uris, "twenty://records/" + *name);
  }
  for (auto& uri : dashboard_uris_for(obj->name_plural))
    add_unique(out.uris, uri);
  return out;
}

} // namespace tmcp::twenty

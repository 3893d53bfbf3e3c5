#include "store.hpp"

namespace standin {

bool row::soft_deleted() const {
  static const std::string key = "deletedAt";
  int hint = 3;  // id, createdAt, updatedAt, deletedAt
  auto v = find_member(data, key, hint);
  return v && !v->IsNull();
}

std::string_view action_name(event_action a) {
  switch (a) {
    case event_action::created: return "created";
    case event_action::updated: return "updated";
    case event_action::deleted: return "deleted";
    case event_action::destroyed: return "destroyed";
    case event_action::restored: return "restored";
  }
  return "updated";
}

api_error unknown_field(const object_def& o, std::string_view field) {
  return bad_request("Object " + o.name_singular + " doesn't have any \"" + std::string(field)
                     + "\" field.");
}

record_event make_event(event_action a, const object_def& o, const row& r,
                        std::vector<std::string> changed) {
  return record_event{a, o.name_singular, o.id, to_json(r.data), std::move(changed)};
}

row* store::find(const object_def& o, std::string_view id) {
  auto& t = table_for(o);
  auto it = t.by_id.find(std::string(id));
  return it == t.by_id.end() ? nullptr : it->second;
}

result<row*> store::create(const object_def& o, const json_value& input, const actor_info& who,
                           std::int64_t now_ms) {
  auto& a = alloc_;
  auto& t = table_for(o);
  json_value rec(rapidjson::kObjectType);
  const auto now = str_value(iso_time(now_ms), a);
  for (auto f : o.column_order()) {
    json_value v;
    if (f->is_many_to_one()) {
      rec.AddMember(str_value(f->join_column(), a), json_value(), a);
      continue;
    }
    if (f->name == "id")
      v = str_value(schema_.new_id(), a);
    else if (f->name == "createdAt" || f->name == "updatedAt")
      v.CopyFrom(now, a);
    else if (f->name == "position")
      v.SetInt64(static_cast<std::int64_t>(t.max_position) + 1);  // JSON.stringify prints 94, not 94.0
    else
      v = default_value(*f, who);
    rec.AddMember(str_value(f->name, a), v, a);
  }
  if (auto err = apply_input(o, rec, input, true, nullptr))
    return *err;
  std::string id = rec["id"].GetString();
  if (t.by_id.count(id))
    return api_error{400, "BadRequestException", "Record with id " + id + " already exists",
                     {}};
  refresh_search_vector(o, rec);
  if (rec.HasMember("position") && rec["position"].IsNumber())
    t.max_position = std::max(t.max_position, rec["position"].GetDouble());
  t.rows.push_back(row{id, std::move(rec), false});
  row* r = &t.rows.back();
  t.by_id.emplace(id, r);
  if (!r->soft_deleted())
    ++t.active;
  return r;
}

std::optional<api_error> store::update(const object_def& o, row& r, const json_value& input,
                                       const actor_info& who, std::int64_t now_ms,
                                       std::vector<std::string>* changed) {
  // Validate on a copy so a bad field leaves the record untouched.
  json_value copy(r.data, alloc_);
  std::vector<std::string> keys;
  if (auto err = apply_input(o, copy, input, false, &keys))
    return err;
  if (!keys.empty()) {
    refresh_search_vector(o, copy);
    if (copy.HasMember("updatedAt"))
      copy["updatedAt"] = str_value(iso_time(now_ms), alloc_);
    if (o.field("updatedBy") && copy.HasMember("updatedBy")) {
      actor_info a = who;
      copy["updatedBy"] = default_value(*o.field("updatedBy"), a);
    }
    r.data = copy;
  }
  if (changed)
    *changed = std::move(keys);
  return std::nullopt;
}

void store::soft_delete(const object_def& o, row& r, std::int64_t now_ms) {
  if (r.soft_deleted())
    return;
  r.data["deletedAt"] = str_value(iso_time(now_ms), alloc_);
  --table_for(o).active;
}

void store::restore(const object_def& o, row& r, std::int64_t now_ms) {
  if (!r.soft_deleted())
    return;
  r.data["deletedAt"].SetNull();
  r.data["updatedAt"] = str_value(iso_time(now_ms), alloc_);
  ++table_for(o).active;
}

void store::destroy(const object_def& o, row& r) {
  auto& t = table_for(o);
  if (!r.soft_deleted())
    --t.active;
  t.by_id.erase(r.id);
  r.destroyed = true;
  r.data.SetNull();  // the pool keeps the bytes; a test double can afford that
}

void store::add_column(const object_def& o, const field_def& f) {
  auto& t = table_for(o);
  std::string key = f.is_many_to_one() ? f.join_column() : f.name;
  if (f.is_one_to_many())
    return;
  for (auto& [id, r] : t.by_id) {
    if (r->data.HasMember(key.c_str()))
      continue;
    json_value v = f.is_many_to_one() ? json_value() : default_value(f, actor_info{});
    r->data.AddMember(str_value(key, alloc_), v, alloc_);
  }
}

void store::drop_column(const object_def& o, const std::string& key) {
  for (auto& [id, r] : table_for(o).by_id)
    r->data.RemoveMember(key.c_str());
}

}  // namespace standin

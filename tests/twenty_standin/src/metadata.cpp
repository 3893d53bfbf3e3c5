// Metadata DTOs and mutations (objects, fields, webhooks).
#include "metadata.hpp"

#include <algorithm>

namespace standin {

namespace {

json_value opt_str(const std::string& s, json_alloc& a) { return s.empty() ? json_value() : str_value(s, a); }

json_value object_ref(const object_def& o, json_alloc& a) {
  json_value v(rapidjson::kObjectType);
  v.AddMember("id", str_value(o.id, a), a);
  v.AddMember("nameSingular", str_value(o.name_singular, a), a);
  v.AddMember("namePlural", str_value(o.name_plural, a), a);
  return v;
}

std::string str_of(const json_value& in, const char* k) { return get_string(in, k); }

}  // namespace

json_value object_dto(const schema& s, const object_def& o, json_alloc& a, const char* fields_key) {
  json_value v(rapidjson::kObjectType);
  v.AddMember("id", str_value(o.id, a), a);
  v.AddMember("universalIdentifier", str_value(o.id, a), a);
  v.AddMember("nameSingular", str_value(o.name_singular, a), a);
  v.AddMember("namePlural", str_value(o.name_plural, a), a);
  v.AddMember("labelSingular", str_value(o.label_singular, a), a);
  v.AddMember("labelPlural", str_value(o.label_plural, a), a);
  v.AddMember("description", opt_str(o.description, a), a);
  v.AddMember("icon", opt_str(o.icon, a), a);
  v.AddMember("shortcut", json_value(), a);
  v.AddMember("color", json_value(), a);
  v.AddMember("isRemote", o.is_remote, a);
  v.AddMember("isActive", o.is_active, a);
  v.AddMember("isSystem", o.is_system, a);
  v.AddMember("isUIEditable", true, a);
  v.AddMember("isUICreatable", true, a);
  v.AddMember("isSearchable", o.field("searchVector") != nullptr, a);
  v.AddMember("applicationId", json_value(), a);
  auto label = o.label_identifier();
  v.AddMember("labelIdentifierFieldMetadataId", label ? str_value(label->id, a) : json_value(), a);
  v.AddMember("imageIdentifierFieldMetadataId", json_value(), a);
  v.AddMember("duplicateCriteria", json_value(), a);
  v.AddMember("createdAt", str_value(o.created_at, a), a);
  v.AddMember("updatedAt", str_value(o.updated_at, a), a);
  if (fields_key && *fields_key) {
    json_value fields(rapidjson::kArrayType);
    for (auto& f : o.fields) fields.PushBack(field_dto(s, o, *f, a), a);
    v.AddMember(rapidjson::StringRef(fields_key), fields, a);
  }
  return v;
}

json_value field_dto(const schema& s, const object_def& o, const field_def& f, json_alloc& a) {
  json_value v(rapidjson::kObjectType);
  v.AddMember("id", str_value(f.id, a), a);
  v.AddMember("universalIdentifier", str_value(f.id, a), a);
  v.AddMember("type", str_value(f.is_morph ? "MORPH_RELATION" : type_name(f.type), a), a);
  v.AddMember("name", str_value(f.name, a), a);
  v.AddMember("label", str_value(f.label, a), a);
  v.AddMember("description", opt_str(f.description, a), a);
  v.AddMember("icon", opt_str(f.icon, a), a);
  v.AddMember("isActive", f.is_active, a);
  v.AddMember("isSystem", f.is_system, a);
  v.AddMember("isUIEditable", !f.is_system, a);
  v.AddMember("isNullable", f.is_nullable, a);
  v.AddMember("isUnique", f.is_unique, a);
  v.AddMember("isSearchable", false, a);
  rapidjson::Document def;
  json_value dv;
  if (parse_json(f.default_json, def)) dv.CopyFrom(def, a);
  v.AddMember("defaultValue", dv, a);
  json_value options;
  if (!f.options.empty()) {
    options.SetArray();
    for (auto& opt : f.options) {
      json_value ov(rapidjson::kObjectType);
      ov.AddMember("id", str_value(opt.id, a), a);
      ov.AddMember("color", str_value(opt.color, a), a);
      ov.AddMember("label", str_value(opt.label, a), a);
      ov.AddMember("value", str_value(opt.value, a), a);
      ov.AddMember("position", opt.position, a);
      options.PushBack(ov, a);
    }
  }
  v.AddMember("options", options, a);
  json_value settings, relation;
  if (f.relation) {
    settings.SetObject();
    settings.AddMember("relationType", f.is_many_to_one() ? "MANY_TO_ONE" : "ONE_TO_MANY", a);
    if (f.is_many_to_one()) {
      settings.AddMember("onDelete", rapidjson::StringRef(f.is_morph ? "CASCADE" : "SET_NULL"), a);
      settings.AddMember("joinColumnName", str_value(f.join_column(), a), a);
    }
  }
  if (f.relation && !f.is_morph) {
    auto target = s.by_singular(f.relation->target_object);
    relation.SetObject();
    relation.AddMember("type", f.is_many_to_one() ? "MANY_TO_ONE" : "ONE_TO_MANY", a);
    relation.AddMember("sourceObjectMetadata", object_ref(o, a), a);
    relation.AddMember("targetObjectMetadata", target ? object_ref(*target, a) : json_value(), a);
    json_value src(rapidjson::kObjectType), dst;
    src.AddMember("id", str_value(f.id, a), a);
    src.AddMember("name", str_value(f.name, a), a);
    if (auto inv = target ? target->field(f.relation->inverse_field) : nullptr) {
      dst.SetObject();
      dst.AddMember("id", str_value(inv->id, a), a);
      dst.AddMember("name", str_value(inv->name, a), a);
    }
    relation.AddMember("sourceFieldMetadata", src, a);
    relation.AddMember("targetFieldMetadata", dst, a);
  }
  v.AddMember("settings", settings, a);
  v.AddMember("objectMetadataId", str_value(o.id, a), a);
  v.AddMember("relation", relation, a);
  v.AddMember("morphRelations", json_value(), a);
  v.AddMember("createdAt", str_value(f.created_at, a), a);
  v.AddMember("updatedAt", str_value(f.updated_at, a), a);
  return v;
}

json_value webhook_dto(const webhook_def& h, json_alloc& a) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  write_webhook(w, h);
  rapidjson::Document d;
  parse_json(sb.GetString(), d);
  return json_value(d, a);
}

result<object_def*> md_create_object(request_context& ctx, const json_value& in) {
  if (!in.IsObject()) return bad_request("object input is required");
  object_input oi{str_of(in, "nameSingular"), str_of(in, "namePlural"), str_of(in, "labelSingular"),
                  str_of(in, "labelPlural"), str_of(in, "description"), str_of(in, "icon")};
  object_def* out = nullptr;
  if (auto err = ctx.db.meta().create_object(oi, ctx.now_ms, &out)) return bad_request(*err);
  ctx.db.table_for(*out);  // created under the exclusive lock
  return out;
}

result<object_def*> md_update_object(request_context& ctx, const std::string& id, const json_value& up) {
  object_def* o = ctx.db.meta().by_id(id);
  if (!o) return not_found("Object does not exist");
  if (!up.IsObject()) return bad_request("update input is required");
  auto set = [&](const char* k, std::string& dst) { if (up.HasMember(k) && up[k].IsString()) dst = up[k].GetString(); };
  set("labelSingular", o->label_singular);
  set("labelPlural", o->label_plural);
  set("description", o->description);
  set("icon", o->icon);
  if (up.HasMember("isActive") && up["isActive"].IsBool()) o->is_active = up["isActive"].GetBool();
  o->updated_at = iso_time(ctx.now_ms);
  return o;
}

result<std::string> md_delete_object(request_context& ctx, const std::string& id, bool with_fields) {
  object_def* o = ctx.db.meta().by_id(id);
  if (!o) return not_found("Object does not exist");
  rapidjson::Document d;
  json_value dto = object_dto(ctx.db.meta(), *o, d.GetAllocator(), with_fields ? "fields" : nullptr);
  std::string singular = o->name_singular;
  // Relation columns on other objects that point here disappear with the object.
  for (auto& other : ctx.db.meta().objects())
    for (auto& f : other->fields)
      if (f->is_many_to_one() && f->relation->target_object == singular && other->name_singular != singular)
        ctx.db.drop_column(*other, f->join_column());
  if (auto err = ctx.db.meta().delete_object(id)) return bad_request(*err);
  ctx.db.drop_table(singular);
  return to_json(dto);
}

result<field_def*> md_create_field(request_context& ctx, const json_value& in) {
  if (!in.IsObject()) return bad_request("field input is required");
  field_input fi;
  fi.object_id = str_of(in, "objectMetadataId");
  fi.name = str_of(in, "name");
  fi.label = str_of(in, "label");
  fi.description = str_of(in, "description");
  fi.icon = str_of(in, "icon");
  fi.type = str_of(in, "type");
  if (in.HasMember("isNullable") && in["isNullable"].IsBool()) fi.is_nullable = in["isNullable"].GetBool();
  if (in.HasMember("defaultValue")) fi.default_json = to_json(in["defaultValue"]);
  if (in.HasMember("options") && in["options"].IsArray()) {
    int pos = 0;
    for (auto& o : in["options"].GetArray())
      fi.options.push_back({get_string(o, "id"), get_string(o, "value"), get_string(o, "label"),
                            get_string(o, "color", "gray"), pos++});
  }
  if (in.HasMember("relationCreationPayload") && in["relationCreationPayload"].IsObject()) {
    auto& r = in["relationCreationPayload"];
    fi.relation_target_object_id = get_string(r, "targetObjectMetadataId");
    fi.relation_target_label = get_string(r, "targetFieldLabel");
    fi.relation_type = get_string(r, "type", "MANY_TO_ONE");
  }
  field_def* f = nullptr;
  if (auto err = ctx.db.meta().create_field(fi, ctx.now_ms, &f)) return bad_request(*err);
  object_def* owner = nullptr;
  ctx.db.meta().field_by_id(f->id, &owner);
  ctx.db.add_column(*owner, *f);
  if (f->relation)
    if (auto target = ctx.db.meta().by_singular(f->relation->target_object))
      if (auto inv = target->field(f->relation->inverse_field)) ctx.db.add_column(*target, *inv);
  return f;
}

result<field_def*> md_update_field(request_context& ctx, const std::string& id, const json_value& up) {
  field_def* f = ctx.db.meta().field_by_id(id);
  if (!f) return not_found("Field does not exist");
  if (!up.IsObject()) return bad_request("update input is required");
  auto set = [&](const char* k, std::string& dst) { if (up.HasMember(k) && up[k].IsString()) dst = up[k].GetString(); };
  set("label", f->label);
  set("description", f->description);
  set("icon", f->icon);
  if (up.HasMember("isActive") && up["isActive"].IsBool()) f->is_active = up["isActive"].GetBool();
  if (up.HasMember("defaultValue")) f->default_json = to_json(up["defaultValue"]);
  if (up.HasMember("options") && up["options"].IsArray()) {
    f->options.clear();
    int pos = 0;
    for (auto& o : up["options"].GetArray())
      f->options.push_back({get_string(o, "id", ctx.db.meta().new_id()), get_string(o, "value"),
                            get_string(o, "label"), get_string(o, "color", "gray"), pos++});
  }
  f->updated_at = iso_time(ctx.now_ms);
  return f;
}

result<std::string> md_delete_field(request_context& ctx, const std::string& id) {
  object_def* owner = nullptr;
  field_def* f = ctx.db.meta().field_by_id(id, &owner);
  if (!f) return not_found("Field does not exist");
  rapidjson::Document d;
  std::string dto = to_json(field_dto(ctx.db.meta(), *owner, *f, d.GetAllocator()));
  if (!f->is_custom) return bad_request("Standard Fields cannot be deleted");
  std::string key = f->is_many_to_one() ? f->join_column() : f->name;
  std::optional<std::pair<object_def*, std::string>> inverse;
  if (f->relation)
    if (auto target = ctx.db.meta().by_singular(f->relation->target_object))
      if (auto inv = target->field(f->relation->inverse_field))
        inverse.emplace(target, inv->is_many_to_one() ? inv->join_column() : inv->name);
  if (auto err = ctx.db.meta().delete_field(id)) return bad_request(*err);
  ctx.db.drop_column(*owner, key);
  if (inverse) ctx.db.drop_column(*inverse->first, inverse->second);
  return dto;
}

result<webhook_def*> md_create_webhook(request_context& ctx, const json_value& in) {
  if (!in.IsObject()) return bad_request("webhook input is required");
  webhook_def h;
  h.id = get_string(in, "id");
  if (h.id.empty()) h.id = ctx.db.meta().new_id();
  else if (!is_uuid(h.id)) return bad_request("'" + h.id + "' is not a valid UUID");
  h.target_url = get_string(in, "targetUrl");
  if (h.target_url.rfind("http://", 0) != 0 && h.target_url.rfind("https://", 0) != 0)
    return bad_request("Invalid target URL provided");
  if (in.HasMember("operations") && in["operations"].IsArray())
    for (auto& op : in["operations"].GetArray())
      if (op.IsString()) h.operations.push_back(op.GetString());
  if (h.operations.empty()) h.operations.push_back("*.*");
  h.description = get_string(in, "description");
  h.secret = get_string(in, "secret");
  h.created_at = h.updated_at = iso_time(ctx.now_ms);
  ctx.webhooks->push_back(h);
  return &ctx.webhooks->back();
}

result<webhook_def*> md_update_webhook(request_context& ctx, const std::string& id, const json_value& up) {
  auto it = std::find_if(ctx.webhooks->begin(), ctx.webhooks->end(), [&](auto& h) { return h.id == id; });
  if (it == ctx.webhooks->end()) return not_found("Webhook not found");
  if (!up.IsObject()) return bad_request("update input is required");
  if (up.HasMember("targetUrl") && up["targetUrl"].IsString()) it->target_url = up["targetUrl"].GetString();
  if (up.HasMember("description") && up["description"].IsString()) it->description = up["description"].GetString();
  if (up.HasMember("secret") && up["secret"].IsString()) it->secret = up["secret"].GetString();
  if (up.HasMember("operations") && up["operations"].IsArray()) {
    it->operations.clear();
    for (auto& op : up["operations"].GetArray())
      if (op.IsString()) it->operations.push_back(op.GetString());
  }
  it->updated_at = iso_time(ctx.now_ms);
  return &*it;
}

result<webhook_def> md_delete_webhook(request_context& ctx, const std::string& id) {
  auto it = std::find_if(ctx.webhooks->begin(), ctx.webhooks->end(), [&](auto& h) { return h.id == id; });
  if (it == ctx.webhooks->end()) return not_found("Webhook not found");
  webhook_def h = *it;
  ctx.webhooks->erase(it);
  return h;
}

}  // namespace standin

// Runtime schema changes: the metadata API's createOneObject / createOneField / delete*.
#include "schema.hpp"

#include "json_util.hpp"

#include <algorithm>
#include <cctype>

namespace standin {

namespace {

bool is_camel_identifier(std::string_view s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s[0])))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

}  // namespace

std::optional<std::string> schema::create_object(const object_input& in, std::int64_t now_ms,
                                                  object_def** out) {
  if (!is_camel_identifier(in.name_singular) || !is_camel_identifier(in.name_plural))
    return "Name should be in camelCase and contain only alphanumeric characters";
  if (in.name_singular == in.name_plural)
    return "The singular and plural name cannot be the same for an object";
  for (auto& o : objects_)
    if (o->name_singular == in.name_singular || o->name_plural == in.name_plural
        || o->name_singular == in.name_plural || o->name_plural == in.name_singular)
      return "Object already exists";
  const std::string ts = iso_time(now_ms);
  auto label_s = in.label_singular.empty() ? capitalize(in.name_singular) : in.label_singular;
  auto label_p = in.label_plural.empty() ? capitalize(in.name_plural) : in.label_plural;
  auto& o = add_object(in.name_singular, in.name_plural, label_s, label_p, true, true, ts);
  o.description = in.description;
  if (!in.icon.empty())
    o.icon = in.icon;
  add_field(o, "name", field_type::text, ts);
  if (out)
    *out = &o;
  return std::nullopt;
}

std::optional<std::string> schema::create_field(const field_input& in, std::int64_t now_ms,
                                                 field_def** out) {
  auto obj = by_id(in.object_id);
  if (!obj)
    return "Object metadata does not exist";
  if (!is_camel_identifier(in.name))
    return "Name should be in camelCase and contain only alphanumeric characters";
  if (obj->field(in.name) || obj->field_by_join_column(in.name))
    return "Field already exists";
  auto type = parse_type(in.type);
  if (!type)
    return "Field type " + in.type + " is not supported";
  const std::string ts = iso_time(now_ms);
  if (*type == field_type::relation) {
    auto target = by_id(in.relation_target_object_id);
    if (!target)
      return "Relation creation payload is invalid: target object not found";
    auto inverse = camel_from_label(in.relation_target_label.empty() ? obj->label_plural
                                                                      : in.relation_target_label);
    if (target->field(inverse))
      return "Field already exists";
    bool source_m2o = in.relation_type != "ONE_TO_MANY";
    if (source_m2o)
      add_relation(*obj, in.name, *target, inverse, ts, true);
    else
      add_relation(*target, inverse, *obj, in.name, ts, true);
  } else {
    if ((*type == field_type::select || *type == field_type::multi_select) && in.options.empty())
      return "Options are required for enum fields";
    auto& f = add_field(*obj, in.name, *type, ts);
    f.options = in.options;
    for (auto& opt : f.options)
      if (opt.id.empty())
        opt.id = ids_.uuid_v4();
    if (!in.default_json.empty())
      f.default_json = in.default_json;
  }
  auto f = const_cast<field_def*>(obj->field(in.name));
  f->is_custom = true;
  f->is_nullable = in.is_nullable;
  if (!in.label.empty())
    f->label = in.label;
  f->description = in.description;
  f->icon = in.icon;
  if (out)
    *out = f;
  return std::nullopt;
}

std::optional<std::string> schema::delete_object(std::string_view id) {
  auto it = std::find_if(objects_.begin(), objects_.end(), [&](auto& o) { return o->id == id; });
  if (it == objects_.end())
    return "Object does not exist";
  if (!(*it)->is_custom)
    return "Standard Objects cannot be deleted";
  const std::string singular = (*it)->name_singular;
  objects_.erase(it);
  for (auto& o : objects_) {
    auto& fs = o->fields;
    fs.erase(std::remove_if(fs.begin(), fs.end(),
                            [&](auto& f) { return f->relation && f->relation->target_object == singular; }),
             fs.end());
  }
  return std::nullopt;
}

std::optional<std::string> schema::delete_field(std::string_view id) {
  object_def* owner = nullptr;
  auto f = field_by_id(id, &owner);
  if (!f)
    return "Field does not exist";
  if (!f->is_custom)
    return "Standard Fields cannot be deleted";
  if (f->relation) {
    if (auto target = by_singular(f->relation->target_object)) {
      auto inverse = f->relation->inverse_field;
      auto& tf = target->fields;
      tf.erase(std::remove_if(tf.begin(), tf.end(), [&](auto& x) { return x->name == inverse && x->relation; }),
               tf.end());
    }
  }
  auto& fs = owner->fields;
  fs.erase(std::remove_if(fs.begin(), fs.end(), [&](auto& x) { return x->id == id; }), fs.end());
  return std::nullopt;
}

}  // namespace standin

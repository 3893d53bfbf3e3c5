#include "integration/tools/schema_describe.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tmcp::twenty::tools {

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// System fields the brief form still shows: an agent filters and sorts on them every day.
bool brief_keeps(const field& f) {
  return !f.is_system || f.name == "id" || f.name == "createdAt" || f.name == "updatedAt"
         || f.name == "deletedAt";
}

std::string brief_kind(const field& f) {
  if (f.type != field_type::relation)
    return f.type_name.empty() ? to_string(f.type) : f.type_name;
  return f.is_many_to_one() ? "RELATION(" + f.relation_target_object + ")"
                            : "RELATION(many " + f.relation_target_object + ")";
}

void subfields(writer& w, const field& f) {
  if (!is_composite(f.type))
    return;
  w.Key("subfields");
  w.StartArray();
  for (const auto& s : composite_subfields(f.type))
    w.String(s.c_str());
  w.EndArray();
}

void brief_field(writer& w, const field& f) {
  w.StartObject();
  put(w, "name", f.name);
  put(w, "type", brief_kind(f));
  if (f.is_many_to_one() && !f.join_column.empty())
    put(w, "set_with", f.join_column);
  if (!f.nullable && !f.has_default() && is_writable(f)) {
    w.Key("required");
    w.Bool(true);
  }
  if (!is_writable(f)) {
    w.Key("readOnly");
    w.Bool(true);
  }
  if (!f.options.empty()) {
    w.Key("options");
    w.StartArray();
    for (const auto& o : f.options)
      w.String(o.value.c_str());
    w.EndArray();
  }
  subfields(w, f);
  // Most fields filter and sort; only the exceptions say so, to keep the answer short.
  if (!is_filterable(f)) {
    w.Key("filterable");
    w.Bool(false);
  }
  if (!is_sortable(f)) {
    w.Key("sortable");
    w.Bool(false);
  }
  w.EndObject();
}

void full_field(writer& w, const field& f) {
  w.StartObject();
  put(w, "name", f.name);
  if (!f.label.empty())
    put(w, "label", f.label);
  put(w, "type", f.type_name.empty() ? to_string(f.type) : f.type_name);
  w.Key("nullable");
  w.Bool(f.nullable);
  if (f.is_system) {
    w.Key("system");
    w.Bool(true);
  }
  if (f.is_unique) {
    w.Key("unique");
    w.Bool(true);
  }
  w.Key("readOnly");
  w.Bool(!is_writable(f));
  if (f.has_default()) {
    // Twenty stores select defaults SQL-quoted ("'NEW'"); agents want the value.
    auto v = f.default_value_json;
    if (v.size() >= 4 && v.compare(0, 2, "\"'") == 0 && v.compare(v.size() - 2, 2, "'\"") == 0)
      v = "\"" + v.substr(2, v.size() - 4) + "\"";
    w.Key("default");
    w.RawValue(v.c_str(), v.size(), rapidjson::kObjectType);
  }
  if (!f.options.empty()) {
    w.Key("options");
    w.StartArray();
    for (const auto& o : f.options) {
      w.StartObject();
      put(w, "value", o.value);
      put(w, "label", o.label);
      w.EndObject();
    }
    w.EndArray();
  }
  if (f.type == field_type::relation) {
    w.Key("relation");
    w.StartObject();
    put(w, "target", f.relation_target_object);
    put(w, "direction", f.relation_type.empty() ? std::string("UNKNOWN") : f.relation_type);
    if (f.is_many_to_one() && !f.join_column.empty())
      put(w, "join_column", f.join_column);
    w.EndObject();
  }
  subfields(w, f);
  w.Key("filterable");
  w.Bool(is_filterable(f));
  w.Key("sortable");
  w.Bool(is_sortable(f));
  if (!f.description.empty())
    put(w, "description", f.description);
  w.EndObject();
}

} // namespace

bool is_filterable(const field& f) {
  switch (f.type) {
    case field_type::relation: return f.is_many_to_one() && !f.join_column.empty();
    case field_type::morph_relation:
    case field_type::files:
    case field_type::raw_json:
    case field_type::ts_vector:
    case field_type::unknown: return false;
    default: return true;
  }
}

bool is_sortable(const field& f) {
  switch (f.type) {
    case field_type::relation:
    case field_type::morph_relation:
    case field_type::files:
    case field_type::raw_json:
    case field_type::ts_vector:
    case field_type::multi_select:
    case field_type::array:
    case field_type::rich_text:
    case field_type::rich_text_v2:
    case field_type::unknown: return false;
    default: return true;
  }
}

std::string describe_objects(const workspace_schema& schema, bool order_by_broken,
                             const std::function<bool(const object&)>& shown) {
  rapidjson::StringBuffer sb;
  writer w(sb);
  w.StartObject();
  w.Key("objects");
  w.StartArray();
  for (const auto& o : schema.objects) {
    if (!o.is_active || o.is_system || (shown && !shown(o)))
      continue;
    w.StartObject();
    put(w, "name", o.name_plural);
    put(w, "singular", o.name_singular);
    put(w, "label", o.label_plural);
    if (o.is_custom_guess) {
      w.Key("custom");
      w.Bool(true);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("version");
  w.Uint64(schema.version);
  w.Key("twenty");
  w.StartObject();
  put(w, "release", schema.release.family());
  put(w, "relations", schema.release.relations);
  w.Key("adaptations");
  w.StartArray();
  for (const auto& note : schema.release.notes)
    w.String(note.c_str(), static_cast<rapidjson::SizeType>(note.size()));
  if (order_by_broken)
    w.String("REST order_by fails on this release: depth 1 lists (REST) are served unsorted");
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return sb.GetString();
}

std::string describe_object(const object& obj, schema_detail detail) {
  rapidjson::StringBuffer sb;
  writer w(sb);
  w.StartObject();
  put(w, "name", obj.name_plural);
  put(w, "singular", obj.name_singular);
  put(w, "label", obj.label_singular);
  if (!obj.description.empty())
    put(w, "description", obj.description);
  std::vector<const field*> left_out;
  w.Key("fields");
  w.StartArray();
  for (const auto& f : obj.fields) {
    if (!f.is_active)
      continue;
    if (detail == schema_detail::full) {
      full_field(w, f);
    } else if (brief_keeps(f)) {
      brief_field(w, f);
    } else {
      left_out.push_back(&f);
    }
  }
  w.EndArray();
  if (!left_out.empty()) {
    // The brief form says what it hid and how to see it, so nothing looks missing.
    w.Key("left_out");
    w.StartObject();
    w.Key("count");
    w.Uint64(left_out.size());
    w.Key("fields");
    w.StartArray();
    for (auto f : left_out)
      w.String(f->name.c_str());
    w.EndArray();
    put(w, "how", "system fields; detail \"full\" lists every field");
    w.EndObject();
  }
  w.EndObject();
  return sb.GetString();
}

} // namespace tmcp::twenty::tools

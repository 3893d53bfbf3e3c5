// Per-object JSON Schemas (draft-04 keywords only) for tool inputs and outputs. They go into
// tools/list, so they are kept compact: no titles, descriptions only where they add something.
#include "integration/schema_model.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tmcp::twenty {

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Fields that Twenty fills in itself.
constexpr std::array<std::string_view, 8> server_managed = {
  "id", "createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position",
  "searchVector"};

void key(writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

void str(writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

std::string squash(std::string_view s) {
  std::string out;
  for (unsigned char c : s)
    if (std::isalnum(c))
      out += static_cast<char>(std::tolower(c));
  return out;
}

// The label when it says more than the name, then the description (shortened).
std::string describe(const field& f) {
  std::string d;
  if (!f.label.empty() && squash(f.label) != squash(f.name))
    d = f.label;
  if (!f.description.empty() && f.description != f.label) {
    auto text = f.description.size() > 160 ? f.description.substr(0, 157) + "..." : f.description;
    d += d.empty() ? text : ": " + text;
  }
  return d;
}

void simple(writer& w, const char* type, const char* format = nullptr,
            std::string_view description = {}) {
  w.StartObject();
  key(w, "type");
  w.String(type);
  if (format) {
    key(w, "format");
    w.String(format);
  }
  if (!description.empty()) {
    key(w, "description");
    str(w, description);
  }
  w.EndObject();
}

// `"name":["a","b"]`
void string_array(writer& w, const char* name, const std::vector<std::string>& values) {
  key(w, name);
  w.StartArray();
  for (auto& v : values)
    str(w, v);
  w.EndArray();
}

void string_enum(writer& w, const std::vector<std::string>& values) {
  w.StartObject();
  key(w, "type");
  w.String("string");
  if (!values.empty())
    string_array(w, "enum", values);
  w.EndObject();
}

// {"type":"object","properties":{name:string...},"additionalProperties":false}
void strings_object(writer& w, std::initializer_list<const char*> names) {
  w.StartObject();
  key(w, "type");
  w.String("object");
  key(w, "properties");
  w.StartObject();
  for (auto n : names) {
    key(w, n);
    simple(w, "string");
  }
  w.EndObject();
  key(w, "additionalProperties");
  w.Bool(false);
  w.EndObject();
}

void array_of_strings_objects(writer& w, std::initializer_list<const char*> names) {
  w.StartObject();
  key(w, "type");
  w.String("array");
  key(w, "items");
  strings_object(w, names);
  w.EndObject();
}

// Opens a composite object schema; the caller writes properties and calls close_composite.
void open_composite(writer& w, const std::string& description) {
  w.StartObject();
  key(w, "type");
  w.String("object");
  if (!description.empty()) {
    key(w, "description");
    str(w, description);
  }
  key(w, "properties");
  w.StartObject();
}

void close_composite(writer& w) {
  w.EndObject();
  key(w, "additionalProperties");
  w.Bool(false);
  w.EndObject();
}

std::vector<std::string> option_values(const field& f) {
  std::vector<std::string> out;
  for (auto& o : f.options)
    out.push_back(o.value);
  if (out.empty() && f.type == field_type::rating)
    out = {"RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5"};
  return out;
}

void composite_input(writer& w, const field& f, const std::string& d) {
  switch (f.type) {
    case field_type::full_name:
      open_composite(w, d);
      for (auto n : {"firstName", "lastName"}) {
        key(w, n);
        simple(w, "string");
      }
      break;
    case field_type::emails:
      open_composite(w, d);
      key(w, "primaryEmail");
      simple(w, "string");
      key(w, "additionalEmails");
      w.StartObject();
      key(w, "type");
      w.String("array");
      key(w, "items");
      simple(w, "string");
      w.EndObject();
      break;
    case field_type::phones:
      open_composite(w, d);
      key(w, "primaryPhoneNumber");
      simple(w, "string");
      key(w, "primaryPhoneCountryCode");
      simple(w, "string", nullptr, "e.g. FR");
      key(w, "primaryPhoneCallingCode");
      simple(w, "string", nullptr, "e.g. +33");
      key(w, "additionalPhones");
      array_of_strings_objects(w, {"number", "countryCode", "callingCode"});
      break;
    case field_type::links:
      open_composite(w, d);
      key(w, "primaryLinkUrl");
      simple(w, "string");
      key(w, "primaryLinkLabel");
      simple(w, "string");
      key(w, "secondaryLinks");
      array_of_strings_objects(w, {"url", "label"});
      break;
    case field_type::currency:
      open_composite(w, d);
      key(w, "amountMicros");
      simple(w, "integer", nullptr, "amount x 1000000");
      key(w, "currencyCode");
      simple(w, "string", nullptr, "ISO 4217, e.g. USD");
      break;
    case field_type::address:
      open_composite(w, d);
      for (auto n : {"addressStreet1", "addressStreet2", "addressCity", "addressState",
                     "addressCountry", "addressPostcode"}) {
        key(w, n);
        simple(w, "string");
      }
      for (auto n : {"addressLat", "addressLng"}) {
        key(w, n);
        simple(w, "number");
      }
      break;
    default: // rich text
      open_composite(w, d.empty() ? "send markdown" : d + " (send markdown)");
      key(w, "markdown");
      simple(w, "string");
      key(w, "blocknote");
      simple(w, "string", nullptr, "BlockNote JSON; omit");
      break;
  }
  close_composite(w);
}

void field_input(writer& w, const field& f, input_mode mode) {
  auto d = describe(f);
  switch (f.type) {
    case field_type::relation: {
      auto what = "id of the related " + f.relation_target_object + (d.empty() ? "" : " (" + d + ")");
      w.StartObject();
      key(w, "type");
      if (mode == input_mode::update) {
        w.StartArray();
        w.String("string");
        w.String("null");
        w.EndArray();
      } else {
        w.String("string");
      }
      key(w, "format");
      w.String("uuid");
      key(w, "description");
      str(w, what);
      w.EndObject();
      return;
    }
    case field_type::text:
    case field_type::rich_text_deprecated: return simple(w, "string", nullptr, d);
    case field_type::uuid: return simple(w, "string", "uuid", d);
    case field_type::number:
    case field_type::numeric: return simple(w, "number", nullptr, d);
    case field_type::boolean: return simple(w, "boolean", nullptr, d);
    case field_type::date: return simple(w, "string", "date", d);
    case field_type::date_time: return simple(w, "string", "date-time", d);
    case field_type::select:
    case field_type::rating:
      string_enum(w, option_values(f));
      return;
    case field_type::multi_select:
      w.StartObject();
      key(w, "type");
      w.String("array");
      key(w, "items");
      string_enum(w, option_values(f));
      w.EndObject();
      return;
    case field_type::array:
      w.StartObject();
      key(w, "type");
      w.String("array");
      key(w, "items");
      simple(w, "string");
      w.EndObject();
      return;
    case field_type::files:
      w.StartObject();
      key(w, "type");
      w.String("array");
      key(w, "items");
      simple(w, "object");
      w.EndObject();
      return;
    case field_type::full_name:
    case field_type::emails:
    case field_type::phones:
    case field_type::links:
    case field_type::currency:
    case field_type::address:
    case field_type::rich_text:
    case field_type::rich_text_v2: return composite_input(w, f, d);
    default: // RAW_JSON and types this build does not know: any JSON
      w.StartObject();
      if (!d.empty()) {
        key(w, "description");
        str(w, d);
      }
      w.EndObject();
      return;
  }
}

// A type list such as ["string","null"].
void types(writer& w, std::initializer_list<const char*> ts) {
  w.StartObject();
  key(w, "type");
  w.StartArray();
  for (auto t : ts)
    w.String(t);
  w.EndArray();
  w.EndObject();
}

void field_output(writer& w, const field& f) {
  switch (f.type) {
    case field_type::text:
    case field_type::uuid:
    case field_type::date:
    case field_type::date_time:
    case field_type::select:
    case field_type::rating:
    case field_type::rich_text_deprecated: return types(w, {"string", "null"});
    case field_type::number:
    case field_type::position: return types(w, {"number", "null"});
    case field_type::numeric: return types(w, {"number", "string", "null"});
    case field_type::boolean: return types(w, {"boolean", "null"});
    case field_type::multi_select:
    case field_type::array:
    case field_type::files: return types(w, {"array", "null"});
    case field_type::relation:
      return f.is_many_to_one() ? types(w, {"object", "null"}) : types(w, {"array", "null"});
    default:
      if (is_composite(f.type))
        return types(w, {"object", "null"});
      w.StartObject();
      w.EndObject();
      return;
  }
}

} // namespace

bool is_writable(const field& f) {
  if (!f.is_active || f.is_system)
    return false;
  if (std::find(server_managed.begin(), server_managed.end(), f.name) != server_managed.end())
    return false;
  switch (f.type) {
    case field_type::actor:
    case field_type::position:
    case field_type::ts_vector:
    case field_type::morph_relation: return false;
    case field_type::relation: return f.is_many_to_one() && !f.join_column.empty();
    default: return true;
  }
}

std::string record_input_schema(const object& obj, input_mode mode) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  std::vector<std::string> required;
  std::set<std::string> emitted;
  w.StartObject();
  key(w, "type");
  w.String("object");
  key(w, "properties");
  w.StartObject();
  for (auto& f : obj.fields) {
    if (!is_writable(f))
      continue;
    const auto& name = f.type == field_type::relation ? f.join_column : f.name;
    if (!emitted.insert(name).second)
      continue;
    key(w, name);
    field_input(w, f, mode);
    if (mode == input_mode::create && !f.nullable && !f.has_default())
      required.push_back(name);
  }
  w.EndObject();
  key(w, "additionalProperties");
  w.Bool(false);
  if (!required.empty())
    string_array(w, "required", required);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string record_output_schema(const object& obj) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  key(w, "type");
  w.String("object");
  key(w, "properties");
  w.StartObject();
  key(w, "id");
  simple(w, "string");
  // Old servers list join columns (companyId) as fields of their own: no duplicate keys.
  std::set<std::string> emitted{"id"};
  for (auto& f : obj.fields) {
    if (!f.is_active || f.type == field_type::ts_vector || !emitted.insert(f.name).second)
      continue;
    key(w, f.name);
    field_output(w, f);
    if (f.is_many_to_one() && !f.join_column.empty() && emitted.insert(f.join_column).second) {
      key(w, f.join_column);
      types(w, {"string", "null"});
    }
  }
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

} // namespace tmcp::twenty

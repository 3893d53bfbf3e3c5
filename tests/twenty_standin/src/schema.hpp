// Workspace metadata: objects, fields, relations and select options (Twenty v2.43 names).
#pragma once

#include "releases.hpp"
#include "rng.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace standin {

enum class field_type {
  uuid, text, number, numeric, boolean, date_time, date, select, multi_select, rating, position,
  raw_json, array, full_name, emails, phones, links, address, currency, actor, rich_text,
  ts_vector, relation
};

std::string_view type_name(field_type t);  // "TEXT", "FULL_NAME", ...
std::optional<field_type> parse_type(std::string_view name);
bool is_composite(field_type t);
// Subfield names in Twenty's order; empty for non-composite types.
const std::vector<std::string>& composite_subfields(field_type t);

struct select_option {
  std::string id, value, label, color;
  int position = 0;
};

struct relation_def {
  bool many_to_one = true;     // this side holds the `<name>Id` column
  std::string target_object;   // nameSingular of the other side
  std::string inverse_field;   // field name on the other side
};

struct field_def {
  std::string id, name, label, description, icon;
  field_type type = field_type::text;
  bool is_system = false, is_custom = false, is_active = true, is_nullable = true;
  bool is_unique = false, is_ui_editable = true;
  // 2.5 and 2.19 junction targets (taskTarget.targetCompany): MORPH_RELATION, no `relation`.
  bool is_morph = false;
  std::vector<select_option> options;
  std::string default_json = "null";  // metadata defaultValue, as JSON text
  std::optional<relation_def> relation;
  std::string created_at, updated_at;

  bool is_many_to_one() const { return relation && relation->many_to_one; }
  bool is_one_to_many() const { return relation && !relation->many_to_one; }
  std::string join_column() const { return name + "Id"; }
};

struct object_def {
  std::string id, name_singular, name_plural, label_singular, label_plural, description, icon;
  bool is_custom = false, is_system = false, is_active = true, is_remote = false;
  std::string created_at, updated_at;
  std::vector<std::unique_ptr<field_def>> fields;

  const field_def* field(std::string_view name) const;
  // companyId -> the `company` relation field.
  const field_def* field_by_join_column(std::string_view column) const;
  // The record key order: ids/dates, business fields, system fields, then foreign keys.
  std::vector<const field_def*> column_order() const;
  const field_def* label_identifier() const;
  std::string pascal_singular() const;
};

// Input for a new custom object or field; strings empty when not given.
struct object_input {
  std::string name_singular, name_plural, label_singular, label_plural, description, icon;
};
struct field_input {
  std::string object_id, name, label, description, icon, type;
  std::vector<select_option> options;
  std::string default_json;
  bool is_nullable = true;
  // RELATION only: the other object and the inverse field label, MANY_TO_ONE or ONE_TO_MANY.
  std::string relation_target_object_id, relation_target_label, relation_type;
};

class schema {
public:
  // Builds the standard objects plus the custom `contract` object; ids derive from seed. The
  // standard fields are the release's (release_fields in schema.cpp).
  explicit schema(std::uint64_t seed, std::int64_t created_ms,
                  twenty_release release = twenty_release::newest);

  const std::vector<std::unique_ptr<object_def>>& objects() const { return objects_; }
  object_def* by_plural(std::string_view name) const;
  object_def* by_singular(std::string_view name) const;
  object_def* by_id(std::string_view id) const;
  field_def* field_by_id(std::string_view id, object_def** owner = nullptr) const;

  // Mutations return an error message, or nullopt on success; `out` receives the new entity.
  std::optional<std::string> create_object(const object_input& in, std::int64_t now_ms,
                                           object_def** out);
  std::optional<std::string> create_field(const field_input& in, std::int64_t now_ms,
                                          field_def** out);
  // Deletes a custom object (and the relation fields pointing at it).
  std::optional<std::string> delete_object(std::string_view id);
  std::optional<std::string> delete_field(std::string_view id);

  std::string new_id() { return ids_.uuid_v4(); }

private:
  object_def& add_object(const std::string& singular, const std::string& plural,
                         const std::string& label_s, const std::string& label_p, bool custom,
                         bool all_system_fields, const std::string& ts);
  field_def& add_field(object_def& o, const std::string& name, field_type t, const std::string& ts,
                       bool system = false);
  void add_relation(object_def& from, const std::string& name, object_def& to,
                    const std::string& inverse, const std::string& ts, bool custom = false);
  void add_select(field_def& f, const std::vector<std::string>& values, const std::string& def);
  void add_release_fields(twenty_release release, const std::string& ts);

  rng ids_;
  std::vector<std::unique_ptr<object_def>> objects_;
};

// "Annual revenue" -> "annualRevenue".
std::string camel_from_label(std::string_view label);

}  // namespace standin

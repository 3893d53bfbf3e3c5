// Small schema-derived helpers shared by the per-object tools and the resources/prompts:
// snake_case tool-name parts, the fields an agent can filter on, and select options.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "integration/schema_model.hpp"

namespace tmcp::twenty::tools {

// camelCase -> snake_case with only [a-z0-9_]: workspaceMembers -> workspace_members,
// "API keys2" -> api_keys2. Runs of other characters become one '_'; no leading/trailing '_'.
inline std::string snake_case(std::string_view name) {
  std::string out;
  auto push_sep = [&out] {
    if (!out.empty() && out.back() != '_')
      out += '_';
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') {
      // A word boundary: fooBar, or the last capital of an acronym followed by lowercase
      // (HTTPServer -> http_server).
      bool prev_lower = i > 0 && ((name[i - 1] >= 'a' && name[i - 1] <= 'z')
                                  || (name[i - 1] >= '0' && name[i - 1] <= '9'));
      bool acronym_end = i > 0 && name[i - 1] >= 'A' && name[i - 1] <= 'Z' && i + 1 < name.size()
                         && name[i + 1] >= 'a' && name[i + 1] <= 'z';
      if (prev_lower || acronym_end)
        push_sep();
      out += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else {
      push_sep();
    }
  }
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  return out;
}

// ".firstName" for FULL_NAME and the like: the subfield a filter on the composite usually means.
inline std::string main_subfield(field_type t) {
  switch (t) {
    case field_type::full_name: return ".firstName";
    case field_type::emails: return ".primaryEmail";
    case field_type::links: return ".primaryLinkUrl";
    case field_type::currency: return ".amountMicros";
    case field_type::address: return ".addressCity";
    default: return "";
  }
}

// Field paths usable in a REST filter, most useful first: the label identifier, selects,
// emails/names, many-to-one join columns (companyId), then the remaining scalar fields. Skips
// one-to-many relations, search vectors, positions, actors and rich text. With `paths`,
// composites get their main subfield (name.firstName, emails.primaryEmail); else bare names.
inline std::vector<std::string> filterable_fields(const object& obj, bool paths = true) {
  std::vector<std::string> first, second, rest, system;
  for (const auto& f : obj.fields) {
    if (!f.is_active)
      continue;
    switch (f.type) {
      case field_type::ts_vector:
      case field_type::position:
      case field_type::actor:
      case field_type::morph_relation:
      case field_type::rich_text:
      case field_type::rich_text_v2:
      case field_type::raw_json:
      case field_type::files: continue;
      case field_type::relation:
        if (f.is_many_to_one() && !f.join_column.empty())
          second.push_back(f.join_column);
        continue;
      default: break;
    }
    std::string path = f.name;
    if (paths)
      path += main_subfield(f.type);
    if (f.name == obj.label_identifier_field || f.type == field_type::select
        || f.type == field_type::multi_select || f.type == field_type::emails
        || (f.name == "name" && !f.is_system))
      first.push_back(path);
    else if (!f.is_system)
      rest.push_back(path);
    else if (f.name != "id")
      system.push_back(path); // createdAt, updatedAt, deletedAt
  }
  for (auto* more : {&second, &rest, &system})
    first.insert(first.end(), more->begin(), more->end());
  return first;
}

// The option values of a SELECT or MULTI_SELECT field; empty for any other field.
inline std::vector<std::string> select_values(const object& obj, std::string_view field_name) {
  std::vector<std::string> out;
  auto f = obj.find_field(field_name);
  if (!f || (f->type != field_type::select && f->type != field_type::multi_select))
    return out;
  for (const auto& o : f->options)
    out.push_back(o.value);
  return out;
}

} // namespace tmcp::twenty::tools

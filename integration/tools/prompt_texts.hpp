// The texts of the catalog's schema prompts (explore_object, find_records, analyze_pipeline),
// built from the live schema: the tool calls they suggest name real
// objects, fields, filters and select options. Pure functions; resources.cpp registers them.
#pragma once

#include <string>
#include <vector>

#include "integration/tools/schema_hints.hpp"
#include "integration/url.hpp"
#include "protocol/json.hpp"
#include "protocol/suggest.hpp"

namespace tmcp::twenty::tools::prompts {

// The text of a prompt, or why the arguments cannot make one (an invalid-params message).
struct text {
  std::string body;
  std::string error;
};

inline text fail(std::string why) {
  return {"", std::move(why)};
}

// How the prompt refers to the tools: through the core tools when they exist, else the
// per-object ones.
struct tool_names {
  bool core = true;

  // "twenty_list_records with {"object":"people",...}" or "twenty_list_people with {...}".
  std::string list(const std::string& plural, const std::string& members) const {
    if (core)
      return "twenty_list_records with {\"object\":" + json::quote(plural)
             + (members.empty() ? "" : "," + members) + "}";
    return "twenty_list_" + snake_case(plural) + " with {" + members + "}";
  }
  std::string get(const object& obj, const std::string& members) const {
    if (core)
      return "twenty_get_record with {\"object\":" + json::quote(obj.name_plural) + ","
             + members + "}";
    return "twenty_get_" + snake_case(obj.name_singular) + " with {" + members + "}";
  }
  std::string schema(const std::string& plural) const {
    return core ? "twenty_get_schema with {\"object\":" + json::quote(plural) + "}"
                : "the resource twenty://fields/" + plural;
  }
};

inline std::string label_of(const object& o) {
  return o.label_plural.empty() ? o.name_plural : o.label_plural;
}

inline std::string join_values(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + v[i];
  return out;
}

// The active object `name` of `schema`, or an error naming the closest one.
inline const object* resolve(const workspace_schema& schema, const std::string& name,
                             std::string& error) {
  auto obj = schema.find_object(name);
  if (obj && obj->is_active)
    return obj;
  error = suggest_object(schema, name);
  if (error.empty())
    error = "unknown object '" + name + "'";
  return nullptr;
}

// The field behind a name or path (name, name.firstName, companyId), or an error with advice.
inline const field* resolve_field(const object& obj, const std::string& path, std::string& error) {
  auto f = obj.find_field(path.substr(0, path.find('.')));
  if (f && f->is_active)
    return f;
  error = "object '" + obj.name_plural + "' has no field '" + path + "'";
  auto names = filterable_fields(obj, false);
  if (auto s = closest_match(path, names))
    error += "; did you mean '" + *s + "'?";
  else
    error += "; its fields: " + join_values(names);
  return nullptr;
}

// Double quotes end a quoted filter value and cannot be escaped.
inline std::string unquoted(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '"')
      out += c;
  return out;
}

// A REST filter matching `value` in field `f` (as the agent named it: `path`).
inline std::string filter_for(const field& f, const std::string& path, const std::string& value) {
  auto v = unquoted(value);
  bool has_sub = path.find('.') != std::string::npos;
  switch (f.type) {
    case field_type::select: return path + "[eq]:" + v;
    case field_type::multi_select: return path + "[containsAny]:[" + v + "]";
    case field_type::full_name:
      if (!has_sub)
        return "or(" + f.name + ".firstName[ilike]:\"%" + v + "%\"," + f.name
               + ".lastName[ilike]:\"%" + v + "%\")";
      break;
    case field_type::emails:
      return (has_sub ? path : f.name + ".primaryEmail") + "[ilike]:\"%" + v + "%\"";
    case field_type::links:
      return (has_sub ? path : f.name + ".primaryLinkUrl") + "[ilike]:\"%" + v + "%\"";
    case field_type::address:
      return (has_sub ? path : f.name + ".addressCity") + "[ilike]:\"%" + v + "%\"";
    case field_type::relation: return (f.join_column.empty() ? path : f.join_column) + "[eq]:" + v;
    case field_type::currency:
      return (has_sub ? path : f.name + ".amountMicros") + "[eq]:" + v;
    case field_type::number:
    case field_type::numeric:
    case field_type::rating:
    case field_type::boolean:
    case field_type::uuid:
    case field_type::date:
    case field_type::date_time: return path + "[eq]:" + v;
    default: break;
  }
  return path + "[ilike]:\"%" + v + "%\"";
}

inline text explore_object(const workspace_schema* schema, const tool_names& tools,
                           const std::string& object_name, const std::string& field_name) {
  std::string plural = object_name, label = object_name, focus;
  if (schema) {
    std::string error;
    auto obj = resolve(*schema, object_name, error);
    if (!obj)
      return fail(error);
    plural = obj->name_plural;
    label = label_of(*obj);
    if (!field_name.empty()) {
      auto f = resolve_field(*obj, field_name, error);
      if (!f)
        return fail(error);
      focus = " (" + std::string(to_string(f->type));
      if (!f->options.empty()) {
        std::vector<std::string> values;
        for (const auto& o : f->options)
          values.push_back(o.value);
        focus += ", options " + join_values(values);
      }
      focus += ")";
    }
  }
  std::string body = "Explain the Twenty object '" + plural + "' (" + label + ") to me.\n"
                     "1. Call " + tools.schema(plural) + " for its fields, types, select "
                     "options and relations.\n"
                     "2. Call " + tools.list(plural, "\"limit\":5") + " to see sample records.\n"
                     "3. Summarise in a few lines: what a record represents, the key fields and "
                     "how the samples fill them, its relations to other objects, and two or "
                     "three useful filters (field[op]:value).";
  if (!field_name.empty())
    body += "\nFocus on the field '" + field_name + "'" + focus
            + ": what it means, which values occur in the samples and how to filter on it.";
  return {body, ""};
}

inline text find_records(const workspace_schema* schema, const tool_names& tools,
                         const std::string& object_name, const std::string& field_name,
                         const std::string& value) {
  std::string plural = object_name, label = object_name;
  std::string clause = field_name + "[eq]:" + (value.empty() ? "<value>" : unquoted(value));
  std::string hint;
  if (schema) {
    std::string error;
    auto obj = resolve(*schema, object_name, error);
    if (!obj)
      return fail(error);
    auto f = resolve_field(*obj, field_name, error);
    if (!f)
      return fail(error);
    plural = obj->name_plural;
    label = label_of(*obj);
    auto options = select_values(*obj, f->name);
    if (!value.empty() && !options.empty()
        && std::find(options.begin(), options.end(), value) == options.end())
      return fail("'" + value + "' is not an option of " + plural + "." + f->name
                  + "; the options are " + join_values(options));
    clause = filter_for(*f, field_name, value.empty() ? "<value>" : value);
    if (!options.empty())
      hint = " The allowed values of " + f->name + " are " + join_values(options) + ".";
    if (f->type == field_type::currency)
      hint = " Amounts are in micros: amountMicros = amount x 1,000,000.";
  }
  std::string body =
    "Find the " + label + " records whose " + field_name + " matches "
    + (value.empty() ? "the value I give you (ask me for it first)" : "'" + value + "'") + ".\n"
    + "Call " + tools.list(plural, "\"filter\":" + json::quote(clause) + ",\"limit\":20") + "."
    + hint + " If the answer has nextCursor, page on with \"cursor\" while you need more. If "
    "nothing matches, loosen the filter (ilike with %...%) or try twenty_search_records.\n"
    "Show the matches as a short list: id plus the fields that identify each record.";
  return {body, ""};
}

inline text analyze_pipeline(const workspace_schema* schema, const tool_names& tools,
                             const std::string& stage) {
  const object* opp = schema ? schema->find_object("opportunity") : nullptr;
  if (schema && (!opp || !opp->is_active))
    return fail("this workspace has no opportunities object to analyse");
  std::vector<std::string> stages = opp ? select_values(*opp, "stage") : std::vector<std::string>{};
  if (!stage.empty() && !stages.empty()
      && std::find(stages.begin(), stages.end(), stage) == stages.end())
    return fail("'" + stage + "' is not an opportunity stage; the stages are "
                + join_values(stages));
  std::string fields;
  for (const char* f : {"name", "stage", "amount", "closeDate", "companyId", "ownerId"})
    if (!opp || opp->find_field(f))
      fields += (fields.empty() ? "\"" : ",\"") + std::string(f) + "\"";
  std::string members = "\"fields\":[" + fields + "],\"order_by\":\"closeDate[AscNullsLast]\","
                        "\"limit\":200";
  if (!stage.empty())
    members += ",\"filter\":" + json::quote("stage[eq]:" + stage);
  std::string body =
    "Analyse the sales pipeline" + (stage.empty() ? "" : " at stage " + stage) + " in Twenty.\n"
    "1. Call " + tools.list("opportunities", members)
    + " and follow nextCursor until every opportunity is loaded.\n"
    + (stage.empty()
         ? "2. Per stage" + (stages.empty() ? "" : " (pipeline order: " + join_values(stages) + ")")
             + ": the number of deals and the total amount per currency.\n"
         : "2. The number of deals and the total amount per currency.\n")
    + "   Amounts are amount.amountMicros / 1,000,000 in amount.currencyCode.\n"
      "3. Close dates: deals closing in the next 30 days, and overdue ones (closeDate in the past"
    + (stages.empty() ? "" : ", stage not " + stages.back()) + ").\n"
    + "4. Point out the largest deals and the risks, and suggest the next steps; "
    + (opp ? tools.get(*opp, "\"id\":\"<id>\",\"depth\":1") : std::string("twenty_get_record"))
    + " shows a deal's company and contacts.";
  return {body, ""};
}

} // namespace tmcp::twenty::tools::prompts

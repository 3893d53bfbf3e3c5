#include "protocol/schema_messages.hpp"

#include <algorithm>

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>

#include "protocol/suggest.hpp"

namespace tmcp {

namespace {

// "/filter/limit" -> "filter.limit"; the root is "arguments".
std::string path_of(const rapidjson::Pointer& p) {
  std::string out;
  for (std::size_t i = 0; i < p.GetTokenCount(); ++i) {
    if (!out.empty())
      out += '.';
    out.append(p.GetTokens()[i].name, p.GetTokens()[i].length);
  }
  return out.empty() ? "arguments" : "'" + out + "'";
}

std::string join_path(const std::string& parent, const std::string& child) {
  return parent == "arguments" ? "'" + child + "'"
                               : parent.substr(0, parent.size() - 1) + "." + child + "'";
}

std::string list_of(const json::value& arr) {
  std::string out;
  for (const auto& v : arr.GetArray()) {
    if (!out.empty())
      out += ", ";
    out += v.IsString() ? std::string(v.GetString()) : json::stringify(v);
  }
  return out;
}

} // namespace

std::string describe_schema_violation(const json::value& schema,
                                      const rapidjson::SchemaValidator& validator,
                                      const json::value& instance) {
  std::string keyword = validator.GetInvalidSchemaKeyword();
  auto doc_ptr = validator.GetInvalidDocumentPointer();
  auto where = path_of(doc_ptr);
  const json::value* sub = validator.GetInvalidSchemaPointer().Get(schema);
  const json::value* got = doc_ptr.Get(instance);
  auto prefix = std::string("Invalid arguments: ");
  if (!sub)
    return prefix + where + " does not match the tool's inputSchema (" + keyword + ")";
  const json::value* rule = json::find(*sub, keyword.c_str());
  if (keyword == "required" && rule && rule->IsArray() && got && got->IsObject()) {
    for (const auto& r : rule->GetArray())
      if (r.IsString() && !got->HasMember(r.GetString()))
        return prefix + "missing required " + join_path(where, r.GetString());
  }
  if (keyword == "additionalProperties") {
    std::vector<std::string> known;
    if (auto props = json::find(*sub, "properties"); props && props->IsObject())
      for (const auto& m : props->GetObject())
        known.emplace_back(m.name.GetString());
    // RapidJSON points at the unknown member itself; older paths point at the object.
    std::vector<std::string> unknown;
    std::string parent = where;
    if (got && got->IsObject() && doc_ptr.GetTokenCount() == 0) {
      for (const auto& m : got->GetObject())
        if (std::find(known.begin(), known.end(), m.name.GetString()) == known.end())
          unknown.emplace_back(m.name.GetString());
    } else if (doc_ptr.GetTokenCount() > 0) {
      const auto& last = doc_ptr.GetTokens()[doc_ptr.GetTokenCount() - 1];
      unknown.emplace_back(last.name, last.length);
      auto parent_ptr = rapidjson::Pointer(doc_ptr.GetTokens(), doc_ptr.GetTokenCount() - 1);
      parent = path_of(parent_ptr);
    }
    if (!unknown.empty()) {
      auto msg = prefix + "unknown " + join_path(parent, unknown.front());
      if (auto s = closest_match(unknown.front(), known))
        msg += "; did you mean '" + *s + "'?";
      else if (!known.empty()) {
        msg += "; allowed: ";
        for (std::size_t i = 0; i < known.size(); ++i)
          msg += (i ? ", " : "") + known[i];
      }
      return msg;
    }
  }
  if (keyword == "type" && rule) {
    auto want = rule->IsString() ? std::string(rule->GetString()) : list_of(*rule);
    return prefix + where + " must be of type " + want + ", got "
           + (got ? json::type_name(*got) : "nothing");
  }
  if (keyword == "enum" && rule && rule->IsArray()) {
    auto msg = prefix + where + " must be one of: " + list_of(*rule);
    if (got && got->IsString()) {
      std::vector<std::string> options;
      for (const auto& v : rule->GetArray())
        if (v.IsString())
          options.emplace_back(v.GetString());
      if (auto s = closest_match(got->GetString(), options))
        msg += " (did you mean '" + *s + "'?)";
    }
    return msg;
  }
  if (rule)
    return prefix + where + " violates \"" + keyword + "\": " + json::stringify(*rule);
  return prefix + where + " violates \"" + keyword + "\"";
}

} // namespace tmcp

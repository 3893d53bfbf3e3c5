#include "protocol/catalog.hpp"

#include <algorithm>

#include <rapidjson/schema.h>

#include "protocol/base64.hpp"
#include "protocol/schema_messages.hpp"

namespace tmcp {

struct compiled_schema {
  json::document source;
  std::unique_ptr<rapidjson::SchemaDocument> schema;
};

namespace {

void add_opt(std::string& out, const char* key, const std::string& v) {
  if (v.empty())
    return;
  out += ",\"";
  out += key;
  out += "\":";
  out += json::quote(v);
}

void add_hint(std::string& out, bool& first, const char* key, const std::optional<bool>& v) {
  if (!v)
    return;
  out += first ? "" : ",";
  first = false;
  out += '"';
  out += key;
  out += "\":";
  out += *v ? "true" : "false";
}

std::string render_tool(const tool_spec& t) {
  std::string out = "{\"name\":" + json::quote(t.name);
  add_opt(out, "title", t.title);
  add_opt(out, "description", t.description);
  out += ",\"inputSchema\":" + t.input_schema;
  if (!t.output_schema.empty())
    out += ",\"outputSchema\":" + t.output_schema;
  // The title is given once, at the top level (MCP 2025-06-18); annotations carry only hints.
  const auto& a = t.annotations;
  if (a.read_only || a.destructive || a.idempotent || a.open_world) {
    out += ",\"annotations\":{";
    bool first = true;
    add_hint(out, first, "readOnlyHint", a.read_only);
    add_hint(out, first, "destructiveHint", a.destructive);
    add_hint(out, first, "idempotentHint", a.idempotent);
    add_hint(out, first, "openWorldHint", a.open_world);
    out += '}';
  }
  if (t.tasks != task_support::forbidden)
    out += std::string(",\"execution\":{\"taskSupport\":\"")
           + (t.tasks == task_support::required ? "required" : "optional") + "\"}";
  if (!t.meta.empty())
    out += ",\"_meta\":" + t.meta;
  out += '}';
  return out;
}

template <class Spec>
std::string render_resource_like(const char* uri_key, const std::string& uri, const Spec& s) {
  std::string out = "{\"";
  out += uri_key;
  out += "\":" + json::quote(uri) + ",\"name\":" + json::quote(s.name);
  add_opt(out, "title", s.title);
  add_opt(out, "description", s.description);
  add_opt(out, "mimeType", s.mime_type);
  out += '}';
  return out;
}

std::string render_prompt(const prompt_spec& p) {
  std::string out = "{\"name\":" + json::quote(p.name);
  add_opt(out, "title", p.title);
  add_opt(out, "description", p.description);
  out += ",\"arguments\":[";
  for (std::size_t i = 0; i < p.arguments.size(); ++i) {
    const auto& a = p.arguments[i];
    out += i ? ",{" : "{";
    out += "\"name\":" + json::quote(a.name);
    add_opt(out, "description", a.description);
    out += std::string(",\"required\":") + (a.required ? "true" : "false") + "}";
  }
  out += "]}";
  return out;
}

// Cursors are opaque to clients: base64 of "<list>:<offset>", checked on the way back in.
std::string make_cursor(const char* list, std::size_t offset) {
  return base64_encode(std::string(list) + ":" + std::to_string(offset));
}

expected<std::size_t, rpc_error> read_cursor(const char* list, const std::string* cursor,
                                             std::size_t size) {
  if (!cursor)
    return std::size_t{0};
  auto bad = [&] {
    return make_unexpected(make_rpc_error(rpc_errc::invalid_params,
                                          "Invalid params: unknown or stale cursor '" + *cursor
                                            + "'; call the list method without a cursor"));
  };
  auto raw = base64_decode(*cursor);
  std::string prefix = std::string(list) + ":";
  if (!raw || raw->compare(0, prefix.size(), prefix) != 0)
    return bad();
  auto digits = raw->substr(prefix.size());
  if (digits.empty() || digits.size() > 9
      || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad();
  auto offset = std::stoul(digits);
  if (offset > size)
    return bad();
  return std::size_t{offset};
}

template <class Entries>
expected<std::string, rpc_error> list_page(const char* list, const Entries& entries,
                                           const std::string* cursor, std::size_t page) {
  auto start = read_cursor(list, cursor, entries.size());
  if (!start)
    return make_unexpected(start.error());
  std::string out = "{\"";
  out += list;
  out += "\":[";
  auto end = std::min(entries.size(), *start + page);
  for (auto i = *start; i < end; ++i) {
    if (i != *start)
      out += ',';
    out += entries[i].json;
  }
  out += ']';
  if (end < entries.size())
    out += ",\"nextCursor\":" + json::quote(make_cursor(list, end));
  out += '}';
  return out;
}

// RapidJSON 1.1 resolves $ref only into draft-04 "definitions"; rename 2020-12 "$defs" in the
// validation copy (the advertised schema stays verbatim).
void normalize_defs(json::value& v, json::allocator& a) {
  if (v.IsObject()) {
    if (auto it = v.FindMember("$defs"); it != v.MemberEnd() && !v.HasMember("definitions"))
      it->name.SetString("definitions", a);
    if (auto ref = v.FindMember("$ref"); ref != v.MemberEnd() && ref->value.IsString()) {
      std::string r = ref->value.GetString();
      for (auto pos = r.find("/$defs/"); pos != std::string::npos; pos = r.find("/$defs/"))
        r.replace(pos, 7, "/definitions/");
      ref->value.SetString(r.c_str(), static_cast<rapidjson::SizeType>(r.size()), a);
    }
    for (auto& m : v.GetObject())
      normalize_defs(m.value, a);
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray())
      normalize_defs(e, a);
  }
}

} // namespace

catalog::catalog() = default;
catalog::~catalog() = default;

std::string catalog::extensions_json(const std::string& also) const {
  std::string members = also;
  for (const auto& [name, settings] : extensions)
    members += (members.empty() ? "" : ",") + json::quote(name) + ":" + settings;
  return members.empty() ? std::string() : ",\"extensions\":{" + members + "}";
}

expected<bool, std::string> catalog::add_tool(tool_spec spec, tool_handler handler) {
  if (find_tool(spec.name))
    return make_unexpected("duplicate tool name '" + spec.name + "'");
  auto compiled = std::make_shared<compiled_schema>();
  std::string err;
  auto doc = json::parse(spec.input_schema, &err);
  if (!doc || !doc->IsObject())
    return make_unexpected("tool '" + spec.name + "': inputSchema is not a JSON object " + err);
  if (!spec.output_schema.empty()) {
    auto out = json::parse(spec.output_schema, &err);
    if (!out || !out->IsObject())
      return make_unexpected("tool '" + spec.name + "': outputSchema is not a JSON object " + err);
    spec.output_schema = json::stringify(*out);
  }
  // Re-serialized compactly: no line breaks may reach stdio framing or SSE data lines.
  spec.input_schema = json::stringify(*doc);
  compiled->source = std::move(*doc);
  normalize_defs(compiled->source, compiled->source.GetAllocator());
  compiled->schema = std::make_unique<rapidjson::SchemaDocument>(compiled->source);
  auto rendered = render_tool(spec);
  tools_.push_back({std::move(spec), std::move(handler), std::move(rendered), compiled});
  return true;
}

void catalog::add_resource(resource_spec spec, resource_reader reader) {
  auto rendered = render_resource_like("uri", spec.uri, spec);
  if (!spec.meta.empty())
    rendered.insert(rendered.size() - 1, ",\"_meta\":" + spec.meta);
  resources_.push_back({std::move(spec), std::move(reader), std::move(rendered)});
}

void catalog::add_template(resource_template_spec spec, resource_reader reader) {
  auto rendered = render_resource_like("uriTemplate", spec.uri_template, spec);
  templates_.push_back({std::move(spec), std::move(reader), std::move(rendered)});
}

void catalog::add_prompt(prompt_spec spec, prompt_handler handler) {
  auto rendered = render_prompt(spec);
  prompts_.push_back({std::move(spec), std::move(handler), std::move(rendered)});
}

void catalog::add_prompt_completion(const std::string& prompt, completion_handler h) {
  completions_["ref/prompt\n" + prompt] = std::move(h);
}

void catalog::add_template_completion(const std::string& uri_template, completion_handler h) {
  completions_["ref/resource\n" + uri_template] = std::move(h);
}

void catalog::add_live_prompt_completion(const std::string& prompt, live_completion_handler h) {
  live_completions_["ref/prompt\n" + prompt] = std::move(h);
}

const catalog::tool_entry* catalog::find_tool(const std::string& name) const {
  for (const auto& t : tools_)
    if (t.spec.name == name)
      return &t;
  return nullptr;
}

const catalog::prompt_entry* catalog::find_prompt(const std::string& name) const {
  for (const auto& p : prompts_)
    if (p.spec.name == name)
      return &p;
  return nullptr;
}

const resource_reader* catalog::find_reader(const std::string& uri, uri_vars& vars) const {
  for (const auto& r : resources_)
    if (r.spec.uri == uri)
      return &r.reader;
  for (const auto& t : templates_) {
    vars.clear();
    if (match_uri_template(t.spec.uri_template, uri, vars))
      return &t.reader;
  }
  return nullptr;
}

const completion_handler* catalog::find_completion(const std::string& ref_type,
                                                   const std::string& ref) const {
  auto it = completions_.find(ref_type + "\n" + ref);
  return it == completions_.end() ? nullptr : &it->second;
}

const live_completion_handler* catalog::find_live_completion(const std::string& ref_type,
                                                             const std::string& ref) const {
  auto it = live_completions_.find(ref_type + "\n" + ref);
  return it == live_completions_.end() ? nullptr : &it->second;
}

bool catalog::has_template(const std::string& uri_template) const {
  return std::any_of(templates_.begin(), templates_.end(),
                     [&](const auto& t) { return t.spec.uri_template == uri_template; });
}

expected<std::string, rpc_error> catalog::list_tools(const std::string* cursor) const {
  return list_page("tools", tools_, cursor, page_size);
}

expected<std::string, rpc_error> catalog::list_resources(const std::string* cursor) const {
  return list_page("resources", resources_, cursor, page_size);
}

expected<std::string, rpc_error> catalog::list_templates(const std::string* cursor) const {
  return list_page("resourceTemplates", templates_, cursor, page_size);
}

expected<std::string, rpc_error> catalog::list_prompts(const std::string* cursor) const {
  return list_page("prompts", prompts_, cursor, page_size);
}

std::optional<std::string> catalog::validate_arguments(const tool_entry& t,
                                                       const json::value& args) const {
  rapidjson::SchemaValidator validator(*t.validator->schema);
  if (args.Accept(validator))
    return std::nullopt;
  return describe_schema_violation(t.validator->source, validator, args);
}

bool match_uri_template(const std::string& tmpl, const std::string& uri, uri_vars& vars) {
  std::size_t ti = 0, ui = 0;
  while (ti < tmpl.size()) {
    if (tmpl[ti] == '{') {
      auto close = tmpl.find('}', ti);
      if (close == std::string::npos)
        return false;
      auto name = tmpl.substr(ti + 1, close - ti - 1);
      // A variable runs to the next literal character of the template (or to the end).
      auto stop = close + 1 < tmpl.size() ? tmpl[close + 1] : '\0';
      auto end = stop ? uri.find(stop, ui) : uri.size();
      if (end == std::string::npos || end == ui)
        return false;
      auto val = uri.substr(ui, end - ui);
      if (val.find('/') != std::string::npos)
        return false;
      vars[name] = val;
      ui = end;
      ti = close + 1;
    } else {
      if (ui >= uri.size() || uri[ui] != tmpl[ti])
        return false;
      ++ui;
      ++ti;
    }
  }
  return ui == uri.size();
}

} // namespace tmcp

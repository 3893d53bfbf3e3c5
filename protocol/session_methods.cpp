// The MCP methods a session answers: lifecycle, lists, tools, resources, prompts, completion.
#include "protocol/content.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/mcp_version.hpp"
#include "protocol/session.hpp"
#include "protocol/session_request.hpp"
#include "protocol/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace tmcp {

namespace {

unexpected<rpc_error> invalid(std::string text) {
  return make_unexpected(make_rpc_error(rpc_errc::invalid_params, "Invalid params: " + text));
}

// A string member that must be present.
expected<std::string, rpc_error> need_string(const json::value* params, const char* key) {
  auto v = params ? json::find(*params, key) : nullptr;
  if (!v)
    return invalid(std::string("missing '") + key + "'");
  if (!v->IsString())
    return invalid(std::string("'") + key + "' must be a string, got " + json::type_name(*v));
  return std::string(v->GetString(), v->GetStringLength());
}

bool starts_with_ci(const std::string& s, const std::string& prefix) {
  if (prefix.size() > s.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i]))
        != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

const json::value& empty_object() {
  static const json::document d = [] {
    json::document x;
    x.SetObject();
    return x;
  }();
  return d;
}

} // namespace

expected<std::string, rpc_error> session::do_initialize(const json::value* params) {
  if (initialize_answered_)
    return make_unexpected(make_rpc_error(rpc_errc::invalid_request,
                                          "Invalid Request: the session is already initialized"));
  auto version = need_string(params, "protocolVersion");
  if (!version)
    return make_unexpected(version.error());
  if (auto caps = json::find(*params, "capabilities"); caps && !caps->IsObject())
    return invalid("'capabilities' must be an object");
  if (auto info = json::find(*params, "clientInfo"); info && !info->IsObject())
    return invalid("'clientInfo' must be an object");
  client_.protocol_version = negotiate_version(*version);
  if (auto caps = json::find(*params, "capabilities"))
    client_.capabilities = json::stringify(*caps);
  initialize_answered_ = true;
  const auto& id = opts_.identity;
  std::string out = "{\"protocolVersion\":" + json::quote(client_.protocol_version)
                    + ",\"capabilities\":{\"logging\":{},\"completions\":{},"
                      "\"prompts\":{\"listChanged\":true},"
                      "\"resources\":{\"subscribe\":true,\"listChanged\":true},"
                      "\"tools\":{\"listChanged\":true}},"
                      "\"serverInfo\":{\"name\":"
                    + json::quote(id.name) + ",\"title\":" + json::quote(id.title)
                    + ",\"version\":" + json::quote(id.version) + "}";
  if (!catalog_->instructions.empty())
    out += ",\"instructions\":" + json::quote(catalog_->instructions);
  return out + "}";
}

expected<std::string, rpc_error> session::do_set_level(const json::value* params) {
  auto level = need_string(params, "level");
  if (!level)
    return make_unexpected(level.error());
  auto parsed = parse_log_level(*level);
  if (!parsed)
    return invalid("'level' must be one of debug, info, notice, warning, error, critical, "
                   "alert, emergency; got '"
                   + *level + "'");
  level_ = *parsed;
  return std::string("{}");
}

expected<std::string, rpc_error> session::do_list(const std::string& method,
                                                  const json::value* params) {
  std::string cursor;
  const std::string* cursor_ptr = nullptr;
  if (auto c = params ? json::find(*params, "cursor") : nullptr) {
    if (!c->IsString())
      return invalid("'cursor' must be a string");
    cursor = c->GetString();
    cursor_ptr = &cursor;
  }
  if (method == "tools/list")
    return catalog_->list_tools(cursor_ptr);
  if (method == "resources/list")
    return catalog_->list_resources(cursor_ptr);
  if (method == "resources/templates/list")
    return catalog_->list_templates(cursor_ptr);
  return catalog_->list_prompts(cursor_ptr);
}

expected<std::string, rpc_error> session::do_subscribe(const json::value* params, bool on) {
  auto uri = need_string(params, "uri");
  if (!uri)
    return make_unexpected(uri.error());
  uri_vars vars;
  if (on && !catalog_->find_reader(*uri, vars))
    return make_unexpected(make_rpc_error(rpc_errc::resource_not_found,
                                          "Resource not found: " + *uri,
                                          "{\"uri\":" + json::quote(*uri) + "}"));
  if (on)
    subscriptions_.insert(*uri);
  else
    subscriptions_.erase(*uri);
  return std::string("{}");
}

void session::do_call_tool(request_state& rs, const json::value* params) {
  auto name = need_string(params, "name");
  if (!name)
    return complete_error(rs.id, name.error());
  auto tool = catalog_->find_tool(*name);
  if (!tool) {
    auto msg = "Unknown tool: '" + *name + "'";
    std::vector<std::string> names;
    auto page = catalog_->list_tools(nullptr);
    if (auto d = json::parse(page ? *page : "{}"); d && d->HasMember("tools"))
      for (const auto& t : (*d)["tools"].GetArray())
        names.emplace_back(t["name"].GetString());
    if (auto s = closest_match(*name, names))
      msg += "; did you mean '" + *s + "'?";
    return complete_error(rs.id, make_rpc_error(rpc_errc::invalid_params, msg));
  }
  const json::value* args = json::find(*params, "arguments");
  if (!args || args->IsNull())
    args = &empty_object();
  if (!args->IsObject())
    return complete_error(rs.id, invalid(std::string("'arguments' must be an object, got ")
                                         + json::type_name(*args))
                                   .error);
  // Input-validation failures are tool results the model can read and fix (SEP-1303).
  if (auto problem = catalog_->validate_arguments(*tool, *args))
    return complete(rs.id, tool_error(*problem));
  try {
    tool->handler(*args, rs.ctx);
  } catch (const std::exception& e) {
    complete(rs.id, tool_error(std::string("Internal error in tool '") + *name + "': " + e.what()));
  }
}

void session::do_read_resource(request_state& rs, const json::value* params) {
  auto uri = need_string(params, "uri");
  if (!uri)
    return complete_error(rs.id, uri.error());
  uri_vars vars;
  auto reader = catalog_->find_reader(*uri, vars);
  if (!reader)
    return complete_error(rs.id, make_rpc_error(rpc_errc::resource_not_found,
                                                "Resource not found: " + *uri,
                                                "{\"uri\":" + json::quote(*uri) + "}"));
  try {
    (*reader)(*uri, vars, rs.ctx);
  } catch (const std::exception& e) {
    complete_error(rs.id, make_rpc_error(rpc_errc::internal_error, e.what()));
  }
}

void session::do_get_prompt(request_state& rs, const json::value* params) {
  auto name = need_string(params, "name");
  if (!name)
    return complete_error(rs.id, name.error());
  auto prompt = catalog_->find_prompt(*name);
  if (!prompt)
    return complete_error(rs.id, invalid("unknown prompt '" + *name + "'").error);
  const json::value* args = json::find(*params, "arguments");
  if (!args || args->IsNull())
    args = &empty_object();
  if (!args->IsObject())
    return complete_error(rs.id, invalid("'arguments' must be an object").error);
  for (const auto& m : args->GetObject())
    if (!m.value.IsString())
      return complete_error(rs.id, invalid(std::string("argument '") + m.name.GetString()
                                           + "' must be a string")
                                     .error);
  for (const auto& a : prompt->spec.arguments)
    if (a.required && !args->HasMember(a.name.c_str()))
      return complete_error(rs.id, invalid("missing required argument '" + a.name
                                           + "' for prompt '" + *name + "'")
                                     .error);
  try {
    prompt->handler(*args, rs.ctx);
  } catch (const std::exception& e) {
    complete_error(rs.id, make_rpc_error(rpc_errc::internal_error, e.what()));
  }
}

void session::do_complete(request_state& rs, const json::value* params) {
  auto ref = params ? json::find(*params, "ref") : nullptr;
  auto arg = params ? json::find(*params, "argument") : nullptr;
  if (!ref || !ref->IsObject())
    return complete_error(rs.id, invalid("'ref' must be an object").error);
  if (!arg || !arg->IsObject())
    return complete_error(rs.id, invalid("'argument' must be an object").error);
  auto type = need_string(ref, "type");
  if (!type)
    return complete_error(rs.id, type.error());
  std::string target;
  if (*type == "ref/prompt") {
    auto n = need_string(ref, "name");
    if (!n)
      return complete_error(rs.id, n.error());
    if (!catalog_->find_prompt(*n))
      return complete_error(rs.id, invalid("unknown prompt '" + *n + "'").error);
    target = *n;
  } else if (*type == "ref/resource") {
    auto u = need_string(ref, "uri");
    if (!u)
      return complete_error(rs.id, u.error());
    if (!catalog_->has_template(*u))
      return complete_error(rs.id, invalid("unknown resource template '" + *u + "'").error);
    target = *u;
  } else {
    return complete_error(rs.id, invalid("'ref.type' must be 'ref/prompt' or 'ref/resource'")
                                   .error);
  }
  auto arg_name = need_string(arg, "name");
  auto arg_value = need_string(arg, "value");
  if (!arg_name)
    return complete_error(rs.id, arg_name.error());
  if (!arg_value)
    return complete_error(rs.id, arg_value.error());
  completion_query q{*arg_name, *arg_value, {}};
  if (auto c = json::find(*params, "context"))
    if (auto a = json::find(*c, "arguments"); a && a->IsObject())
      for (const auto& m : a->GetObject())
        if (m.value.IsString())
          q.context[m.name.GetString()] = m.value.GetString();
  std::vector<std::string> values;
  if (auto h = catalog_->find_completion(*type, target))
    for (auto& v : (*h)(q))
      if (starts_with_ci(v, q.value))
        values.push_back(std::move(v));
  auto total = values.size();
  // The spec caps one answer at 100 values.
  if (values.size() > 100)
    values.resize(100);
  std::string out = "{\"completion\":{\"values\":[";
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i ? "," : "") + json::quote(values[i]);
  out += "],\"total\":" + std::to_string(total)
         + ",\"hasMore\":" + (total > values.size() ? "true" : "false") + "}}";
  complete(rs.id, out);
}

} // namespace tmcp

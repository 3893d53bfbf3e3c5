#include "protocol/method_dispatch.hpp"

#include <cctype>

#include "protocol/content.hpp"
#include "protocol/mcp_version.hpp"
#include "protocol/suggest.hpp"

namespace tmcp::dispatch {

namespace {

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

void call_tool(const catalog& cat, const json::value* params, const ctx_ptr& ctx) {
  auto name = need_string(params, "name");
  if (!name)
    return ctx->fail(name.error());
  auto tool = cat.find_tool(*name);
  if (!tool) {
    auto msg = "Unknown tool: '" + *name + "'";
    std::vector<std::string> names;
    auto page = cat.list_tools(nullptr);
    if (auto d = json::parse(page ? *page : "{}"); d && d->HasMember("tools"))
      for (const auto& t : (*d)["tools"].GetArray())
        names.emplace_back(t["name"].GetString());
    if (auto s = closest_match(*name, names))
      msg += "; did you mean '" + *s + "'?";
    return ctx->fail(make_rpc_error(rpc_errc::invalid_params, msg));
  }
  const json::value* args = json::find(*params, "arguments");
  if (!args || args->IsNull())
    args = &empty_object();
  if (!args->IsObject())
    return ctx->fail(
      invalid_params(std::string("'arguments' must be an object, got ") + json::type_name(*args)));
  // Input-validation failures are tool results the model can read and fix (SEP-1303).
  if (auto problem = cat.validate_arguments(*tool, *args))
    return ctx->reply(tool_error(*problem));
  try {
    tool->handler(*args, ctx);
  } catch (const std::exception& e) {
    ctx->reply(tool_error(std::string("Internal error in tool '") + *name + "': " + e.what()));
  }
}

void read_resource(const catalog& cat, const json::value* params, const ctx_ptr& ctx) {
  auto uri = need_string(params, "uri");
  if (!uri)
    return ctx->fail(uri.error());
  uri_vars vars;
  auto reader = cat.find_reader(*uri, vars);
  if (!reader)
    return ctx->fail(resource_not_found(*uri, ctx->client().protocol_version));
  try {
    (*reader)(*uri, vars, ctx);
  } catch (const std::exception& e) {
    ctx->fail(make_rpc_error(rpc_errc::internal_error, e.what()));
  }
}

void get_prompt(const catalog& cat, const json::value* params, const ctx_ptr& ctx) {
  auto name = need_string(params, "name");
  if (!name)
    return ctx->fail(name.error());
  auto prompt = cat.find_prompt(*name);
  if (!prompt)
    return ctx->fail(invalid_params("unknown prompt '" + *name + "'"));
  const json::value* args = json::find(*params, "arguments");
  if (!args || args->IsNull())
    args = &empty_object();
  if (!args->IsObject())
    return ctx->fail(invalid_params("'arguments' must be an object"));
  for (const auto& m : args->GetObject())
    if (!m.value.IsString())
      return ctx->fail(
        invalid_params(std::string("argument '") + m.name.GetString() + "' must be a string"));
  for (const auto& a : prompt->spec.arguments)
    if (a.required && !args->HasMember(a.name.c_str()))
      return ctx->fail(invalid_params("missing required argument '" + a.name + "' for prompt '"
                                      + *name + "'"));
  try {
    prompt->handler(*args, ctx);
  } catch (const std::exception& e) {
    ctx->fail(make_rpc_error(rpc_errc::internal_error, e.what()));
  }
}

void reply_completion(const ctx_ptr& ctx, std::vector<std::string> values) {
  auto total = values.size();
  // The spec caps one answer at 100 values.
  if (values.size() > 100)
    values.resize(100);
  std::string out = "{\"completion\":{\"values\":[";
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i ? "," : "") + json::quote(values[i]);
  out += "],\"total\":" + std::to_string(total)
         + ",\"hasMore\":" + (total > values.size() ? "true" : "false") + "}}";
  ctx->reply(out);
}

void complete(const catalog& cat, const json::value* params, const ctx_ptr& ctx) {
  auto ref = params ? json::find(*params, "ref") : nullptr;
  auto arg = params ? json::find(*params, "argument") : nullptr;
  if (!ref || !ref->IsObject())
    return ctx->fail(invalid_params("'ref' must be an object"));
  if (!arg || !arg->IsObject())
    return ctx->fail(invalid_params("'argument' must be an object"));
  auto type = need_string(ref, "type");
  if (!type)
    return ctx->fail(type.error());
  std::string target;
  if (*type == "ref/prompt") {
    auto n = need_string(ref, "name");
    if (!n)
      return ctx->fail(n.error());
    if (!cat.find_prompt(*n))
      return ctx->fail(invalid_params("unknown prompt '" + *n + "'"));
    target = *n;
  } else if (*type == "ref/resource") {
    auto u = need_string(ref, "uri");
    if (!u)
      return ctx->fail(u.error());
    if (!cat.has_template(*u))
      return ctx->fail(invalid_params("unknown resource template '" + *u + "'"));
    target = *u;
  } else {
    return ctx->fail(invalid_params("'ref.type' must be 'ref/prompt' or 'ref/resource'"));
  }
  auto arg_name = need_string(arg, "name");
  auto arg_value = need_string(arg, "value");
  if (!arg_name)
    return ctx->fail(arg_name.error());
  if (!arg_value)
    return ctx->fail(arg_value.error());
  completion_query q{*arg_name, *arg_value, {}};
  if (auto c = json::find(*params, "context"))
    if (auto a = json::find(*c, "arguments"); a && a->IsObject())
      for (const auto& m : a->GetObject())
        if (m.value.IsString())
          q.context[m.name.GetString()] = m.value.GetString();
  if (auto live = cat.find_live_completion(*type, target)) {
    (*live)(q, [ctx](std::vector<std::string> values) { reply_completion(ctx, std::move(values)); });
    return;
  }
  std::vector<std::string> values;
  if (auto h = cat.find_completion(*type, target))
    for (auto& v : (*h)(q))
      if (starts_with_ci(v, q.value))
        values.push_back(std::move(v));
  reply_completion(ctx, std::move(values));
}

} // namespace

rpc_error invalid_params(std::string text) {
  return make_rpc_error(rpc_errc::invalid_params, "Invalid params: " + text);
}

expected<std::string, rpc_error> need_string(const json::value* params, const char* key) {
  auto v = params ? json::find(*params, key) : nullptr;
  if (!v)
    return make_unexpected(invalid_params(std::string("missing '") + key + "'"));
  if (!v->IsString())
    return make_unexpected(invalid_params(std::string("'") + key + "' must be a string, got "
                                          + json::type_name(*v)));
  return std::string(v->GetString(), v->GetStringLength());
}

rpc_error resource_not_found(const std::string& uri, const std::string& protocol_version) {
  auto code = is_modern_version(protocol_version) ? rpc_errc::invalid_params
                                                  : rpc_errc::resource_not_found;
  return make_rpc_error(code, "Resource not found: " + uri, "{\"uri\":" + json::quote(uri) + "}");
}

bool is_list_method(const std::string& m) {
  return m == "tools/list" || m == "resources/list" || m == "resources/templates/list"
         || m == "prompts/list";
}

expected<std::string, rpc_error> list(const catalog& cat, const std::string& method,
                                      const json::value* params) {
  std::string cursor;
  const std::string* cursor_ptr = nullptr;
  if (auto c = params ? json::find(*params, "cursor") : nullptr) {
    if (!c->IsString())
      return make_unexpected(invalid_params("'cursor' must be a string"));
    cursor = c->GetString();
    cursor_ptr = &cursor;
  }
  if (method == "tools/list")
    return cat.list_tools(cursor_ptr);
  if (method == "resources/list")
    return cat.list_resources(cursor_ptr);
  if (method == "resources/templates/list")
    return cat.list_templates(cursor_ptr);
  return cat.list_prompts(cursor_ptr);
}

bool is_handler_method(const std::string& m) {
  return m == "tools/call" || m == "resources/read" || m == "prompts/get"
         || m == "completion/complete";
}

void start(const catalog& cat, const std::string& method, const json::value* params,
           const ctx_ptr& ctx) {
  if (method == "tools/call")
    call_tool(cat, params, ctx);
  else if (method == "resources/read")
    read_resource(cat, params, ctx);
  else if (method == "prompts/get")
    get_prompt(cat, params, ctx);
  else if (method == "completion/complete")
    complete(cat, params, ctx);
  else
    ctx->fail(make_rpc_error(rpc_errc::method_not_found, "Method not found: '" + method + "'"));
}

} // namespace tmcp::dispatch

// The methods only a legacy session answers: initialize, logging/setLevel and the resource
// subscriptions. Everything both eras share is in method_dispatch.
#include "protocol/json_rpc.hpp"
#include "protocol/mcp_version.hpp"
#include "protocol/method_dispatch.hpp"
#include "protocol/session.hpp"

namespace tmcp {

using dispatch::invalid_params;
using dispatch::need_string;

expected<std::string, rpc_error> session::do_initialize(const json::value* params) {
  if (initialize_answered_)
    return make_unexpected(make_rpc_error(rpc_errc::invalid_request,
                                          "Invalid Request: the session is already initialized"));
  auto version = need_string(params, "protocolVersion");
  if (!version)
    return make_unexpected(version.error());
  if (auto caps = json::find(*params, "capabilities"); caps && !caps->IsObject())
    return make_unexpected(invalid_params("'capabilities' must be an object"));
  if (auto info = json::find(*params, "clientInfo"); info && !info->IsObject())
    return make_unexpected(invalid_params("'clientInfo' must be an object"));
  client_.protocol_version = negotiate_version(*version);
  if (auto caps = json::find(*params, "capabilities"))
    client_.capabilities = json::stringify(*caps);
  initialize_answered_ = true;
  const auto& id = opts_.identity;
  std::string out = "{\"protocolVersion\":" + json::quote(client_.protocol_version)
                    + ",\"capabilities\":{\"logging\":{},\"completions\":{},"
                      "\"prompts\":{\"listChanged\":true},"
                      "\"resources\":{\"subscribe\":true,\"listChanged\":true},"
                      "\"tools\":{\"listChanged\":true}"
                    + std::string(opts_.tasks ? ",\"tasks\":{\"list\":{},\"cancel\":{},"
                                                "\"requests\":{\"tools\":{\"call\":{}}}}"
                                              : "")
                    + catalog_->extensions_json() + "},\"serverInfo\":{\"name\":"
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
    return make_unexpected(invalid_params("'level' must be one of debug, info, notice, warning, "
                                          "error, critical, alert, emergency; got '"
                                          + *level + "'"));
  level_ = *parsed;
  return std::string("{}");
}

expected<std::string, rpc_error> session::do_subscribe(const json::value* params, bool on) {
  auto uri = need_string(params, "uri");
  if (!uri)
    return make_unexpected(uri.error());
  uri_vars vars;
  if (on && !catalog_->find_reader(*uri, vars))
    return make_unexpected(dispatch::resource_not_found(*uri, client_.protocol_version));
  if (on)
    subscriptions_.insert(*uri);
  else
    subscriptions_.erase(*uri);
  return std::string("{}");
}

} // namespace tmcp

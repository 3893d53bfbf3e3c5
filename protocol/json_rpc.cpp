#include "protocol/json_rpc.hpp"

#include "protocol/json_limits.hpp"

namespace tmcp {

const json::value* message::member(const char* key) const {
  return doc ? json::find(*doc, key) : nullptr;
}

namespace {

parse_failure fail(rpc_errc code, std::string msg, std::string id = "null") {
  return parse_failure{make_rpc_error(code, std::move(msg)), std::move(id)};
}

} // namespace

expected<message, parse_failure> parse_message(std::string_view text) {
  auto parsed = json::parse_limited(text, json::message_limits);
  if (!parsed) {
    // Malformed JSON is a parse error; well-formed JSON past our limits is an invalid request.
    const auto& e = parsed.error();
    if (e.code == json::parse_errc::syntax)
      return make_unexpected(fail(rpc_errc::parse_error, "Parse error: " + e.message));
    return make_unexpected(fail(rpc_errc::invalid_request, "Invalid Request: " + e.message));
  }
  auto doc = std::make_shared<json::document>(std::move(*parsed));
  const auto& d = *doc;
  if (d.IsArray())
    return make_unexpected(fail(rpc_errc::invalid_request,
                                "Invalid Request: JSON-RPC batches are not supported; "
                                "send one message per request"));
  if (!d.IsObject())
    return make_unexpected(fail(rpc_errc::invalid_request,
                                std::string("Invalid Request: expected a JSON object, got ")
                                  + json::type_name(d)));
  // Recover the id early so every later error can answer it.
  std::string id;
  if (auto idv = json::find(d, "id")) {
    if (idv->IsString() || (idv->IsNumber() && (idv->IsInt64() || idv->IsUint64())))
      id = json::stringify(*idv);
    else if (!idv->IsNull())
      return make_unexpected(fail(rpc_errc::invalid_request,
                                  std::string("Invalid Request: 'id' must be a string or an "
                                              "integer, got ")
                                    + json::type_name(*idv)));
    else
      return make_unexpected(
        fail(rpc_errc::invalid_request, "Invalid Request: 'id' must not be null"));
  }
  auto reply_id = id.empty() ? std::string("null") : id;
  auto ver = json::get_string(d, "jsonrpc");
  if (!ver || *ver != "2.0")
    return make_unexpected(fail(rpc_errc::invalid_request,
                                "Invalid Request: 'jsonrpc' must be \"2.0\"", reply_id));
  message m;
  m.id = id;
  auto method = json::find(d, "method");
  auto has_result = json::find(d, "result") != nullptr;
  auto has_error = json::find(d, "error") != nullptr;
  if (method) {
    if (!method->IsString())
      return make_unexpected(fail(rpc_errc::invalid_request,
                                  "Invalid Request: 'method' must be a string", reply_id));
    m.method.assign(method->GetString(), method->GetStringLength());
    if (auto params = json::find(d, "params"); params && !params->IsObject())
      return make_unexpected(fail(rpc_errc::invalid_request,
                                  std::string("Invalid Request: 'params' must be an object, got ")
                                    + json::type_name(*params),
                                  reply_id));
    m.kind = id.empty() ? message_kind::notification : message_kind::request;
  } else if (has_result || has_error) {
    if (id.empty())
      return make_unexpected(
        fail(rpc_errc::invalid_request, "Invalid Request: a response needs an 'id'"));
    if (has_result && has_error)
      return make_unexpected(fail(rpc_errc::invalid_request,
                                  "Invalid Request: a response has both 'result' and 'error'",
                                  reply_id));
    m.kind = has_result ? message_kind::response : message_kind::error_response;
  } else {
    return make_unexpected(fail(rpc_errc::invalid_request,
                                "Invalid Request: missing 'method' (request or notification) "
                                "or 'result'/'error' (response)",
                                reply_id));
  }
  m.doc = std::move(doc);
  return m;
}

std::string make_response(std::string_view id, std::string_view result) {
  std::string out;
  out.reserve(result.size() + id.size() + 36);
  out += "{\"jsonrpc\":\"2.0\",\"id\":";
  out += id;
  out += ",\"result\":";
  out += result;
  out += '}';
  return out;
}

std::string make_error_response(std::string_view id, const rpc_error& e) {
  std::string out = "{\"jsonrpc\":\"2.0\",\"id\":";
  out += id.empty() ? std::string_view("null") : id;
  out += ",\"error\":";
  out += encode_error(e);
  out += '}';
  return out;
}

std::string make_notification(std::string_view method, std::string_view params) {
  std::string out = "{\"jsonrpc\":\"2.0\",\"method\":" + json::quote(method);
  if (!params.empty()) {
    out += ",\"params\":";
    out += params;
  }
  out += '}';
  return out;
}

std::string make_request(std::string_view id, std::string_view method, std::string_view params) {
  std::string out = "{\"jsonrpc\":\"2.0\",\"id\":";
  out += id;
  out += ",\"method\":" + json::quote(method);
  if (!params.empty()) {
    out += ",\"params\":";
    out += params;
  }
  out += '}';
  return out;
}

} // namespace tmcp

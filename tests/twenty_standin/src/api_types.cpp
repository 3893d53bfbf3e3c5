#include "api_types.hpp"

#include "json_util.hpp"

#include <strings.h>

namespace standin {

std::string http_request::header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0)
      return v;
  return {};
}

api_error bad_request(std::string message, std::string code) {
  return {400, "BadRequestException", std::move(message), std::move(code)};
}

api_error not_found(std::string message) {
  return {404, "NotFoundException", std::move(message), {}};
}

std::string rest_error_body(const api_error& e) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  w.Key("statusCode");
  w.Int(e.status);
  w.Key("error");
  w.String(e.error.c_str());
  w.Key("messages");
  w.StartArray();
  w.String(e.message.c_str());
  w.EndArray();
  if (!e.code.empty()) {
    w.Key("code");
    w.String(e.code.c_str());
  }
  w.EndObject();
  return sb.GetString();
}

http_response rest_error(const api_error& e) {
  return json_response(e.status, rest_error_body(e));
}

http_response json_response(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace standin

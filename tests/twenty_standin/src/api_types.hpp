// Transport-neutral request/response types and Twenty's REST error bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace standin {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_request {
  std::string method;  // upper case
  std::string target;  // path + "?" + query, as received
  std::string body;
  header_list headers;  // names as received; lookups are case-insensitive
  std::string header(std::string_view name) const;
};

struct http_response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  header_list headers;
};

// An API error as a value: status, Nest exception name, message, optional CustomException code.
struct api_error {
  int status = 400;
  std::string error;  // e.g. "BadRequestException"
  std::string message;
  std::string code;   // empty when Twenty throws a plain Nest exception
};

api_error bad_request(std::string message, std::string code = {});
api_error not_found(std::string message);

// {"statusCode":N,"error":"...","messages":["..."]} (+ "code" for CustomExceptions).
std::string rest_error_body(const api_error& e);
http_response rest_error(const api_error& e);
http_response json_response(int status, std::string body);

}  // namespace standin

namespace standin {

// A value or an api_error; errors are values, never exceptions.
template <class T>
struct result {
  T value{};
  std::optional<api_error> error;
  result() = default;
  result(T v) : value(std::move(v)) {}
  result(api_error e) : error(std::move(e)) {}
  explicit operator bool() const { return !error.has_value(); }
};

}  // namespace standin

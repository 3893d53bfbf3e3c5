// JSON-RPC 2.0 framing: parse one message with precise errors, and serialize outbound ones.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "protocol/expected.hpp"
#include "protocol/json.hpp"
#include "protocol/rpc_error.hpp"

namespace tmcp {

enum class message_kind { request, notification, response, error_response };

// One inbound JSON-RPC message. The document is shared so the message stays cheap to copy.
struct message {
  message_kind kind = message_kind::request;
  // The id as raw JSON text (`1`, `"abc"`); empty for notifications.
  std::string id;
  std::string method;
  std::shared_ptr<const json::document> doc;

  // `params` of a request or notification, `result` or `error` of a response; null if absent.
  const json::value* params() const { return member("params"); }
  const json::value* result() const { return member("result"); }
  const json::value* error() const { return member("error"); }
  bool is_request() const { return kind == message_kind::request; }
  bool is_notification() const { return kind == message_kind::notification; }
  bool is_response() const {
    return kind == message_kind::response || kind == message_kind::error_response;
  }

private:
  const json::value* member(const char* key) const;
};

// A parse failure also carries the id when it could be recovered, so the error can answer it.
struct parse_failure {
  rpc_error error;
  std::string id = "null";
};

// Parses exactly one JSON-RPC message; batches (arrays) are refused with -32600.
expected<message, parse_failure> parse_message(std::string_view text);

// Outbound messages as JSON text; `result`/`params` must already be JSON text.
std::string make_response(std::string_view id, std::string_view result);
std::string make_error_response(std::string_view id, const rpc_error& e);
std::string make_notification(std::string_view method, std::string_view params);
std::string make_request(std::string_view id, std::string_view method, std::string_view params);

} // namespace tmcp

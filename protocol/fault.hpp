// A message refused, or answered with an error before any stream carried it, as a value:
// sessions and routes say what went wrong; each transport encodes it once (HTTP: status and
// JSON-RPC error body, in transport/http_faults.cpp; stdio: one error line).
#pragma once

#include <string>

#include "protocol/rpc_error.hpp"

namespace tmcp {

enum class fault_kind {
  malformed,              // not a request this endpoint can take as sent
  forbidden,              // Origin or Host not allowed
  no_endpoint,            // nothing is served at this path
  method_not_allowed,     // an HTTP method the endpoint does not serve
  not_acceptable,         // the client does not accept what the answer needs
  unsupported_media_type, // the body is not JSON
  too_large,              // the body exceeds the limit
  headers_too_large,      // the request line and headers exceed the limit
  session_not_found,      // expired, terminated, or never existed
  conflict,               // the session already has what was asked for
  unavailable,            // shutting down, or no room for another session or request
  no_answer,              // the request ended without any answer (a bug, not the client's)
  error_answer,           // a request's own JSON-RPC error, answered without a stream
};

struct fault {
  fault_kind kind = fault_kind::malformed;
  rpc_error error;
  std::string id = "null"; // the id of the request answered, as JSON text
  // When the client may try again (HTTP: Retry-After); 0 = no hint.
  int retry_after_seconds = 0;
};

// Transport-level refusals carry -32000 (the TS SDK's convention), session_not_found -32001.
inline fault make_fault(fault_kind kind, std::string message, std::string id = "null") {
  auto code = kind == fault_kind::session_not_found ? rpc_errc::session_not_found
                                                   : rpc_errc::transport_error;
  return fault{kind, make_rpc_error(code, std::move(message)), std::move(id)};
}

// A bound is reached (sessions, requests in flight): "server busy", try again after a while.
inline fault busy_fault(std::string message, int retry_after_seconds, std::string id = "null") {
  auto f = make_fault(fault_kind::unavailable,
                      "Server busy: " + std::move(message) + "; retry after "
                        + std::to_string(retry_after_seconds) + " s",
                      std::move(id));
  f.error.data = "{\"retryAfterSeconds\":" + std::to_string(retry_after_seconds) + "}";
  f.retry_after_seconds = retry_after_seconds;
  return f;
}

inline fault error_answer(std::string id, rpc_error e) {
  return fault{fault_kind::error_answer, std::move(e), std::move(id)};
}

} // namespace tmcp

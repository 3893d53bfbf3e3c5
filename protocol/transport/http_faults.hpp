// The one place a fault becomes HTTP: its status and JSON-RPC error body.
#pragma once

#include <string>

#include "protocol/fault.hpp"

namespace tmcp::transport {

struct rejection {
  int status = 400;
  std::string body;
  // 405 answers carry `Allow: GET, POST, DELETE`.
  bool allow_header = false;
  // 503 answers of a busy server carry `Retry-After`; 0 = none.
  int retry_after_seconds = 0;
};

int http_status(const fault& f);

rejection to_rejection(const fault& f);

} // namespace tmcp::transport

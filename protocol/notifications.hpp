// Request-scoped notifications both eras send on a request's stream: progress and log messages.
#pragma once

#include <optional>
#include <string>

#include "protocol/request_context.hpp"

namespace tmcp {

// The progress of one request: its token and the last value sent, so values only increase.
struct progress_tracker {
  std::string token; // JSON text; empty = the request asked for no progress
  bool sent = false;
  double last = 0;

  // A notifications/progress message for `value`, or nullopt when none is due.
  std::optional<std::string> next(double value, std::optional<double> total,
                                  const std::string& message);
};

// The progressToken of a request's params._meta as JSON text; empty when absent or malformed.
std::string progress_token_of(const json::value* params);

// A notifications/message message.
std::string make_log_notification(log_level level, const std::string& logger,
                                  const std::string& data_json);

} // namespace tmcp

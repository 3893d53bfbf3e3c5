// What one Twenty answer says about its rate limit, whatever the release: the X-RateLimit-* and
// Retry-After headers, the newest 429 body (`limit`, `remaining`, `periodCount`, `periodUnit`,
// `retryAfterSeconds`), the old body's message "Limit reached (100 tokens per 60000 ms)" (all a
// Twenty 2.5 sends), and GraphQL's RATE_LIMITED errors inside a 200. Pure; no clock.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "integration/twenty_types.hpp"

namespace tmcp::twenty {

struct rate_info {
  // Twenty refused the call because of its rate limit (HTTP 429 or a GraphQL RATE_LIMITED).
  bool limited = false;
  // Tokens per period of the bucket the answer is about.
  std::optional<int> limit;
  std::optional<int> remaining;
  // The bucket's period; names which bucket (Twenty has a short and a long one).
  std::optional<std::chrono::milliseconds> period;
  std::optional<int> retry_after_seconds;
  std::optional<long long> reset_epoch;

  // True when the answer says nothing about the limit (then nothing may change).
  bool empty() const {
    return !limited && !limit && !remaining && !period && !retry_after_seconds && !reset_epoch;
  }
};

// Reads the rate information of one answer. The body is only parsed when it may hold some (a
// 429, or a GraphQL answer mentioning a rate limit), so ordinary answers cost nothing.
rate_info read_rate_info(const response& r, api kind);

// "Limit reached (100 tokens per 60000 ms)" → 100 and 60000 ms; nullopt for other texts.
struct limit_message {
  int limit = 0;
  std::chrono::milliseconds period{0};
};
std::optional<limit_message> parse_limit_message(std::string_view text);

// `periodCount` and `periodUnit` ("millisecond", "second", "minute", "hour", "day", singular or
// plural) → milliseconds; nullopt for an unknown unit or a count below 1.
std::optional<std::chrono::milliseconds> period_of(long long count, std::string_view unit);

} // namespace tmcp::twenty

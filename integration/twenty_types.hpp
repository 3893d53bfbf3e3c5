// What the server sends to Twenty and what comes back, as plain values, plus the error
// taxonomy every Twenty failure is mapped to (with a message that tells an agent what to do).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/expected.hpp"

namespace tmcp::twenty {

// Which of Twenty's APIs a request goes to (see integration/README.md for the choice).
enum class api { rest, graphql, metadata };

enum class verb { get, post, patch, put, del };

// Within one MCP session's queue, interactive calls go before bulk ones (imports, batches).
enum class priority { interactive, bulk };

struct request {
  verb method = verb::get;
  // Path and query, e.g. "/rest/people?limit=5&filter=...". Always starts with '/'.
  std::string target;
  // JSON text; empty for none.
  std::string body;
  api kind = api::rest;
  // Safe to send twice: reads, PATCH/DELETE by id, GraphQL queries. Creates are not, so a
  // network fault never duplicates a record.
  bool idempotent = true;
  // Who asked (the MCP session id): the gateway serves keys round-robin so no session starves
  // the others.
  std::string fairness_key;
  priority prio = priority::interactive;
  std::chrono::milliseconds deadline{15000};
  // Set when the MCP request that needs this call was cancelled: a call still queued is then
  // dropped instead of spending Twenty's budget.
  std::shared_ptr<std::atomic<bool>> cancelled;
  // GraphQL: an answer carrying both `data` and `errors` comes back as a success, for a caller
  // that keeps the data and asks again for what failed (0.50's /metadata does this).
  bool partial_data = false;
};

struct response {
  int status = 0;
  std::string body;
  // From Retry-After and X-RateLimit-* when present.
  std::optional<int> retry_after_seconds;
  std::optional<int> ratelimit_limit;
  std::optional<int> ratelimit_remaining;
  std::optional<long long> ratelimit_reset_epoch;
};

enum class errc {
  invalid_api_key,          // 401, 403 or 0.x's 400 ForbiddenException: no, bad or revoked key
  insufficient_permissions, // 403: the key's role lacks access
  invalid_input,            // 400: Twenty rejected the request (filter, field, value, id)
  required_field_missing,   // 400: a required field was not given
  rate_limit_exceeded,      // 429 (after the gateway's own retries)
  twenty_api_error,         // 5xx or an unexpected answer
  network_error,            // connection refused/reset, TLS, DNS, deadline
  schema_validation_error,  // caught before any call: the data does not fit the schema
  object_not_found,         // no such object (table) in the workspace
  record_not_found,         // 404 for an id
  conflict,                 // 409 / unique constraint
  server_busy,              // this server's own bound (the gateway's queue) is full: retry later
};

const char* to_string(errc e);

struct error {
  errc code = errc::twenty_api_error;
  int http_status = 0; // 0 when no HTTP answer arrived
  // What went wrong and what the agent should do next, in one or two sentences.
  std::string message;
  // Twenty's own message(s), verbatim, when there were any.
  std::string upstream;
};

using outcome = expected<response, error>;

// Maps a non-2xx Twenty answer (REST body, or GraphQL `errors` on 200) to the taxonomy.
error classify(int status, std::string_view body);

// The same, also using the Retry-After header when the body gives no `retryAfterSeconds`.
error classify(const response& r);

// GraphQL reports failures inside a 200 answer; this finds them.
std::optional<error> graphql_error(std::string_view body);

} // namespace tmcp::twenty

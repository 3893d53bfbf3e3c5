// Verification of Twenty's signed webhook deliveries: X-Twenty-Webhook-Signature is
// hex(HMAC-SHA256(secret, timestamp + ":" + raw body)), the timestamp is Date.now() in ms.
// Pure (no clock, no state): the caller passes the time and checks the nonce for replays.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/expected.hpp"

namespace tmcp::twenty {

// The signing headers of one delivery, as received (empty when absent).
struct webhook_signing {
  std::string timestamp; // X-Twenty-Webhook-Timestamp
  std::string signature; // X-Twenty-Webhook-Signature
  std::string nonce;     // X-Twenty-Webhook-Nonce
};

enum class webhook_rejection {
  no_secret,         // the receiver has no secret configured: nothing can be verified
  missing_signature, // unsigned delivery
  missing_timestamp,
  bad_timestamp,     // not a decimal number of milliseconds
  stale_timestamp,   // further than the allowed age from now, in either direction
  missing_nonce,
  bad_signature,     // does not match the body and timestamp
  replayed_nonce,    // set by the caller's nonce check, never by verify_webhook
};

const char* to_string(webhook_rejection r);

// What a verified delivery carries for the replay check.
struct webhook_verified {
  int64_t timestamp_ms = 0;
  std::string nonce;
};

// Checks one delivery against `secret` at `now_ms` (milliseconds since the epoch). The
// signature is compared in constant time; every header is required.
expected<webhook_verified, webhook_rejection>
verify_webhook(const webhook_signing& headers, std::string_view body, std::string_view secret,
               int64_t now_ms, std::chrono::seconds max_age);

// hex(HMAC-SHA256(secret, timestamp + ":" + body)), lowercase: what Twenty sends.
std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body);

// Lowercase hex SHA-256 of `data` (duplicate deliveries are recognised by their body digest).
std::string sha256_hex(std::string_view data);

// `n` random bytes from OpenSSL's CSPRNG as lowercase hex (webhook secrets).
std::string random_hex(std::size_t n);

} // namespace tmcp::twenty

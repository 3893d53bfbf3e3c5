#include "integration/webhook_verify.hpp"

#include <cctype>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace tmcp::twenty {

namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xF];
  }
  return out;
}

// Milliseconds as Twenty writes them: 1 to 16 decimal digits, nothing else.
bool parse_millis(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > 16)
    return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

std::string lowercase(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

const char* to_string(webhook_rejection r) {
  switch (r) {
    case webhook_rejection::no_secret:
      return "no webhook secret is configured";
    case webhook_rejection::missing_signature:
      return "missing X-Twenty-Webhook-Signature";
    case webhook_rejection::missing_timestamp:
      return "missing X-Twenty-Webhook-Timestamp";
    case webhook_rejection::bad_timestamp:
      return "X-Twenty-Webhook-Timestamp is not a time in milliseconds";
    case webhook_rejection::stale_timestamp:
      return "X-Twenty-Webhook-Timestamp is outside the allowed age";
    case webhook_rejection::missing_nonce:
      return "missing X-Twenty-Webhook-Nonce";
    case webhook_rejection::bad_signature:
      return "signature does not match";
    case webhook_rejection::replayed_nonce:
      return "nonce already seen";
  }
  return "rejected";
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body) {
  std::string msg;
  msg.reserve(timestamp.size() + 1 + body.size());
  msg.append(timestamp).append(":").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  return to_hex(mac, len);
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(digest, sizeof(digest));
}

std::string random_hex(std::size_t n) {
  std::vector<unsigned char> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1)
    return {};
  return to_hex(bytes.data(), n);
}

expected<webhook_verified, webhook_rejection>
verify_webhook(const webhook_signing& headers, std::string_view body, std::string_view secret,
               int64_t now_ms, std::chrono::seconds max_age) {
  if (secret.empty())
    return make_unexpected(webhook_rejection::no_secret);
  if (headers.signature.empty())
    return make_unexpected(webhook_rejection::missing_signature);
  if (headers.timestamp.empty())
    return make_unexpected(webhook_rejection::missing_timestamp);
  int64_t ts = 0;
  if (!parse_millis(headers.timestamp, ts))
    return make_unexpected(webhook_rejection::bad_timestamp);
  auto age = now_ms > ts ? now_ms - ts : ts - now_ms;
  if (age > static_cast<int64_t>(max_age.count()) * 1000)
    return make_unexpected(webhook_rejection::stale_timestamp);
  if (headers.nonce.empty())
    return make_unexpected(webhook_rejection::missing_nonce);
  auto expected_sig = webhook_signature(secret, headers.timestamp, body);
  auto given = lowercase(headers.signature);
  // The lengths are public (64 hex digits); only the contents are compared in constant time.
  if (given.size() != expected_sig.size()
      || CRYPTO_memcmp(given.data(), expected_sig.data(), given.size()) != 0)
    return make_unexpected(webhook_rejection::bad_signature);
  return webhook_verified{ts, headers.nonce};
}

} // namespace tmcp::twenty

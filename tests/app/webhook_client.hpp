// Sends webhook deliveries to the server's receiver as Twenty does (signed with the secret,
// fresh timestamp, random nonce) or tampered with, over plain loopback HTTP.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "app/http_probe.hpp"
#include "app/loopback_http.hpp"

namespace tmcp::testing {

inline int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

inline std::string hmac_sha256_hex(const std::string& key, const std::string& msg) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0xF];
  }
  return out;
}

inline std::string random_nonce() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

// Twenty's three signing headers for `body`, signed at `ts_ms`.
inline header_list signed_headers(const std::string& secret, const std::string& body,
                                  int64_t ts_ms = wall_ms(), std::string nonce = random_nonce()) {
  auto ts = std::to_string(ts_ms);
  return {{"X-Twenty-Webhook-Timestamp", ts},
          {"X-Twenty-Webhook-Signature", hmac_sha256_hex(secret, ts + ":" + body)},
          {"X-Twenty-Webhook-Nonce", std::move(nonce)}};
}

// One POST of a delivery; {status, body}, status 0 on a transport error.
inline std::pair<int, std::string> post_webhook(uint16_t port, const std::string& path,
                                                const std::string& body,
                                                const header_list& headers) {
  return loopback_request(std::to_string(port), "POST", path, body, headers);
}

} // namespace tmcp::testing

#include "protocol/input_state.hpp"

#include <random>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "protocol/base64.hpp"
#include "protocol/json.hpp"

namespace tmcp {

namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 0xF];
  }
  return out;
}

std::string mac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return hex(out, len);
}

} // namespace

std::string seal_input_state(const input_state& s, const std::string& key) {
  std::string payload = "{\"m\":" + json::quote(s.method) + ",\"t\":" + json::quote(s.target)
                        + ",\"e\":" + std::to_string(s.expires_ms) + ",\"a\":{";
  bool first = true;
  for (const auto& [k, v] : s.answers) {
    payload += (first ? "" : ",") + json::quote(k) + ":" + v;
    first = false;
  }
  payload += "}}";
  auto body = base64_encode(payload);
  return body + "." + mac(key, body);
}

expected<input_state, std::string> open_input_state(const std::string& sealed,
                                                    const std::string& key, int64_t now_ms) {
  auto dot = sealed.rfind('.');
  if (dot == std::string::npos)
    return make_unexpected(std::string("requestState is not one this server issued"));
  auto body = sealed.substr(0, dot);
  auto sig = sealed.substr(dot + 1);
  auto want = mac(key, body);
  // Constant-time comparison: the signature must not leak byte by byte.
  if (sig.size() != want.size() || CRYPTO_memcmp(sig.data(), want.data(), sig.size()) != 0)
    return make_unexpected(std::string("requestState failed its integrity check"));
  auto payload = base64_decode(body);
  auto doc = payload ? json::parse(*payload) : std::nullopt;
  if (!doc || !doc->IsObject())
    return make_unexpected(std::string("requestState is malformed"));
  input_state s;
  s.method = json::get_string(*doc, "m").value_or("");
  s.target = json::get_string(*doc, "t").value_or("");
  s.expires_ms = json::get_int(*doc, "e").value_or(0);
  if (s.expires_ms < now_ms)
    return make_unexpected(std::string("requestState expired; call again without it"));
  if (auto a = json::find(*doc, "a"); a && a->IsObject())
    for (const auto& m : a->GetObject())
      s.answers[m.name.GetString()] = json::stringify(m.value);
  return s;
}

std::string random_state_key() {
  std::random_device rd;
  std::string key;
  for (int i = 0; i < 8; ++i) {
    auto w = rd();
    unsigned char b[4] = {static_cast<unsigned char>(w), static_cast<unsigned char>(w >> 8),
                          static_cast<unsigned char>(w >> 16),
                          static_cast<unsigned char>(w >> 24)};
    key += hex(b, 4);
  }
  return key;
}

input_reply single_input(std::string key, client_reply done) {
  return [key = std::move(key), done = std::move(done)](expected<input_answers, rpc_error> r) {
    if (!r)
      return done(make_unexpected(r.error()));
    auto it = r->find(key);
    done(it != r->end() ? it->second : std::string("{}"));
  };
}

} // namespace tmcp

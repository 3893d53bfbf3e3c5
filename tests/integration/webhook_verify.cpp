// The pure webhook verifier: Twenty's signature over "timestamp:body", age window, required
// headers; and the replay guard that remembers nonces and body digests.
#define CAF_SUITE integration.webhook_verify
#include "caf/test/unit_test.hpp"

#include "integration/replay_guard.hpp"
#include "integration/webhook_verify.hpp"

using namespace std::chrono_literals;
using namespace tmcp::twenty;

namespace {

const std::string secret = "whsec-test";
const std::string body = R"({"eventName":"person.updated"})";
const int64_t ts = 1765000000000;
// Computed independently: python3 hmac.new(b'whsec-test', b'1765000000000:' + body, sha256).
const std::string known_signature
  = "552aa5a7423cbf97bf9006fe75cbf44860cea83f0b6224adbef136fc03270983";

webhook_signing signed_headers() {
  return {std::to_string(ts), known_signature, "00112233445566778899aabbccddeeff"};
}

webhook_rejection rejection(const webhook_signing& h, int64_t now = ts,
                            const std::string& key = secret, const std::string& b = body) {
  auto r = verify_webhook(h, b, key, now, 300s);
  CAF_REQUIRE(!r);
  return r.error();
}

} // namespace

CAF_TEST(the signature is hex hmac sha256 of timestamp colon body) {
  CAF_CHECK_EQUAL(webhook_signature(secret, std::to_string(ts), body), known_signature);
}

CAF_TEST(a correctly signed fresh delivery is accepted with its nonce) {
  auto r = verify_webhook(signed_headers(), body, secret, ts + 1000, 300s);
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->timestamp_ms, ts);
  CAF_CHECK_EQUAL(r->nonce, "00112233445566778899aabbccddeeff");
}

CAF_TEST(an uppercase hex signature is the same signature) {
  auto h = signed_headers();
  for (auto& c : h.signature)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CAF_CHECK(verify_webhook(h, body, secret, ts, 300s).has_value());
}

CAF_TEST(an unsigned delivery is rejected) {
  auto h = signed_headers();
  h.signature.clear();
  CAF_CHECK(rejection(h) == webhook_rejection::missing_signature);
}

CAF_TEST(a wrong signature a changed body or another secret is rejected) {
  auto h = signed_headers();
  h.signature[10] = h.signature[10] == 'a' ? 'b' : 'a';
  CAF_CHECK(rejection(h) == webhook_rejection::bad_signature);
  CAF_CHECK(rejection(signed_headers(), ts, secret, body + " ")
            == webhook_rejection::bad_signature);
  CAF_CHECK(rejection(signed_headers(), ts, "other-secret") == webhook_rejection::bad_signature);
  auto short_sig = signed_headers();
  short_sig.signature.resize(63);
  CAF_CHECK(rejection(short_sig) == webhook_rejection::bad_signature);
}

CAF_TEST(a stale or far future timestamp is rejected) {
  CAF_CHECK(rejection(signed_headers(), ts + 301'000) == webhook_rejection::stale_timestamp);
  CAF_CHECK(rejection(signed_headers(), ts - 301'000) == webhook_rejection::stale_timestamp);
  CAF_CHECK(verify_webhook(signed_headers(), body, secret, ts + 300'000, 300s).has_value());
}

CAF_TEST(a missing or malformed timestamp is rejected) {
  auto h = signed_headers();
  h.timestamp.clear();
  CAF_CHECK(rejection(h) == webhook_rejection::missing_timestamp);
  for (auto bad : {"17650000000x0", "-1765000000000", "1.765e12", "99999999999999999999"}) {
    h.timestamp = bad;
    CAF_CHECK(rejection(h) == webhook_rejection::bad_timestamp);
  }
}

CAF_TEST(a missing nonce or a missing secret is rejected) {
  auto h = signed_headers();
  h.nonce.clear();
  CAF_CHECK(rejection(h) == webhook_rejection::missing_nonce);
  CAF_CHECK(rejection(signed_headers(), ts, "") == webhook_rejection::no_secret);
}

CAF_TEST(every rejection has a readable reason) {
  for (auto r : {webhook_rejection::no_secret, webhook_rejection::missing_signature,
                 webhook_rejection::missing_timestamp, webhook_rejection::bad_timestamp,
                 webhook_rejection::stale_timestamp, webhook_rejection::missing_nonce,
                 webhook_rejection::bad_signature, webhook_rejection::replayed_nonce})
    CAF_CHECK(std::string(to_string(r)).size() > 8);
}

CAF_TEST(the replay guard sees a key once within its window) {
  replay_guard g{1000ms};
  auto t0 = replay_guard::time_point{} + 50s;
  CAF_CHECK(g.first_seen("n1", t0));
  CAF_CHECK(!g.first_seen("n1", t0 + 999ms));
  CAF_CHECK(g.first_seen("n2", t0 + 500ms));
  // The window counts from the first sighting.
  CAF_CHECK(g.first_seen("n1", t0 + 1000ms));
  CAF_CHECK(!g.first_seen("n2", t0 + 1001ms));
}

CAF_TEST(the replay guard stays within its bound under a flood) {
  replay_guard g{1h, 100};
  auto t0 = replay_guard::time_point{} + 50s;
  for (int i = 0; i < 1000; ++i)
    CAF_CHECK(g.first_seen("k" + std::to_string(i), t0));
  CAF_CHECK(g.size() <= 100u);
  CAF_CHECK(!g.first_seen("k999", t0));
}

CAF_TEST(random secrets are hex and differ) {
  auto a = random_hex(32);
  auto b = random_hex(32);
  CAF_CHECK_EQUAL(a.size(), 64u);
  CAF_CHECK_NOT_EQUAL(a, b);
  CAF_CHECK_EQUAL(sha256_hex("").substr(0, 16), "e3b0c44298fc1c14");
}

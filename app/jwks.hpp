// The OAuth issuer's signing keys: a JWKS file read once, or a JWKS URL fetched at start-up and
// again every refresh interval and when a token names a key id it does not know (at most once
// per 30 s), so the issuer can rotate keys without a restart. A failed refresh keeps the keys.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "protocol/expected.hpp"

namespace tmcp::twenty {
class http_client;
}

namespace tmcp::app {

struct issuer_key {
  std::string kid;
  std::string alg; // "RS256" or "ES256"
  std::string pem;
};

using key_set = std::shared_ptr<const std::vector<issuer_key>>;

// {"keys":[…]} to keys; the error starts with `source` (the setting and its value).
expected<std::vector<issuer_key>, std::string> parse_jwks(const std::string& text,
                                                          const std::string& source);

class jwks_source {
public:
  static expected<std::shared_ptr<jwks_source>, std::string> from_file(const std::string& path);
  // Fetches the keys before returning (up to 10 s); the error says why it could not.
  static expected<std::shared_ptr<jwks_source>, std::string>
  from_url(const std::string& url, std::chrono::seconds refresh);

  // The keys now; starts a background refresh when one is due.
  key_set keys();
  // A token named a key id none of the keys has: fetch again soon.
  void unknown_kid();

private:
  void fetch(bool forced);

  // What a fetch's answer updates; the answer holds it, never the client (whose I/O thread
  // must not end up owning and joining itself).
  struct state {
    std::mutex mtx;
    key_set keys;
    std::string url;
    std::chrono::steady_clock::time_point fetched_at{}, tried_at{};
    bool fetching = false;
  };
  std::shared_ptr<state> state_ = std::make_shared<state>();
  std::shared_ptr<twenty::http_client> client_;
  std::string target_;
  std::chrono::seconds refresh_{600};
};

} // namespace tmcp::app

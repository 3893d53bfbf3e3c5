// Inbound authentication of the MCP HTTP endpoint (stdio stays unauthenticated): static bearer
// tokens stored as SHA-256 hashes, and an OAuth 2.1 resource server validating JWTs (RS256 or
// ES256, iss, aud, exp/nbf with a small skew, required scopes) with libjwt over OpenSSL keys
// from a JWKS file or URL. Failures are rate-limited per client address and logged without the
// token. Plain C++: the route layer calls it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/jwks.hpp"
#include "config/permissions.hpp"
#include "protocol/expected.hpp"
#include "protocol/transport/route_layer.hpp"

namespace tmcp::app {

struct auth_settings {
  std::string tokens_file;   // MCP_AUTH_TOKENS_FILE
  std::string issuer;        // MCP_OAUTH_ISSUER
  std::string audience;      // MCP_OAUTH_AUDIENCE (this resource)
  std::string jwks_file;     // MCP_OAUTH_JWKS_FILE
  std::string jwks_url;      // MCP_OAUTH_JWKS_URL (instead of the file)
  std::chrono::seconds jwks_refresh{600};
  std::vector<std::string> required_scopes; // MCP_OAUTH_SCOPES
  std::string public_url;    // MCP_PUBLIC_URL: the MCP endpoint as clients reach it
  std::chrono::seconds skew{60};
  // Failed attempts a client address may make per window before it gets 429.
  int max_failures = 10;
  std::chrono::seconds failure_window{60};
};

// What a bearer token brings beyond its name (tokens file: `permissions=`, `twenty_api_key=`).
struct token_profile {
  std::optional<config::permissions> access; // none: MCP_PERMISSIONS
  std::string twenty_api_key;                // empty: TWENTY_API_KEY (the server's workspace)
};

// Who a request was admitted as.
struct principal {
  std::string name;
  std::vector<std::string> scopes;
};

class inbound_auth {
public:
  // Reads the tokens and JWKS files; the error names the file and what is wrong.
  static expected<std::shared_ptr<inbound_auth>, std::string> create(auth_settings s);

  bool enabled() const { return !tokens_.empty() || oauth(); }
  bool oauth() const { return jwks_ != nullptr; }

  // Who the request comes from, or the 401/403/429 answer instead.
  transport::admission admit(const transport::layer_request& req);

  // Tokens with their own permission set or Twenty API key, by token name: each is a catalog
  // profile.
  const std::map<std::string, token_profile>& profiles() const { return profiles_; }

  // /.well-known/oauth-protected-resource[/mcp] (RFC 9728); false when not one of those.
  bool serve_metadata(const transport::layer_request& req, transport::layer_reply& reply) const;

  // Verifies a JWT; the principal or why it was refused ("insufficient_scope" is set apart).
  struct refusal {
    bool insufficient_scope = false;
    std::string reason;
  };
  expected<principal, refusal> verify_jwt(const std::string& token,
                                          std::chrono::system_clock::time_point now) const;

  // The lowercase hex SHA-256 of `text` (how the tokens file stores tokens).
  static std::string sha256_hex(const std::string& text);

private:
  explicit inbound_auth(auth_settings s) : settings_(std::move(s)) {}

  std::string metadata_url(const transport::layer_request& req) const;
  transport::layer_response challenge(const transport::layer_request& req, int status,
                                      const std::string& error, const std::string& why) const;
  bool throttled(const std::string& addr, std::chrono::steady_clock::time_point now);
  void note_failure(const std::string& addr, std::chrono::steady_clock::time_point now);

  auth_settings settings_;
  std::map<std::string, std::string> tokens_; // sha256 hex -> name
  std::map<std::string, token_profile> profiles_;
  std::shared_ptr<jwks_source> jwks_;
  std::mutex mtx_;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> failures_;
};

// JWK (RSA n/e or EC P-256 x/y) to a PEM public key, via OpenSSL.
expected<std::string, std::string> jwk_to_pem(const std::string& kty, const std::string& a,
                                              const std::string& b);

} // namespace tmcp::app

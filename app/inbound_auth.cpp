#include "app/inbound_auth.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <jwt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "protocol/base64.hpp"
#include "protocol/json.hpp"

namespace tmcp::app {

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Equal strings of equal length compared in constant time.
bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The JWT header's alg and kid, read before any verification: only RS256/ES256 are accepted,
// so "none" and HS256-with-a-public-key are refused before libjwt sees the token.
std::optional<std::pair<std::string, std::string>> jwt_header(const std::string& token) {
  auto dot = token.find('.');
  if (dot == std::string::npos || dot > 4096)
    return std::nullopt;
  auto part = token.substr(0, dot);
  for (auto& c : part)
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (part.size() % 4)
    part += '=';
  auto text = base64_decode(part);
  if (!text)
    return std::nullopt;
  auto doc = json::parse(*text);
  if (!doc || !doc->IsObject())
    return std::nullopt;
  return std::make_pair(json::get_string(*doc, "alg").value_or(""),
                        json::get_string(*doc, "kid").value_or(""));
}

struct jwt_ptr {
  jwt_t* p = nullptr;
  ~jwt_ptr() {
    if (p)
      jwt_free(p);
  }
};

std::vector<std::string> split_scopes(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + " ") {
    if (c == ' ' || c == ',') {
      if (!cur.empty())
        out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

// `aud` may be a string or an array of strings.
bool audience_matches(jwt_t* jwt, const std::string& audience) {
  if (auto aud = jwt_get_grant(jwt, "aud"))
    return audience == aud;
  char* raw = jwt_get_grants_json(jwt, "aud");
  if (!raw)
    return false;
  std::string text = raw;
  free(raw);
  auto doc = json::parse(text);
  if (!doc || !doc->IsArray())
    return false;
  for (const auto& v : doc->GetArray())
    if (v.IsString() && audience == v.GetString())
      return true;
  return false;
}

} // namespace

std::string inbound_auth::sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

expected<std::shared_ptr<inbound_auth>, std::string> inbound_auth::create(auth_settings s) {
  std::shared_ptr<inbound_auth> a{new inbound_auth(std::move(s))};
  const auto& st = a->settings_;
  if (!st.tokens_file.empty()) {
    auto text = read_file(st.tokens_file);
    if (!text)
      return make_unexpected("cannot read MCP_AUTH_TOKENS_FILE '" + st.tokens_file + "'");
    std::istringstream lines(*text);
    int n = 0;
    for (std::string line; std::getline(lines, line);) {
      ++n;
      std::istringstream words(line);
      std::string hash, name, extra;
      if (!(words >> hash) || hash[0] == '#')
        continue;
      if (hash.rfind("sha256:", 0) == 0)
        hash = hash.substr(7);
      auto where = "MCP_AUTH_TOKENS_FILE line " + std::to_string(n);
      if (!is_hex64(hash) || !(words >> name))
        return make_unexpected(where + ": expected '<sha256 hex of the token> <name> "
                                       "[permissions=<matrix>] [twenty_api_key=<key>]'");
      token_profile own;
      bool any = false;
      while (words >> extra) {
        any = true;
        if (extra.rfind("permissions=", 0) == 0 && !own.access) {
          auto matrix = config::permissions::parse(extra.substr(12));
          if (!matrix)
            return make_unexpected(where + " (token '" + name + "'): " + matrix.error());
          own.access = *matrix;
        } else if (extra.rfind("twenty_api_key=", 0) == 0 && own.twenty_api_key.empty()
                   && extra.size() > 15) {
          own.twenty_api_key = extra.substr(15);
        } else {
          // The word may hold a key: only the option's name is quoted back.
          auto eq = extra.find('=');
          return make_unexpected(where + ": after the name only 'permissions=<matrix>' and "
                                         "'twenty_api_key=<key>' may follow, once each and with "
                                         "no spaces inside; got "
                                 + (eq == std::string::npos ? std::string("a word without '='")
                                                            : "'" + extra.substr(0, eq + 1) + "…'"));
        }
      }
      if (any && !a->profiles_.emplace(name, std::move(own)).second)
        return make_unexpected(where + ": two tokens named '" + name + "' with their own "
                                       "settings; give each its own name");
      a->tokens_[hash] = name;
    }
    if (a->tokens_.empty())
      return make_unexpected("MCP_AUTH_TOKENS_FILE '" + st.tokens_file + "' holds no token");
  }
  bool any_oauth = !st.issuer.empty() || !st.audience.empty() || !st.jwks_file.empty()
                   || !st.jwks_url.empty();
  if (any_oauth) {
    if (st.issuer.empty() || st.audience.empty() || st.jwks_file.empty() == st.jwks_url.empty())
      return make_unexpected(std::string("OAuth needs MCP_OAUTH_ISSUER, MCP_OAUTH_AUDIENCE and "
                                         "one of MCP_OAUTH_JWKS_FILE or MCP_OAUTH_JWKS_URL"));
    auto jwks = st.jwks_url.empty() ? jwks_source::from_file(st.jwks_file)
                                    : jwks_source::from_url(st.jwks_url, st.jwks_refresh);
    if (!jwks)
      return make_unexpected(jwks.error());
    a->jwks_ = *jwks;
  }
  return a;
}

expected<principal, inbound_auth::refusal>
inbound_auth::verify_jwt(const std::string& token, std::chrono::system_clock::time_point now) const {
  auto fail = [](std::string why) { return make_unexpected(refusal{false, std::move(why)}); };
  auto header = jwt_header(token);
  if (!header)
    return fail("malformed token");
  auto [alg, kid] = *header;
  if (alg != "RS256" && alg != "ES256")
    return fail("unsupported token algorithm '" + alg.substr(0, 16) + "'");
  jwt_ptr jwt;
  bool verified = false;
  auto keys = jwks_->keys();
  bool kid_known = kid.empty();
  for (const auto& k : *keys) {
    kid_known = kid_known || k.kid == kid;
    if (k.alg != alg || (!kid.empty() && !k.kid.empty() && k.kid != kid))
      continue;
    if (jwt_decode(&jwt.p, token.c_str(), reinterpret_cast<const unsigned char*>(k.pem.data()),
                   static_cast<int>(k.pem.size()))
          == 0
        && jwt_get_alg(jwt.p) == jwt_str_alg(alg.c_str())) {
      verified = true;
      break;
    }
    if (jwt.p) {
      jwt_free(jwt.p);
      jwt.p = nullptr;
    }
  }
  if (!verified) {
    if (!kid_known)
      jwks_->unknown_kid(); // the issuer may have rotated its keys
    return fail("bad signature or no matching key");
  }
  auto iss = jwt_get_grant(jwt.p, "iss");
  if (!iss || settings_.issuer != iss)
    return fail("wrong issuer");
  if (!audience_matches(jwt.p, settings_.audience))
    return fail("wrong audience");
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto skew = settings_.skew.count();
  errno = 0;
  long exp = jwt_get_grant_int(jwt.p, "exp");
  if (errno != 0 || exp + skew < secs)
    return fail(errno != 0 ? "no expiry" : "expired");
  errno = 0;
  long nbf = jwt_get_grant_int(jwt.p, "nbf");
  if (errno == 0 && nbf - skew > secs)
    return fail("not valid yet");
  principal p;
  auto sub = jwt_get_grant(jwt.p, "sub");
  p.name = sub ? sub : "oauth";
  if (auto scope = jwt_get_grant(jwt.p, "scope"))
    p.scopes = split_scopes(scope);
  for (const auto& need : settings_.required_scopes)
    if (std::find(p.scopes.begin(), p.scopes.end(), need) == p.scopes.end())
      return make_unexpected(refusal{true, "missing scope '" + need + "'"});
  return p;
}

std::string inbound_auth::metadata_url(const transport::layer_request& req) const {
  std::string base = settings_.public_url;
  if (base.empty())
    base = "http://" + std::string(req.host.value_or("localhost")) + "/mcp";
  // RFC 9728: the well-known path goes between the authority and the resource's path.
  auto scheme_end = base.find("://");
  auto path_at = base.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  auto origin = path_at == std::string::npos ? base : base.substr(0, path_at);
  auto path = path_at == std::string::npos ? std::string() : base.substr(path_at);
  return origin + "/.well-known/oauth-protected-resource" + path;
}

transport::layer_response inbound_auth::challenge(const transport::layer_request& req, int status,
                                                  const std::string& error,
                                                  const std::string& why) const {
  transport::layer_response r;
  r.status = status;
  std::string value = "Bearer resource_metadata=\"" + metadata_url(req) + "\"";
  if (!error.empty())
    value += ", error=\"" + error + "\"";
  if (status == 403 && !settings_.required_scopes.empty()) {
    std::string scopes;
    for (const auto& s : settings_.required_scopes)
      scopes += (scopes.empty() ? "" : " ") + s;
    value += ", scope=\"" + scopes + "\"";
  }
  r.headers.emplace_back("WWW-Authenticate", value);
  r.body = "{\"error\":" + json::quote(error.empty() ? "unauthorized" : error)
           + ",\"error_description\":" + json::quote(why) + "}";
  return r;
}

bool inbound_auth::throttled(const std::string& addr, std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto it = failures_.find(addr);
  if (it == failures_.end())
    return false;
  auto& times = it->second;
  times.erase(std::remove_if(times.begin(), times.end(),
                             [&](auto t) { return now - t > settings_.failure_window; }),
              times.end());
  return static_cast<int>(times.size()) >= settings_.max_failures;
}

void inbound_auth::note_failure(const std::string& addr, std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  // Bounded: an address flood cannot grow the table without limit.
  if (failures_.size() > 10000)
    failures_.clear();
  failures_[addr].push_back(now);
}

transport::admission inbound_auth::admit(const transport::layer_request& req) {
  if (!enabled())
    return {};
  auto now = std::chrono::steady_clock::now();
  if (throttled(req.client_address, now)) {
    spdlog::warn("auth: {} is throttled after repeated failures", req.client_address);
    transport::layer_response r;
    r.status = 429;
    r.body = R"({"error":"too_many_failed_attempts","error_description":"Too many failed authentication attempts from this address; retry later"})";
    r.headers.emplace_back("Retry-After", std::to_string(settings_.failure_window.count()));
    return {r};
  }
  std::string token;
  if (req.authorization) {
    std::string h(*req.authorization);
    if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0))
      token = h.substr(7);
  }
  if (token.empty()) {
    // No credentials is not an attack: the client learns where to get a token (RFC 9728).
    return {challenge(req, 401, "", "this MCP endpoint needs a bearer token")};
  }
  auto hash = sha256_hex(token);
  for (const auto& [h, name] : tokens_)
    if (same(h, hash)) {
      spdlog::debug("auth: {} admitted as '{}'", req.client_address, name);
      return {std::nullopt, "token:" + name, profiles_.count(name) ? name : std::string()};
    }
  if (oauth()) {
    auto p = verify_jwt(token, std::chrono::system_clock::now());
    if (p)
      return {std::nullopt, "oauth:" + p->name, {}};
    note_failure(req.client_address, now);
    spdlog::warn("auth: refused a token from {}: {}", req.client_address, p.error().reason);
    if (p.error().insufficient_scope)
      return {challenge(req, 403, "insufficient_scope", p.error().reason)};
    return {challenge(req, 401, "invalid_token", p.error().reason)};
  }
  note_failure(req.client_address, now);
  spdlog::warn("auth: refused an unknown token from {}", req.client_address);
  return {challenge(req, 401, "invalid_token", "unknown token")};
}

bool inbound_auth::serve_metadata(const transport::layer_request& req,
                                  transport::layer_reply& reply) const {
  auto path = transport::target_path(req.target);
  if (!oauth()
      || (path != "/.well-known/oauth-protected-resource"
          && path != "/.well-known/oauth-protected-resource/mcp"))
    return false;
  auto resource = settings_.public_url.empty()
                    ? "http://" + std::string(req.host.value_or("localhost")) + "/mcp"
                    : settings_.public_url;
  std::string scopes;
  for (const auto& s : settings_.required_scopes)
    scopes += (scopes.empty() ? "" : ",") + json::quote(s);
  transport::layer_response r;
  r.body = "{\"resource\":" + json::quote(resource) + ",\"authorization_servers\":["
           + json::quote(settings_.issuer) + "],\"scopes_supported\":[" + scopes
           + "],\"bearer_methods_supported\":[\"header\"],\"resource_name\":\"Twenty CRM MCP "
             "server\"}";
  reply(std::move(r));
  return true;
}

} // namespace tmcp::app

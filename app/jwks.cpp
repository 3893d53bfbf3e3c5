#include "app/jwks.hpp"

#include <fstream>
#include <future>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/inbound_auth.hpp"
#include "integration/http_client.hpp"
#include "protocol/json.hpp"

namespace tmcp::app {

namespace {

using namespace std::chrono_literals;

// An unknown key id refetches at most this often (a stream of forged kids must not hammer the
// issuer).
constexpr auto unknown_kid_pause = 30s;

// GET url → its body, or why not.
void get(twenty::http_client& client, const std::string& target,
         std::function<void(expected<std::string, std::string>)> done) {
  twenty::request req;
  req.target = target;
  req.deadline = 10s;
  client.send(req, [done = std::move(done)](twenty::outcome o) {
    if (!o)
      return done(make_unexpected(o.error().message));
    if (o->status != 200)
      return done(make_unexpected("HTTP " + std::to_string(o->status)));
    done(std::move(o->body));
  });
}

} // namespace

expected<std::vector<issuer_key>, std::string> parse_jwks(const std::string& text,
                                                          const std::string& source) {
  auto doc = json::parse(text);
  auto keys = doc && doc->IsObject() ? json::find(*doc, "keys") : nullptr;
  if (!keys || !keys->IsArray())
    return make_unexpected(source + " is not a JWKS document ({\"keys\":[...]})");
  std::vector<issuer_key> out;
  for (const auto& k : keys->GetArray()) {
    if (!k.IsObject())
      continue;
    auto kty = json::get_string(k, "kty").value_or("");
    bool rsa = kty == "RSA";
    auto pem = jwk_to_pem(kty, json::get_string(k, rsa ? "n" : "x").value_or(""),
                          json::get_string(k, rsa ? "e" : "y").value_or(""));
    if (!pem)
      return make_unexpected(source + " key '" + json::get_string(k, "kid").value_or("?")
                             + "': " + pem.error());
    out.push_back({json::get_string(k, "kid").value_or(""), rsa ? "RS256" : "ES256", *pem});
  }
  if (out.empty())
    return make_unexpected(source + " holds no key");
  return out;
}

expected<std::shared_ptr<jwks_source>, std::string>
jwks_source::from_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto source = "MCP_OAUTH_JWKS_FILE '" + path + "'";
  if (!in)
    return make_unexpected(source + " cannot be read");
  auto keys = parse_jwks(ss.str(), source);
  if (!keys)
    return make_unexpected(keys.error());
  auto s = std::make_shared<jwks_source>();
  s->state_->keys = std::make_shared<const std::vector<issuer_key>>(std::move(*keys));
  return s;
}

expected<std::shared_ptr<jwks_source>, std::string>
jwks_source::from_url(const std::string& url, std::chrono::seconds refresh) {
  auto source = "MCP_OAUTH_JWKS_URL '" + url + "'";
  auto scheme = url.find("://");
  if (scheme == std::string::npos)
    return make_unexpected(source + " is not an http(s) URL");
  auto path = url.find('/', scheme + 3);
  twenty::client_options opts;
  opts.base_url = url.substr(0, path);
  opts.max_connections = 1;
  opts.max_body_bytes = 1 << 20;
  opts.peer = "the OAuth issuer";
  opts.url_setting = "MCP_OAUTH_JWKS_URL";
  auto client = twenty::http_client::create(opts);
  if (!client)
    return make_unexpected(source + ": " + client.error());
  auto s = std::make_shared<jwks_source>();
  s->state_->url = url;
  s->client_ = *client;
  s->target_ = path == std::string::npos ? "/" : url.substr(path);
  s->refresh_ = refresh;
  std::promise<expected<std::string, std::string>> fetched;
  get(*s->client_, s->target_, [&fetched](expected<std::string, std::string> r) {
    fetched.set_value(std::move(r));
  });
  auto body = fetched.get_future().get(); // the client's deadline bounds the wait
  if (!body)
    return make_unexpected(source + " could not be fetched: " + body.error());
  auto keys = parse_jwks(*body, source);
  if (!keys)
    return make_unexpected(keys.error());
  s->state_->keys = std::make_shared<const std::vector<issuer_key>>(std::move(*keys));
  s->state_->fetched_at = std::chrono::steady_clock::now(); // a first unknown kid may refetch at once
  return s;
}

key_set jwks_source::keys() {
  fetch(false);
  std::lock_guard<std::mutex> guard(state_->mtx);
  return state_->keys;
}

void jwks_source::unknown_kid() {
  fetch(true);
}

void jwks_source::fetch(bool forced) {
  if (!client_)
    return;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> guard(state_->mtx);
    auto& st = *state_;
    bool due = forced ? now - st.tried_at >= unknown_kid_pause : now - st.fetched_at >= refresh_;
    if (st.fetching || !due)
      return;
    st.fetching = true;
    st.tried_at = now;
  }
  get(*client_, target_, [st = state_](expected<std::string, std::string> body) {
    auto source = "MCP_OAUTH_JWKS_URL '" + st->url + "'";
    auto keys = body ? parse_jwks(*body, source)
                     : expected<std::vector<issuer_key>, std::string>(
                       make_unexpected(source + " could not be fetched: " + body.error()));
    std::lock_guard<std::mutex> guard(st->mtx);
    st->fetching = false;
    if (!keys) {
      spdlog::warn("{}; keeping the keys fetched before", keys.error());
      return;
    }
    st->keys = std::make_shared<const std::vector<issuer_key>>(std::move(*keys));
    st->fetched_at = std::chrono::steady_clock::now();
    spdlog::info("{}: {} signing keys", source, st->keys->size());
  });
}

} // namespace tmcp::app

#define CAF_SUITE app.inbound_auth
#include "caf/test/unit_test.hpp"

#include <fstream>

#include <unistd.h>

#include "app/inbound_auth.hpp"

using namespace tmcp;
using namespace tmcp::app;

namespace {

// Writes a tokens file and loads it; removed again when the test ends.
struct tokens_file {
  std::string path = "/tmp/tmcp-inbound-auth-" + std::to_string(getpid());

  expected<std::shared_ptr<inbound_auth>, std::string> load(const std::string& text) {
    std::ofstream(path) << text;
    auth_settings s;
    s.tokens_file = path;
    return inbound_auth::create(s);
  }

  ~tokens_file() { std::remove(path.c_str()); }
};

transport::admission admit(inbound_auth& auth, const std::string& token) {
  transport::layer_request req;
  std::string header = "Bearer " + token;
  req.authorization = header;
  req.client_address = "127.0.0.1";
  return auth.admit(req);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

CAF_TEST(a token with permissions is admitted under its own profile and others under none) {
  tokens_file f;
  auto auth = f.load(inbound_auth::sha256_hex("plain-token") + " bot\n"
                     + inbound_auth::sha256_hex("reader-token")
                     + " reader permissions=companies:read;people:read\n");
  CAF_REQUIRE(auth);
  CAF_REQUIRE_EQUAL((*auth)->profiles().size(), 1u);
  auto& reader = (*auth)->profiles().at("reader");
  CAF_REQUIRE(reader.access);
  CAF_CHECK(reader.access->allows("company", "companies", config::operation::read));
  CAF_CHECK(!reader.access->allows("company", "companies", config::operation::create));
  CAF_CHECK(reader.twenty_api_key.empty());
  auto r = admit(**auth, "reader-token");
  CAF_CHECK(!r.refusal);
  CAF_CHECK_EQUAL(r.principal, "token:reader");
  CAF_CHECK_EQUAL(r.profile, "reader");
  auto b = admit(**auth, "plain-token");
  CAF_CHECK(!b.refusal);
  CAF_CHECK_EQUAL(b.principal, "token:bot");
  CAF_CHECK_EQUAL(b.profile, "");
  auto x = admit(**auth, "unknown-token");
  CAF_REQUIRE(x.refusal);
  CAF_CHECK_EQUAL(x.refusal->status, 401);
  CAF_CHECK(x.principal.empty());
}

CAF_TEST(a token may bring its own twenty api key with or without permissions) {
  tokens_file f;
  auto auth = f.load(inbound_auth::sha256_hex("a") + " other-workspace twenty_api_key=tw-key-2\n"
                     + inbound_auth::sha256_hex("b")
                     + " other-reader twenty_api_key=tw-key-2 permissions=*:read\n");
  CAF_REQUIRE(auth);
  auto& p = (*auth)->profiles();
  CAF_REQUIRE_EQUAL(p.size(), 2u);
  CAF_CHECK_EQUAL(p.at("other-workspace").twenty_api_key, "tw-key-2");
  CAF_CHECK(!p.at("other-workspace").access);
  CAF_CHECK(p.at("other-reader").access);
  CAF_CHECK_EQUAL(admit(**auth, "a").profile, "other-workspace");
}

CAF_TEST(a bad tokens file line stops start up naming the line and what is wrong) {
  tokens_file f;
  auto h = inbound_auth::sha256_hex("t");
  auto bad_matrix = f.load(h + " reader permissions=companies:fly\n");
  CAF_REQUIRE(!bad_matrix);
  CAF_CHECK(has(bad_matrix.error(), "line 1 (token 'reader')"));
  CAF_CHECK(has(bad_matrix.error(), "fly"));
  auto junk = f.load("# comment\n" + h + " reader colour=blue\n");
  CAF_REQUIRE(!junk);
  CAF_CHECK(has(junk.error(), "line 2"));
  CAF_CHECK(has(junk.error(), "'colour=…'"));
  CAF_CHECK(!has(junk.error(), "blue"));
  auto key_twice = f.load(h + " w twenty_api_key=secret-one twenty_api_key=secret-two\n");
  CAF_REQUIRE(!key_twice);
  CAF_CHECK(!has(key_twice.error(), "secret-"));
  auto twice = f.load(h + " r permissions=*:read\n" + inbound_auth::sha256_hex("u")
                      + " r permissions=companies:read\n");
  CAF_REQUIRE(!twice);
  CAF_CHECK(has(twice.error(), "two tokens named 'r'"));
}

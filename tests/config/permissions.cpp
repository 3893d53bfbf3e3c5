#define CAF_SUITE config.permissions
#include "caf/test/unit_test.hpp"

#include "config/permissions.hpp"
#include "config/server_config.hpp"

using namespace tmcp;
using config::operation;
using config::permissions;

namespace {

permissions parsed(const std::string& spec) {
  auto p = permissions::parse(spec);
  if (!p)
    CAF_FAIL("did not parse: " << p.error());
  return *p;
}

std::string parse_error(const std::string& spec) {
  auto p = permissions::parse(spec);
  return p ? std::string("(parsed)") : p.error();
}

} // namespace

CAF_TEST(no matrix allows every operation on every object) {
  auto p = parsed("");
  CAF_CHECK(p.allows("pet", "pets", operation::remove));
  CAF_CHECK(p.allows_everywhere(operation::create));
}

CAF_TEST(an object entry wins over the wildcard and unlisted objects get the wildcard) {
  auto p = parsed("companies:read; opportunities:read,create,update;*:read");
  CAF_CHECK(p.allows("opportunity", "opportunities", operation::create));
  CAF_CHECK(p.allows("opportunity", "opportunities", operation::update));
  CAF_CHECK(!p.allows("opportunity", "opportunities", operation::remove));
  CAF_CHECK(!p.allows("company", "companies", operation::create));
  CAF_CHECK(p.allows("pet", "pets", operation::read));
  CAF_CHECK(!p.allows("pet", "pets", operation::update));
  CAF_CHECK(p.allows_somewhere(operation::create));
  CAF_CHECK(!p.allows_somewhere(operation::remove));
  CAF_CHECK(p.allows_everywhere(operation::read));
  CAF_CHECK(!p.allows_everywhere(operation::create));
  CAF_CHECK_EQUAL(p.granted("opportunity", "opportunities"), "read, create, update");
}

CAF_TEST(singular names match and an object with no entry and no wildcard gets nothing) {
  auto p = parsed("person:*");
  CAF_CHECK(p.allows("person", "people", operation::remove));
  CAF_CHECK(!p.allows("company", "companies", operation::read));
  CAF_CHECK_EQUAL(p.granted("company", "companies"), "nothing");
  CAF_CHECK(!p.allows_everywhere(operation::read));
}

CAF_TEST(read only narrows the matrix to reads) {
  auto p = parsed("people:read,create;pets:create");
  p.restrict_to_read();
  CAF_CHECK(p.allows("person", "people", operation::read));
  CAF_CHECK(!p.allows("person", "people", operation::create));
  CAF_CHECK(!p.allows("pet", "pets", operation::read));
  auto all = parsed("");
  all.restrict_to_read();
  CAF_CHECK(all.allows("pet", "pets", operation::read));
  CAF_CHECK(!all.allows_somewhere(operation::update));
}

CAF_TEST(bad matrices are refused naming the setting and the entry) {
  CAF_CHECK_EQUAL(parse_error("companies"),
                  "MCP_PERMISSIONS entry 'companies': missing ':' between the object and its "
                  "operations (form: object:op,op;...; ops read, create, update, delete, *; "
                  "e.g. companies:read;*:read)");
  CAF_CHECK(parse_error("companies:read,write").find("unknown operation 'write'")
            != std::string::npos);
  CAF_CHECK(parse_error("companies:").find("no operation") != std::string::npos);
  CAF_CHECK(parse_error(":read").find("no object name") != std::string::npos);
  CAF_CHECK(parse_error("pets:read;pets:create").find("'pets' is listed twice")
            != std::string::npos);
}

CAF_TEST(the setting is read from flags and a bad value stops parsing with its name) {
  std::vector<std::string> args{"twenty-mcp-server", "--permissions", "pets:read"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  auto none = [](const char*) -> const char* { return nullptr; };
  auto ok = config::parse(static_cast<int>(argv.size()), argv.data(), none);
  CAF_REQUIRE(ok.has_value());
  CAF_CHECK(ok->config.access.allows("pet", "pets", operation::read));
  CAF_CHECK(!ok->config.access.allows("person", "people", operation::read));
  auto bad_env = [](const char* name) -> const char* {
    return std::string(name) == "MCP_PERMISSIONS" ? "pets=read" : nullptr;
  };
  auto bad = config::parse(1, argv.data(), bad_env);
  CAF_REQUIRE(!bad.has_value());
  CAF_CHECK(bad.error().rfind("MCP_PERMISSIONS entry 'pets=read'", 0) == 0);
}

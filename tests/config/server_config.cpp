#define CAF_SUITE config.server_config
#include "caf/test/unit_test.hpp"

#include <map>

#include "config/server_config.hpp"

using namespace tmcp;

namespace {

std::map<std::string, std::string> env;

const char* fake_getenv(const char* name) {
  auto it = env.find(name);
  return it == env.end() ? nullptr : it->second.c_str();
}

expected<config::parse_outcome, std::string> parse(std::vector<std::string> args) {
  std::vector<char*> argv{const_cast<char*>("twenty-mcp-server")};
  for (auto& a : args)
    argv.push_back(a.data());
  return config::parse(static_cast<int>(argv.size()), argv.data(), fake_getenv);
}

} // namespace

CAF_TEST(defaults bind loopback on port 3001 over stdio) {
  env.clear();
  auto r = parse({});
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->config.transport, "stdio");
  CAF_CHECK_EQUAL(r->config.http_host, "127.0.0.1");
  CAF_CHECK_EQUAL(r->config.http_port, 3001);
  CAF_CHECK(!r->config.conformance);
}

CAF_TEST(environment variables are read and flags override them) {
  env = {{"MCP_TRANSPORT", "http"}, {"MCP_HTTP_PORT", "0"}, {"TWENTY_API_URL", "https://x.io/"},
         {"MCP_CONFORMANCE", "1"}};
  auto r = parse({"--http-port", "4000"});
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->config.transport, "http");
  CAF_CHECK_EQUAL(r->config.http_port, 4000);
  CAF_CHECK_EQUAL(r->config.twenty_api_url, "https://x.io");
  CAF_CHECK(r->config.conformance);
  auto eq = parse({"--http-port=0", "--read-only"});
  CAF_REQUIRE(eq.has_value());
  CAF_CHECK_EQUAL(eq->config.http_port, 0);
  CAF_CHECK(eq->config.read_only);
}

CAF_TEST(bad values are refused with the setting named) {
  env.clear();
  auto port = parse({"--http-port", "70000"});
  CAF_REQUIRE(!port.has_value());
  CAF_CHECK(port.error().find("MCP_HTTP_PORT") != std::string::npos);
  auto transport = parse({"--transport", "carrier-pigeon"});
  CAF_REQUIRE(!transport.has_value());
  CAF_CHECK(transport.error().find("'stdio' or 'http'") != std::string::npos);
  env = {{"TWENTY_API_URL", "ftp://nope"}};
  auto url = parse({});
  CAF_REQUIRE(!url.has_value());
  CAF_CHECK(url.error().find("http:// or https://") != std::string::npos);
  env.clear();
  CAF_CHECK(!parse({"--no-such-flag"}).has_value());
  CAF_CHECK(!parse({"--toolsets", "everything"}).has_value());
}

CAF_TEST(help lists every variable) {
  env.clear();
  auto r = parse({"--help"});
  CAF_REQUIRE(r.has_value());
  CAF_CHECK(r->help);
  auto text = config::help_text();
  for (auto v : {"TWENTY_API_URL", "TWENTY_API_KEY", "MCP_TRANSPORT", "MCP_HTTP_HOST",
                 "MCP_HTTP_PORT", "MCP_CONFORMANCE", "LOG_LEVEL", "MCP_TOOLSETS", "MCP_READ_ONLY"})
    CAF_CHECK(text.find(v) != std::string::npos);
}

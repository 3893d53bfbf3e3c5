#define CAF_SUITE config.server_config
#include "caf/test/unit_test.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>

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

// A config file in the temp directory, removed with the object.
struct temp_file {
  std::string path;
  explicit temp_file(const std::string& text) {
    char name[] = "/tmp/tmcp-config-XXXXXX";
    int fd = mkstemp(name);
    CAF_REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path) << text;
  }
  ~temp_file() { std::remove(path.c_str()); }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
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
  auto webhooks = parse({"--toolsets", "core,webhooks"});
  CAF_REQUIRE(webhooks.has_value());
  CAF_CHECK_EQUAL(webhooks->config.toolsets, "core,webhooks");
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

CAF_TEST(a config file sets values under the environment and the flags) {
  temp_file f{"# comment\n[server]\nMCP_TRANSPORT = http\nhttp-port = 4100\n"
              "TWENTY_API_URL = \"https://file.example\"\n; other comment\n"
              "MCP_CACHE_MAX_MB=7\nLOG_LEVEL = debug\n"};
  env = {{"MCP_HTTP_PORT", "4200"}, {"LOG_LEVEL", "warn"}};
  auto r = parse({"--config", f.path, "--log-level", "error"});
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->config.transport, "http");                         // file
  CAF_CHECK_EQUAL(r->config.twenty_api_url, "https://file.example");    // file, unquoted
  CAF_CHECK_EQUAL(r->config.cache_max_mb, 7u);                          // file
  CAF_CHECK_EQUAL(r->config.http_port, 4200);                           // env over file
  CAF_CHECK_EQUAL(r->config.log_level, "error");                        // flag over env
  env = {{"MCP_CONFIG_FILE", f.path}};
  auto via_env = parse({});
  CAF_REQUIRE(via_env.has_value());
  CAF_CHECK_EQUAL(via_env->config.http_port, 4100);
  auto eq = parse({"--config=" + f.path});
  CAF_REQUIRE(eq.has_value());
  CAF_CHECK_EQUAL(eq->config.transport, "http");
}

CAF_TEST(an unknown or invalid setting in the file stops with one message naming it) {
  env.clear();
  temp_file unknown{"MCP_TRANSPORT = http\nMCP_TRANSPROT = stdio\n"};
  auto r = parse({"--config", unknown.path});
  CAF_REQUIRE(!r.has_value());
  CAF_CHECK(has(r.error(), unknown.path + " line 2"));
  CAF_CHECK(has(r.error(), "unknown setting 'MCP_TRANSPROT'"));
  temp_file bad{"MCP_HTTP_PORT = 99999\n"};
  r = parse({"--config", bad.path});
  CAF_REQUIRE(!r.has_value());
  CAF_CHECK(has(r.error(), "line 1: MCP_HTTP_PORT must be an integer"));
  temp_file garbage{"TWENTY_API_KEY: s3cret-key-value\n"};
  r = parse({"--config", garbage.path});
  CAF_REQUIRE(!r.has_value());
  CAF_CHECK(has(r.error(), "expected NAME = value"));
  CAF_CHECK(!has(r.error(), "s3cret-key-value"));
  r = parse({"--config", "/nonexistent/tmcp.conf"});
  CAF_REQUIRE(!r.has_value());
  CAF_CHECK(has(r.error(), "cannot read config file '/nonexistent/tmcp.conf'"));
  CAF_CHECK(!parse({"--config"}).has_value());
}

CAF_TEST(the example config documents every setting with a valid value) {
  env.clear();
  std::ifstream in(std::string(TMCP_SOURCE_DIR) + "/config/twenty-mcp-server.example.conf");
  CAF_REQUIRE(in.good());
  std::stringstream all;
  all << in.rdbuf();
  auto text = all.str();
  for (const auto& name : config::setting_names())
    if (!has(text, "# " + name + " = "))
      CAF_FAIL("the example config does not document " << name);
  // Uncommented, the documented values must all be accepted.
  std::string live;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("# ", 0) == 0 && line.find(" = ") != std::string::npos
        && line.find_first_of("abcdefghijklmnopqrstuvwxyz") > line.find(" = "))
      live += line.substr(2) + "\n";
  temp_file f{live};
  auto r = parse({"--config", f.path});
  if (!r.has_value())
    CAF_FAIL(r.error());
  CAF_CHECK_EQUAL(r->config.admin_port, 9464);
}

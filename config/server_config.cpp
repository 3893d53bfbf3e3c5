#include "config/server_config.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>

namespace tmcp::config {

namespace {

struct setting {
  const char* env;
  const char* flag;
  const char* help;
  std::function<std::string(server_config&, const std::string&)> apply; // returns error text
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty())
        out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty())
    out.push_back(cur);
  return out;
}

template <class T>
std::string parse_uint(const std::string& v, T& out, uint64_t lo, uint64_t hi, const char* what) {
  try {
    std::size_t used = 0;
    auto n = std::stoull(v, &used);
    if (used != v.size() || n < lo || n > hi)
      throw std::out_of_range(v);
    out = static_cast<T>(n);
    return {};
  } catch (...) {
    return std::string(what) + " must be an integer from " + std::to_string(lo) + " to "
           + std::to_string(hi) + ", got '" + v + "'";
  }
}

std::string parse_bool(const std::string& v, bool& out, const char* what) {
  if (v == "1" || v == "true" || v == "yes" || v == "on" || v.empty()) {
    out = true;
    return {};
  }
  if (v == "0" || v == "false" || v == "no" || v == "off") {
    out = false;
    return {};
  }
  return std::string(what) + " must be 1/0 or true/false, got '" + v + "'";
}

const std::vector<setting>& settings() {
  static const std::vector<setting> all{
    {"TWENTY_API_URL", "--twenty-api-url", "Base URL of the Twenty server (http or https)",
     [](server_config& c, const std::string& v) {
       if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
         return "TWENTY_API_URL must start with http:// or https://, got '" + v + "'";
       c.twenty_api_url = v;
       while (!c.twenty_api_url.empty() && c.twenty_api_url.back() == '/')
         c.twenty_api_url.pop_back();
       return std::string{};
     }},
    {"TWENTY_API_KEY", "--twenty-api-key", "Twenty API key (sent as a Bearer token)",
     [](server_config& c, const std::string& v) {
       c.twenty_api_key = v;
       return std::string{};
     }},
    {"MCP_TRANSPORT", "--transport", "stdio (default) or http (Streamable HTTP)",
     [](server_config& c, const std::string& v) {
       if (v != "stdio" && v != "http")
         return "MCP_TRANSPORT must be 'stdio' or 'http', got '" + v + "'";
       c.transport = v;
       return std::string{};
     }},
    {"MCP_HTTP_HOST", "--http-host", "Address to bind (default 127.0.0.1)",
     [](server_config& c, const std::string& v) {
       if (v.empty())
         return std::string("MCP_HTTP_HOST must not be empty");
       c.http_host = v;
       return std::string{};
     }},
    {"MCP_HTTP_PORT", "--http-port",
     "Port to bind (default 3001; 0 picks a free port and prints the URL on stderr)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.http_port, 0, 65535, "MCP_HTTP_PORT");
     }},
    {"MCP_ADMIN_PORT", "--admin-port",
     "Port of a separate /health and /metrics listener on MCP_HTTP_HOST (default none; also "
     "with stdio)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.admin_port, 0, 65535, "MCP_ADMIN_PORT");
     }},
    {"MCP_AUTH_TOKENS_FILE", "--auth-tokens-file",
     "File of '<sha256 hex of a token> <name> [permissions=<matrix>] [twenty_api_key=<key>]' "
     "lines: HTTP clients must send one as a bearer token; a token's own matrix replaces "
     "MCP_PERMISSIONS and its own key reaches another workspace",
     [](server_config& c, const std::string& v) {
       c.auth_tokens_file = v;
       return std::string{};
     }},
    {"MCP_OAUTH_ISSUER", "--oauth-issuer",
     "OAuth authorization server whose JWTs (RS256/ES256) are accepted (with the next two)",
     [](server_config& c, const std::string& v) {
       c.oauth_issuer = v;
       return std::string{};
     }},
    {"MCP_OAUTH_AUDIENCE", "--oauth-audience", "The `aud` JWTs must carry: this resource's URL",
     [](server_config& c, const std::string& v) {
       c.oauth_audience = v;
       return std::string{};
     }},
    {"MCP_OAUTH_JWKS_FILE", "--oauth-jwks-file", "The issuer's public keys as a JWKS file",
     [](server_config& c, const std::string& v) {
       c.oauth_jwks_file = v;
       return std::string{};
     }},
    {"MCP_OAUTH_JWKS_URL", "--oauth-jwks-url",
     "The issuer's JWKS URL (instead of the file): fetched at start, again on its refresh interval "
     "and when a token names an unknown key",
     [](server_config& c, const std::string& v) {
       c.oauth_jwks_url = v;
       return std::string{};
     }},
    {"MCP_OAUTH_JWKS_REFRESH_SECONDS", "--oauth-jwks-refresh-seconds",
     "How often the JWKS URL is fetched again (600)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.oauth_jwks_refresh_seconds, 10, 86400,
                         "MCP_OAUTH_JWKS_REFRESH_SECONDS");
     }},
    {"MCP_OAUTH_SCOPES", "--oauth-scopes", "Scopes every JWT must grant (comma-separated)",
     [](server_config& c, const std::string& v) {
       c.oauth_scopes = split_list(v);
       return std::string{};
     }},
    {"MCP_PUBLIC_URL", "--public-url",
     "The MCP endpoint's public URL (e.g. https://mcp.example.com/mcp), for OAuth metadata",
     [](server_config& c, const std::string& v) {
       if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
         return "MCP_PUBLIC_URL must start with http:// or https://, got '" + v + "'";
       c.public_url = v;
       return std::string{};
     }},
    {"MCP_ALLOWED_ORIGINS", "--allowed-origins",
     "Comma-separated Origin values accepted besides localhost ones",
     [](server_config& c, const std::string& v) {
       c.allowed_origins = split_list(v);
       return std::string{};
     }},
    {"MCP_ALLOWED_HOSTS", "--allowed-hosts",
     "Comma-separated Host values accepted besides localhost ones",
     [](server_config& c, const std::string& v) {
       c.allowed_hosts = split_list(v);
       return std::string{};
     }},
    {"MCP_SESSION_IDLE_SECONDS", "--session-idle-seconds",
     "Idle MCP sessions end after this many seconds (default 1800)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.session_idle_seconds, 1, 7u * 24 * 3600,
                         "MCP_SESSION_IDLE_SECONDS");
     }},
    {"MCP_MAX_SESSIONS", "--max-sessions",
     "Open MCP sessions at most; initialize beyond it gets 503 + Retry-After (1000)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.max_sessions, 1, 10000000, "MCP_MAX_SESSIONS");
     }},
    {"MCP_MAX_CONNECTIONS", "--max-connections",
     "Open HTTP connections at most; a request on one beyond it gets 503 + Retry-After (1024)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.max_connections, 1, 10000000, "MCP_MAX_CONNECTIONS");
     }},
    {"MCP_MAX_IN_FLIGHT_PER_SESSION", "--max-in-flight-per-session",
     "Requests one session may have running at once; more get 'server busy' (64)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.max_in_flight_per_session, 1, 1000000,
                         "MCP_MAX_IN_FLIGHT_PER_SESSION");
     }},
    {"MCP_MAX_IN_FLIGHT", "--max-in-flight",
     "Requests running at once across the server; more get 'server busy' (512)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.max_in_flight, 1, 10000000, "MCP_MAX_IN_FLIGHT");
     }},
    {"MCP_MAX_STREAM_BUFFER_BYTES", "--max-stream-buffer-bytes",
     "Bytes an SSE stream may hold for a client that does not read; beyond it the stream is "
     "dropped (8388608)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.max_stream_buffer_bytes, 4096, uint64_t{1} << 34,
                         "MCP_MAX_STREAM_BUFFER_BYTES");
     }},
    {"MCP_GATEWAY_MAX_QUEUED", "--gateway-max-queued",
     "Twenty calls waiting for the rate budget at most; more fail as SERVER_BUSY (1000)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.gateway_max_queued, 1, 10000000, "MCP_GATEWAY_MAX_QUEUED");
     }},
    {"MCP_MAX_ANALYTICS_JOBS", "--max-analytics-jobs",
     "Analytics jobs running at once; more fail as SERVER_BUSY (16)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.max_analytics_jobs, 1, 100000, "MCP_MAX_ANALYTICS_JOBS");
     }},
    {"MCP_MAX_TASKS", "--max-tasks", "MCP tasks kept at once (running or awaiting pickup; 1000)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.max_tasks, 1, 1000000, "MCP_MAX_TASKS");
     }},
    {"MCP_BUSY_RETRY_SECONDS", "--busy-retry-seconds",
     "The retry-after of a 'server busy' answer (1)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.busy_retry_seconds, 1, 3600, "MCP_BUSY_RETRY_SECONDS");
     }},
    {"MCP_CONFORMANCE", "--conformance",
     "1 registers the official conformance suite's test fixtures (testing only)",
     [](server_config& c, const std::string& v) {
       return parse_bool(v, c.conformance, "MCP_CONFORMANCE");
     }},
    {"MCP_FAULT_INJECTION", "--fault-injection",
     "1 lets POST /faults/kill?actor=gateway|cache|schema|analytics|sessions kill that actor "
     "(testing only)",
     [](server_config& c, const std::string& v) {
       return parse_bool(v, c.fault_injection, "MCP_FAULT_INJECTION");
     }},
    {"LOG_LEVEL", "--log-level", "trace, debug, info (default), warn, error or off",
     [](server_config& c, const std::string& v) {
       static const char* ok[] = {"trace", "debug", "info", "warn", "error", "off"};
       for (auto l : ok)
         if (v == l) {
           c.log_level = v;
           return std::string{};
         }
       return "LOG_LEVEL must be one of trace, debug, info, warn, error, off; got '" + v + "'";
     }},
    {"MCP_TOOLSETS", "--toolsets",
     "core (default: the generic record tools), objects (per-object tools), graphql "
     "(twenty_query_builder), webhooks (twenty_manage_webhooks), comma-separated, e.g. "
     "core,graphql",
     [](server_config& c, const std::string& v) {
       for (auto& t : split_list(v))
         if (t != "core" && t != "objects" && t != "graphql" && t != "webhooks")
           return "MCP_TOOLSETS lists core, objects, graphql and/or webhooks, got '" + t + "'";
       if (split_list(v).empty())
         return std::string("MCP_TOOLSETS must name at least one toolset");
       c.toolsets = v;
       return std::string{};
     }},
    {"MCP_READ_ONLY", "--read-only", "1 hides and refuses every tool that writes",
     [](server_config& c, const std::string& v) {
       return parse_bool(v, c.read_only, "MCP_READ_ONLY");
     }},
    {"MCP_PERMISSIONS", "--permissions",
     "Object x operation matrix, e.g. companies:read;opportunities:read,create,update;*:read "
     "(ops read, create, update, delete; unlisted objects get '*' or nothing)",
     [](server_config& c, const std::string& v) {
       auto p = permissions::parse(v);
       if (!p)
         return p.error();
       c.access = std::move(*p);
       return std::string{};
     }},
    {"MCP_CONFIRM_DESTRUCTIVE", "--confirm-destructive",
     "1 makes deletes ask the client to confirm (MCP elicitation) before anything is sent",
     [](server_config& c, const std::string& v) {
       return parse_bool(v, c.confirm_destructive, "MCP_CONFIRM_DESTRUCTIVE");
     }},
    {"MCP_ALLOW_GRAPHQL_MUTATIONS", "--allow-graphql-mutations",
     "1 lets twenty_query_builder send GraphQL mutations",
     [](server_config& c, const std::string& v) {
       return parse_bool(v, c.allow_graphql_mutations, "MCP_ALLOW_GRAPHQL_MUTATIONS");
     }},
    {"TWENTY_RATE_SHORT_LIMIT", "--rate-short-limit",
     "Requests per short window, as Twenty's API_RATE_LIMITING_SHORT_LIMIT (100; 0 = off)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.rate_short_limit, 0, 1000000, "TWENTY_RATE_SHORT_LIMIT");
     }},
    {"TWENTY_RATE_SHORT_TTL_MS", "--rate-short-ttl-ms", "Short window in ms (1000)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.rate_short_ttl_ms, 1, 86400000, "TWENTY_RATE_SHORT_TTL_MS");
     }},
    {"TWENTY_RATE_LONG_LIMIT", "--rate-long-limit",
     "Requests per long window, as Twenty's API_RATE_LIMITING_LONG_LIMIT (100; 0 = off)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.rate_long_limit, 0, 1000000, "TWENTY_RATE_LONG_LIMIT");
     }},
    {"TWENTY_RATE_LONG_TTL_MS", "--rate-long-ttl-ms", "Long window in ms (60000)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.rate_long_ttl_ms, 1, 86400000, "TWENTY_RATE_LONG_TTL_MS");
     }},
    {"TWENTY_CONNECTIONS", "--twenty-connections", "Keep-alive connections to Twenty (8)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.twenty_connections, 1, 256, "TWENTY_CONNECTIONS");
     }},
    {"TWENTY_TIMEOUT_MS", "--twenty-timeout-ms", "Deadline of one Twenty request (15000)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.twenty_timeout_ms, 100, 600000, "TWENTY_TIMEOUT_MS");
     }},
    {"TWENTY_SCHEMA_REFRESH_SECONDS", "--schema-refresh-seconds",
     "How often the workspace schema is re-read (60)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.schema_refresh_seconds, 1, 86400, "TWENTY_SCHEMA_REFRESH_SECONDS");
     }},
    {"MCP_CACHE_TTL_MS", "--cache-ttl-ms", "Lifetime of cached Twenty answers (30000; 0 = no cache)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.cache_ttl_ms, 0, 86400000, "MCP_CACHE_TTL_MS");
     }},
    {"MCP_CACHE_MAX_MB", "--cache-max-mb", "Memory bound of the cache in MiB (64)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.cache_max_mb, 1, 65536, "MCP_CACHE_MAX_MB");
     }},
    {"MCP_WEBHOOK_HOST", "--webhook-host", "Address the webhook receiver binds (127.0.0.1)",
     [](server_config& c, const std::string& v) {
       if (v.empty())
         return std::string("MCP_WEBHOOK_HOST must not be empty");
       c.webhook_host = v;
       return std::string{};
     }},
    {"MCP_WEBHOOK_PORT", "--webhook-port",
     "Port of the webhook receiver (3002; 0 picks a free port and prints it on stderr)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.webhook_port, 0, 65535, "MCP_WEBHOOK_PORT");
     }},
    {"MCP_WEBHOOK_PATH", "--webhook-path", "Path Twenty posts webhooks to (/webhooks/twenty)",
     [](server_config& c, const std::string& v) {
       if (v.empty() || v[0] != '/' || v.find_first_of("? #") != std::string::npos)
         return "MCP_WEBHOOK_PATH must be a path starting with '/', got '" + v + "'";
       c.webhook_path = v;
       return std::string{};
     }},
    {"TWENTY_WEBHOOK_SECRET", "--webhook-secret",
     "Secret of the Twenty webhook; the receiver runs only with one and refuses unsigned calls",
     [](server_config& c, const std::string& v) {
       c.webhook_secret = v;
       return std::string{};
     }},
    {"MCP_WEBHOOK_MAX_AGE_SECONDS", "--webhook-max-age-seconds",
     "Deliveries with a timestamp further than this from now are refused (300)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.webhook_max_age_seconds, 1, 86400, "MCP_WEBHOOK_MAX_AGE_SECONDS");
     }},
    {"MCP_WEBHOOK_MAX_BODY_BYTES", "--webhook-max-body-bytes",
     "Larger webhook bodies are refused with 413 (1048576)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.webhook_max_body_bytes, 1024, 64u << 20,
                         "MCP_WEBHOOK_MAX_BODY_BYTES");
     }},
    {"MCP_WEBHOOK_PUBLIC_URL", "--webhook-public-url",
     "URL at which Twenty reaches the webhook receiver; set it to have the server register "
     "(or reuse) its own webhook in Twenty, with a generated secret unless one is given",
     [](server_config& c, const std::string& v) {
       if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
         return "MCP_WEBHOOK_PUBLIC_URL must start with http:// or https://, got '" + v + "'";
       c.webhook_public_url = v;
       return std::string{};
     }},
    {"REDIS_URL", "--redis-url",
     "redis://[:password@]host:port[/db]: share cache, invalidations, webhook nonces and the "
     "Twenty rate budget with the other instances",
     [](server_config& c, const std::string& v) {
       if (v.rfind("redis://", 0) != 0)
         return "REDIS_URL must start with redis://, got '" + v + "'";
       c.redis_url = v;
       return std::string{};
     }},
    {"MCP_INSTANCES", "--instances",
     "Instances sharing one Twenty (1); the shared budget's local fallback spends "
     "limit/instances",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.instances, 1, 1000, "MCP_INSTANCES");
     }},
    {"MCP_WORKER_THREADS", "--worker-threads", "Actor scheduler threads (default 2)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.worker_threads, 1, 256, "MCP_WORKER_THREADS");
     }},
    {"MCP_SCHEDULER", "--scheduler",
     "Actor scheduling: affine (default: a woken actor runs next on the waking thread), "
     "sharing or stealing (CAF's policies)",
     [](server_config& c, const std::string& v) {
       if (v != "affine" && v != "sharing" && v != "stealing")
         return "MCP_SCHEDULER must be one of affine, sharing, stealing; got '" + v + "'";
       c.scheduler = v;
       return std::string{};
     }},
    {"MCP_HTTP_THREADS", "--http-threads", "HTTP I/O threads (default 2)",
     [](server_config& c, const std::string& v) {
       return parse_uint(v, c.http_threads, 1, 256, "MCP_HTTP_THREADS");
     }},
  };
  return all;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// A file key names a setting by its environment name (TWENTY_API_URL) or its flag
// (twenty-api-url, with or without the dashes in front).
const setting* find_setting(const std::string& key) {
  for (const auto& s : settings()) {
    std::string flag = s.flag;
    if (key == s.env || key == flag || key == flag.substr(2))
      return &s;
  }
  return nullptr;
}

// Reads `NAME = value` lines ('#' and ';' start comments, [sections] are ignored, values may
// be quoted); the first bad line stops with an error naming the file, line and setting.
std::string apply_file(const std::string& path, server_config& c) {
  std::ifstream in(path);
  if (!in)
    return "cannot read config file '" + path + "': " + std::strerror(errno);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto where = "config file " + path + " line " + std::to_string(n) + ": ";
    auto text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';'
        || (text.front() == '[' && text.back() == ']'))
      continue;
    auto eq = text.find('=');
    if (eq == std::string::npos)
      return where + "expected NAME = value"; // the line may hold a secret: not echoed
    auto key = trim(text.substr(0, eq));
    auto value = trim(text.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')
        && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    auto s = find_setting(key);
    if (!s)
      return where + "unknown setting '" + key + "' (see --help for the names)";
    if (auto err = s->apply(c, value); !err.empty())
      return where + err;
  }
  return {};
}

// --config FILE (or --config=FILE) anywhere on the command line, else MCP_CONFIG_FILE.
std::string config_path(int argc, char** argv, const char* (*getenv_fn)(const char*)) {
  std::string path;
  if (auto v = getenv_fn("MCP_CONFIG_FILE"); v && *v)
    path = v;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc)
      path = argv[++i];
    else if (arg.rfind("--config=", 0) == 0)
      path = arg.substr(9);
  }
  return path;
}

} // namespace

expected<parse_outcome, std::string> parse(int argc, char** argv,
                                           const char* (*getenv_fn)(const char*)) {
  if (!getenv_fn)
    getenv_fn = [](const char* name) -> const char* { return std::getenv(name); };
  parse_outcome out;
  // Precedence: flags > environment > file > defaults, so the file is applied first.
  if (auto path = config_path(argc, argv, getenv_fn); !path.empty())
    if (auto err = apply_file(path, out.config); !err.empty())
      return make_unexpected(err);
  for (const auto& s : settings())
    if (auto v = getenv_fn(s.env); v && *v)
      if (auto err = s.apply(out.config, v); !err.empty())
        return make_unexpected(err);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      continue;
    }
    if (arg == "--config") {
      if (i + 1 >= argc)
        return make_unexpected(std::string("option --config needs a file"));
      ++i;
      continue;
    }
    if (arg.rfind("--config=", 0) == 0)
      continue;
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    const setting* found = nullptr;
    for (const auto& s : settings())
      if (arg == s.flag)
        found = &s;
    if (!found)
      return make_unexpected("unknown option '" + arg + "'; see --help");
    if (!has_value) {
      if (arg == "--conformance" || arg == "--read-only" || arg == "--allow-graphql-mutations"
          || arg == "--fault-injection" || arg == "--confirm-destructive") {
        value = "1";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return make_unexpected("option " + arg + " needs a value");
      }
    }
    if (auto err = found->apply(out.config, value); !err.empty())
      return make_unexpected(err);
  }
  return out;
}

std::vector<std::string> setting_names() {
  std::vector<std::string> out;
  for (const auto& s : settings())
    out.emplace_back(s.env);
  return out;
}

std::string help_text() {
  std::string out = "twenty-mcp-server: an MCP server for the Twenty CRM\n\n"
                    "Usage: twenty-mcp-server [--config FILE] [options]\n\n"
                    "Every option can also be set by its environment variable or in the config "
                    "file\n(NAME = value, environment names); flags win over the environment, "
                    "which wins\nover the file.\n\n";
  for (const auto& s : settings()) {
    std::string left = std::string("  ") + s.flag + " (" + s.env + ")";
    if (left.size() < 44)
      left.resize(44, ' ');
    out += left + " " + s.help + "\n";
  }
  out += "  --config FILE (MCP_CONFIG_FILE)            Read settings from FILE first\n";
  out += "  --help                                     This text\n";
  return out;
}

} // namespace tmcp::config

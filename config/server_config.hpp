// The server's configuration: a file, environment variables over it, flags over both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/permissions.hpp"
#include "protocol/expected.hpp"

namespace tmcp::config {

struct server_config {
  // Twenty connection.
  std::string twenty_api_url;
  std::string twenty_api_key;
  // MCP transport.
  std::string transport = "stdio"; // "stdio" | "http"
  std::string http_host = "127.0.0.1";
  uint16_t http_port = 3001;
  std::vector<std::string> allowed_origins; // extra Origin values accepted besides localhost
  std::vector<std::string> allowed_hosts;   // extra Host values accepted besides localhost
  std::size_t max_body_bytes = 4u << 20;
  int http_threads = 2;
  // Inbound auth of the HTTP endpoint (none when all empty).
  std::string auth_tokens_file;
  std::string oauth_issuer;
  std::string oauth_audience;
  std::string oauth_jwks_file;
  std::string oauth_jwks_url;
  uint32_t oauth_jwks_refresh_seconds = 600;
  std::vector<std::string> oauth_scopes;
  std::string public_url; // the MCP endpoint as clients reach it (behind a TLS proxy)
  // A second listener for /health and /metrics only (-1 = none; 0 picks a free port).
  int admin_port = -1;
  // Sessions.
  uint32_t session_idle_seconds = 1800;
  // Overload: everything a client can grow is bounded; beyond a bound the client is told
  // "server busy, retry after busy_retry_seconds" (HTTP 503 + Retry-After, or a tool error).
  uint32_t max_sessions = 1000;
  uint32_t max_connections = 1024;
  uint32_t max_in_flight_per_session = 64;
  uint32_t max_in_flight = 512;
  uint64_t max_stream_buffer_bytes = 8u << 20;
  uint32_t gateway_max_queued = 1000;
  uint32_t max_analytics_jobs = 16;
  uint32_t max_tasks = 1000;
  uint32_t busy_retry_seconds = 1;
  // Tools.
  std::string toolsets = "core"; // "core", "objects", "graphql", "webhooks", comma-separated
  bool read_only = false;
  permissions access; // MCP_PERMISSIONS (unset: everything)
  bool confirm_destructive = false; // deletes ask the client through elicitation first
  bool allow_graphql_mutations = false;
  // Twenty integration.
  int rate_short_limit = 100;       // requests per rate_short_ttl_ms (0 disables)
  int rate_short_ttl_ms = 1000;
  int rate_long_limit = 100;        // requests per rate_long_ttl_ms (0 disables)
  int rate_long_ttl_ms = 60000;
  int twenty_connections = 8;
  int twenty_timeout_ms = 15000;
  uint32_t schema_refresh_seconds = 60;
  uint32_t cache_ttl_ms = 30000;
  uint32_t cache_max_mb = 64;
  // Webhook receiver (started when a secret is known).
  std::string webhook_host = "127.0.0.1";
  uint16_t webhook_port = 3002; // 0 picks a free port and prints it
  std::string webhook_path = "/webhooks/twenty";
  std::string webhook_secret;
  uint32_t webhook_max_age_seconds = 300;
  std::size_t webhook_max_body_bytes = 1u << 20;
  // When set, the server registers its receiver under this URL in Twenty (or reuses it).
  std::string webhook_public_url;
  // Several instances: Redis shares the cache, invalidations, webhook nonces and the Twenty
  // budget; without it (or while it is away) each instance spends limit/instances.
  std::string redis_url;
  int instances = 1;
  // Behaviour.
  bool conformance = false; // registers the conformance suite's fixtures
  bool fault_injection = false; // POST /faults/kill?actor=... kills a core actor (tests only)
  std::string log_level = "info";
  int worker_threads = 2; // CAF scheduler threads
  // affine (default: an actor woken by the running one runs next on the same thread), or
  // CAF's own sharing / stealing.
  std::string scheduler = "affine";
};

struct parse_outcome {
  server_config config;
  bool help = false; // --help was given: print help_text() and exit 0
};

// Reads the environment (via `getenv`), then applies flags; the error names the bad setting.
expected<parse_outcome, std::string> parse(int argc, char** argv,
                                           const char* (*getenv_fn)(const char*) = nullptr);

std::string help_text();

// Every setting's environment name, in --help order.
std::vector<std::string> setting_names();

} // namespace tmcp::config

// Command-line options of mcp-bench.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcp_bench {

struct endpoint {
  std::string host;
  std::string port;
  std::string target;
};

struct bench_options {
  std::string mode;  // http | idle | cold
  std::string url = "http://127.0.0.1:3001/mcp";
  endpoint ep;
  int sessions = 1;
  double duration_s = 10.0;
  std::vector<std::string> mix = {"ping", "tools/list", "tools/call"};
  std::uint64_t max_requests = 5'000'000;  // hard stop besides the duration
  int threads = 2;
  int connect_concurrency = 64;  // sessions in setup (connect + initialize) at once
  double request_timeout_s = 30.0;
  int pid = 0;                   // server pid, for VmRSS
  bool keep_connections = false; // idle: keep TCP connections open after initialize
  bool delete_sessions = false;  // idle: DELETE the sessions at the end and report RSS again
  // http: "legacy" (2025-11-25 sessions) or "modern" (2026-07-28, stateless, no ping).
  std::string era = "legacy";
  std::string binary;
  int runs = 20;
};

// Returns the options, or an error message on stderr and nullopt.
std::optional<bench_options> parse_options(int argc, char** argv);

void print_usage();

}  // namespace mcp_bench

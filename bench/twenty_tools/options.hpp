// Command-line options of twenty-tools-bench.
#pragma once

#include <optional>
#include <string>

namespace twenty_bench {

struct options {
  std::string mode;
  std::string url;                        // MCP endpoint of the server
  std::string standin;                    // base URL of the stand-in (stats, ids, direct REST)
  std::string key = "standin-demo-key";
  std::string label;                      // name of the run in the RESULT line
  std::string tool = "get";               // get | list (mcp-load, rest-load)
  std::string object = "companies";
  int sessions = 64;                      // MCP sessions, or REST clients
  int ids = 0;                            // distinct record ids cycled (0: up to 1000)
  double duration_s = 10;
  double warmup_s = 1;
  int threads = 2;                        // io threads of the load generator
  int rounds = 3;                         // burst rounds
  int records = 1000;                     // import size
  double rate = 100;                      // offered calls per second
  double drain_s = 20;                    // offered: wait for answers after the last call
  double settle_s = 2;                    // offered: pause after setup so the buckets refill
  int first_call = 0;                     // offered: index of the first call (clients side by side ask different things)
  bool direct = false;                    // offered: send REST to the stand-in instead of MCP
  double timeout_s = 120;
  int pid = 0;                            // mcp-load: the server's pid, for its CPU per call
};

std::optional<options> parse_options(int argc, char** argv);
void print_usage();

}  // namespace twenty_bench

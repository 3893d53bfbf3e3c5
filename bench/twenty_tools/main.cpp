// twenty-tools-bench: measures twenty-mcp-server's Twenty tools against twenty-standin (loopback
// only; prints figures, not a test). See ../run_twenty_bench.sh for the full side-by-side run.
#include "modes.hpp"

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>

namespace {

// The open-loop mode may hold hundreds of connections: lift the soft fd limit to the hard one.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace twenty_bench;
  auto o = parse_options(argc, argv);
  if (!o)
    return 2;
  raise_fd_limit();
  std::signal(SIGPIPE, SIG_IGN);  // a dead peer shows up as a write error, not a signal
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  try {
    if (o->mode == "mcp-load") return run_mcp_load(*o);
    if (o->mode == "rest-load") return run_rest_load(*o);
    if (o->mode == "burst") return run_burst(*o);
    if (o->mode == "import") return run_import(*o);
    if (o->mode == "offered") return run_offered(*o);
    if (o->mode == "tools-list") return run_tools_list(*o);
    if (o->mode == "fairness") return run_fairness(*o);
  } catch (const std::exception& e) {
    std::cerr << "twenty-tools-bench " << o->mode << ": " << e.what() << "\n";
    return 1;
  }
  print_usage();
  return 2;
}

// mcp-bench: load generator for twenty-mcp-server (prints figures; not a test).
#include "benches.hpp"
#include "options.hpp"

#include <sys/resource.h>

#include <csignal>
#include <cstdio>

namespace {

// 1,000+ sessions each hold a socket: lift the soft fd limit to the hard one.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto opts = mcp_bench::parse_options(argc, argv);
  if (!opts)
    return 2;
  raise_fd_limit();
  std::signal(SIGPIPE, SIG_IGN);  // a dead peer shows up as a write error, not a signal
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (opts->mode == "http")
    return mcp_bench::run_http_bench(*opts);
  if (opts->mode == "idle")
    return mcp_bench::run_idle_bench(*opts);
  return mcp_bench::run_cold_bench(*opts);
}

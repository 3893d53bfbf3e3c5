// The three benchmark modes; each returns the process exit code.
#pragma once

#include "options.hpp"

namespace mcp_bench {

int run_http_bench(const bench_options& o);
int run_idle_bench(const bench_options& o);
int run_cold_bench(const bench_options& o);

}  // namespace mcp_bench

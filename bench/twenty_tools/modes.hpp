// The benchmark modes; each returns the process exit code.
#pragma once

#include "options.hpp"

namespace twenty_bench {

int run_mcp_load(const options& o);
int run_rest_load(const options& o);
int run_burst(const options& o);
int run_import(const options& o);
int run_offered(const options& o);
int run_tools_list(const options& o);
int run_fairness(const options& o);

}  // namespace twenty_bench

// Runs an async step for N items with at most C in flight, blocking the calling (non-io) thread.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mcp_bench {

using step_done = std::function<void(const std::string& error)>;
using step_start = std::function<void(std::size_t index, step_done done)>;

// Returns one entry per item: empty on success, else the error reason.
std::vector<std::string> run_bounded(std::size_t n, std::size_t concurrency, step_start start);

// Reason -> count over the non-empty entries.
std::map<std::string, std::size_t> count_errors(const std::vector<std::string>& errors);

// Prints "  <label>: <reason> xN" lines; returns the number of failed items.
std::size_t report_errors(const char* label, const std::vector<std::string>& errors);

}  // namespace mcp_bench

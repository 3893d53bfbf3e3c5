// Closed-loop load: each client keeps exactly one request in flight until the deadline.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace twenty_bench {

using issue_done = std::function<void(const std::string& error)>;
// Sends request number `seq` of one client on that client's own connection.
using issue_fn = std::function<void(std::uint64_t seq, issue_done done)>;

struct loop_totals {
  std::vector<std::uint32_t> latency_us;  // successful requests started after the warm-up
  std::uint64_t ok = 0, failed = 0;       // after the warm-up
  std::uint64_t issued = 0;               // every finished request, warm-up included
  std::map<std::string, std::uint64_t> errors;
};

// Runs all clients for warmup_s + duration_s; blocks until every client stopped.
loop_totals run_closed_loop(const std::vector<issue_fn>& clients, double warmup_s, double duration_s);

}  // namespace twenty_bench

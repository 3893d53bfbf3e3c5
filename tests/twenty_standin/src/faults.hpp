// Seeded fault injection: 5xx answers, connection resets, stalls, added latency.
#pragma once

#include "rng.hpp"

#include <cstdint>
#include <mutex>
#include <string>

namespace standin {

enum class fault_kind { none, server_error, reset, stall };

struct fault_config {
  double rate = 0;               // probability that a request gets a fault, 0..1
  std::uint64_t seed = 1;
  std::int64_t latency_ms = 0;   // added to every API response
  std::int64_t stall_ms = 30000; // a stall holds the request this long, then drops the connection
  // Relative weights of the three fault kinds.
  double weight_5xx = 1, weight_reset = 1, weight_stall = 1;
};

struct fault_decision {
  fault_kind kind = fault_kind::none;
  int status = 0;                // 500, 502 or 503 for server_error
  std::int64_t latency_ms = 0;
  std::int64_t stall_ms = 0;
};

class fault_plan {
public:
  explicit fault_plan(fault_config cfg = {}) : cfg_(cfg), rng_(cfg.seed) {}
  // The next decision of the seeded sequence (one call per API request).
  fault_decision next();
  // Replaces the settings and restarts the sequence from the new seed.
  void configure(const fault_config& cfg);
  fault_config config() const;

private:
  mutable std::mutex mu_;
  fault_config cfg_;
  rng rng_;
};

// Parses {"rate":0.1,"seed":7,"latencyMs":5,"stallMs":2000,"weights":{...}} over `base`;
// returns an error message or empty.
std::string parse_fault_config(const std::string& body, fault_config& base);
std::string fault_config_json(const fault_config& c);
std::string_view fault_name(fault_kind k);

}  // namespace standin

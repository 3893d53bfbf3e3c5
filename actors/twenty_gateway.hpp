// The Twenty gateway actor: the one place that talks to Twenty. It queues requests per MCP
// session and serves the sessions round-robin (interactive calls before bulk ones within a
// session), spends tokens like Twenty's own buckets and learns Twenty's real limits from its
// answers, shares one upstream call among identical concurrent reads, lets get-by-id calls that
// wait for their turn ride in one list call, and retries with backoff only where a retry cannot
// duplicate a write. Completions come back from the HTTP client as (done, job id, outcome).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "actors/interfaces.hpp"
#include "integration/rate_limiter.hpp"
#include "integration/twenty_types.hpp"

namespace tmcp::actors {

// How the gateway reaches Twenty: the HTTP client in production, a fake in tests. `done` may
// run on any thread, exactly once.
using twenty_transport =
  std::function<void(const twenty::request&, std::function<void(twenty::outcome)>)>;

struct gateway_settings {
  twenty::rate_limits limits;
  // The budget to spend; null: a local rate_limiter over `limits`. A shared backend (several
  // server instances on one Twenty) slots in here.
  std::shared_ptr<twenty::rate_budget> budget;
  // Requests on the wire at once (match the HTTP client's connection pool).
  std::size_t max_in_flight = 8;
  // Attempts after the first, for retryable failures.
  int max_retries = 3;
  std::chrono::milliseconds base_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
  // Ids per collapsed list call (Twenty's default page size).
  std::size_t collapse_limit = 60;
  // Requests waiting for tokens beyond this are refused at once (SERVER_BUSY, retry after
  // `busy_retry`).
  std::size_t max_queued = 1000;
  std::chrono::seconds busy_retry{1};
  uint32_t jitter_seed = 0x7e17;
};

struct gateway_state {
  static inline const char* name = "twenty-gateway";

  using waiter = std::function<void(const twenty::outcome&)>;
  // Record gets sharing one upstream call: its ids, each with the callers waiting for it.
  struct record_group {
    std::string plural;
    int32_t depth = 0;
    std::vector<std::string> ids;
    std::vector<std::vector<waiter>> waiters; // parallel to ids
  };
  struct job {
    uint64_t id = 0;
    twenty::request req;
    std::vector<waiter> waiters;
    std::shared_ptr<record_group> records; // record gets: the request is built when sent
    std::string flight_key;                // non-empty when other identical reads may join it
    bool sent = false;
    int attempt = 0;
    std::chrono::steady_clock::time_point queued_at{};
  };
  using job_ptr = std::shared_ptr<job>;
  // One MCP session's calls: interactive ones are served before bulk ones.
  struct session_queue {
    std::deque<job_ptr> interactive;
    std::deque<job_ptr> bulk;
    std::size_t in_flight = 0;
    bool empty() const { return interactive.empty() && bulk.empty(); }
  };

  twenty_transport transport;
  gateway_settings settings;
  std::shared_ptr<twenty::rate_budget> limiter;
  std::mt19937 jitter;

  // Fair queue: one queue per fairness key (the MCP session), served round-robin; a session
  // holds at most its share of the connections while others wait.
  std::map<std::string, session_queue> queues;
  std::deque<std::string> turn; // keys with queued calls, next first
  std::size_t queued = 0;
  std::size_t in_flight = 0;
  uint64_t next_job_id = 1;
  // Jobs on the wire or waiting for a retry, by id: completions and retries name them.
  std::map<uint64_t, job_ptr> active;
  bool tick_scheduled = false;
  // Single-flight: reads on the wire or queued, by method+target+body.
  std::map<std::string, job_ptr> flights;
  // Record gets: the unsent job per "<plural>\n<depth>" that new ids join, and the job carrying
  // each "<plural>\n<depth>\n<id>".
  std::map<std::string, job_ptr> record_joinable;
  std::map<std::string, job_ptr> record_flights;

  struct counters {
    uint64_t requests = 0, upstream = 0, rest = 0, graphql = 0, metadata = 0;
    uint64_t shared = 0, retries = 0, rate_limited = 0, network_errors = 0;
    uint64_t record_gets = 0, collapsed_calls = 0, collapsed_ids = 0, max_queued = 0,
             expired = 0, refused = 0, cancelled = 0;
  } stats;

  void enqueue(job_ptr j);
  job_ptr next_job();
  // A job left the wire (answered or waiting for a retry): its session's share frees up.
  void left_wire(const job_ptr& j);
  // Drops a session's queue once it holds nothing.
  void forget_if_idle(const std::string& key);
  std::string stats_json() const;
  // The rate budget left now, as two JSON members.
  std::string rate_tokens_json() const;
  std::chrono::milliseconds backoff(int attempt, const twenty::outcome& o);
};

twenty_gateway_actor::behavior_type
twenty_gateway_impl(twenty_gateway_actor::stateful_pointer<gateway_state> self,
                    twenty_transport transport, gateway_settings settings);

// Decides what an upstream answer means: a value to deliver, or a retry after a delay.
struct retry_decision {
  bool retry = false;
  bool rate_limited = false;
};
retry_decision should_retry(const twenty::request& req, const twenty::outcome& o);

} // namespace tmcp::actors

// The session supervisor: spawns a session actor per legacy MCP session and a request actor per
// stateless request, routes transport messages, monitors both, reaps idle sessions, fans change
// events out, and drains them all on shutdown.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <caf/response_promise.hpp>

#include "actors/catalog_store.hpp"
#include "actors/interfaces.hpp"
#include "actors/request_actor.hpp"
#include "actors/session_actor.hpp"

namespace tmcp::actors {

struct supervisor_settings {
  session_settings http;  // sessions created by `initialize` over HTTP
  session_settings stdio; // the session created up front for stdio (no replay)
  // How often idle sessions are looked for.
  std::chrono::milliseconds sweep_interval{std::chrono::seconds(30)};
  // Upper bound on live sessions; `initialize` beyond it is refused with 503 + Retry-After.
  std::size_t max_sessions = 1000;
  // Requests in flight across the server (sessions and stateless requests); none = unbounded.
  admission_ptr admission;
  // The Retry-After of a busy answer.
  int busy_retry_seconds = 1;
  // Sees every transport message first (metrics wrap its sink); none when empty.
  std::function<void(inbound&)> observe;
  // Stateless (2026-07-28) requests: identity, requestState key, catalog freshness.
  stateless_options modern;
};

struct supervisor_state {
  static inline const char* name = "session-supervisor";

  std::unordered_map<std::string, session_actor> sessions;
  std::unordered_map<caf::actor_addr, std::string> ids;
  // Sessions a DELETE has ended that are not down yet: later requests get 404, not a dead actor.
  std::unordered_set<std::string> closing;
  // Who opened each session over authenticated HTTP: another principal's requests get 404.
  std::unordered_map<std::string, std::string> owners;
  // Live stateless requests, so change events reach their listen streams; each holds its
  // place under the server's bound on requests in flight.
  struct live_request {
    request_actor hdl;
    admission_slot slot;
  };
  std::unordered_map<caf::actor_addr, live_request> requests;
  // Stateless requests read from a stream transport (stdio), by sink and JSON id: there,
  // notifications/cancelled is the cancellation (over HTTP, closing the response is).
  std::map<std::pair<const void*, std::string>, caf::actor_addr> stream_requests;
  catalog_store_ptr catalogs;
  supervisor_settings settings;
  bool draining = false;
  // Set once an exit was passed on to the children; otherwise (a crash) the destructor ends them.
  bool exited = false;
  std::vector<caf::typed_response_promise<uint64_t>> drained;
  uint64_t drained_count = 0;

  // Session ids: 128 bits from the OS's CSPRNG, hex-encoded.
  static std::string new_session_id();

  // However the supervisor ends, no session or request outlives it unseen: a killed supervisor
  // kills them too (their in-flight requests get an error, see session_state).
  ~supervisor_state();
};

session_supervisor_actor::behavior_type
session_supervisor_impl(session_supervisor_actor::stateful_pointer<supervisor_state> self,
                        catalog_store_ptr catalogs, supervisor_settings settings);

} // namespace tmcp::actors

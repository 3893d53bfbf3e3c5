// The session front: the handle the transports, health and change fan-out hold for "the session
// supervisor". It forwards every message to the live session supervisor and supervises it: a
// crashed one is restarted with backoff (restart_policy.hpp). What the crash costs: every MCP
// session it held ends (in-flight requests get an error; later requests of an HTTP session get
// 404 and its client initializes again), while the stdio session, which its client cannot
// re-create, is brought back under its id, initialized as before (subscriptions and log level
// are not restored).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "actors/restart_policy.hpp"
#include "actors/session_supervisor.hpp"

namespace tmcp::actors {

struct front_state {
  static inline const char* name = "session-front";
  catalog_store_ptr catalogs;
  supervisor_settings settings;
  session_supervisor_actor live; // null while a restart waits for its delay
  crash_row row;
  uint64_t restarts = 0;
  // Sessions created up front (stdio), with what brings them back after a restart: their
  // standalone stream, the client's initialize and its notifications/initialized.
  struct pinned_session {
    std::optional<inbound> standalone;
    std::optional<message> initialize;
    std::optional<message> initialized;
  };
  std::map<std::string, pinned_session> pinned;
};

session_front_actor::behavior_type
session_front_impl(session_front_actor::stateful_pointer<front_state> self,
                   catalog_store_ptr catalogs, supervisor_settings settings);

} // namespace tmcp::actors

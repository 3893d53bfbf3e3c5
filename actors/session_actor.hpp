// The session actor: owns one MCP session's protocol state and runs its work in order.
#pragma once

#include <chrono>
#include <string>

#include "actors/catalog_store.hpp"
#include "actors/interfaces.hpp"
#include "protocol/session.hpp"

namespace tmcp::actors {

struct session_settings {
  session_options protocol;
  // A session with nothing in flight and no open stream ends after this long.
  std::chrono::milliseconds idle_expiry{std::chrono::minutes(30)};
  // The catalog profile of whoever opened the session (see catalog_store).
  std::string profile;
};

struct session_state {
  static inline const char* name = "mcp-session";
  session_ptr core;
  catalog_store_ptr catalogs;
  std::string profile;
  std::chrono::milliseconds idle_expiry{0};

  // What in-flight requests are told if the actor stops before answering them.
  std::string stop_reason;

  // Runs after each message: an ended session stops its actor.
  bool ended() const { return !core || core->ended(); }

  // However the actor stops (killed with its supervisor included), no request is left hanging.
  ~session_state();
};

session_actor::behavior_type session_actor_impl(session_actor::stateful_pointer<session_state> self,
                                                std::string id, catalog_store_ptr catalogs,
                                                session_settings settings);

} // namespace tmcp::actors

// Every typed actor interface of the server, one comment per handler (VAST's actors.hpp style).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "protocol/inbound.hpp"

namespace tmcp {

// A closure to run inside an actor: how plain-C++ session logic schedules its own work.
struct task {
  std::function<void()> fn;
};

} // namespace tmcp

// Local-only payloads: they carry sinks and closures, never cross a process boundary.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::inbound)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::task)

namespace tmcp::actors {

/// One MCP session: lifecycle, in-flight requests, streams and their replay buffers.
using session_actor = caf::typed_actor<
  // Handles one client message or stream (POST, GET, DELETE) of this session.
  caf::reacts_to<atom::inbound, inbound>,
  // Runs a closure scheduled by the session's own logic (timers, async completions).
  caf::reacts_to<atom::run, task>,
  // A list of tools/resources/prompts changed ("tools", "resources", "prompts").
  caf::reacts_to<atom::changed, std::string>,
  // A resource changed; subscribed sessions send notifications/resources/updated.
  caf::reacts_to<atom::updated, std::string>,
  // Checks idleness; the session quits when idle past its expiry.
  caf::reacts_to<atom::expire>,
  // Ends the session: in-flight requests finish, then streams close.
  caf::reacts_to<atom::shutdown>>;

/// Spawns, routes to, monitors and reaps sessions.
using session_supervisor_actor = caf::typed_actor<
  // Routes a transport message to its session; a new session for an `initialize` without an
  // id; answers 404 on the sink for unknown or ended sessions.
  caf::reacts_to<atom::inbound, inbound>,
  // Creates a session up front (stdio) and returns its id.
  caf::replies_to<atom::create>::with<std::string>,
  // Number of live sessions.
  caf::replies_to<atom::count>::with<uint64_t>,
  // Fans a list_changed kind out to every session.
  caf::reacts_to<atom::changed, std::string>,
  // Fans a resource update out to every session.
  caf::reacts_to<atom::updated, std::string>,
  // Reaps idle sessions (sent periodically by the supervisor to itself).
  caf::reacts_to<atom::expire>,
  // Drains: every session finishes its in-flight requests and closes; replies when done.
  caf::replies_to<atom::shutdown>::with<uint64_t>>;

} // namespace tmcp::actors

// The schema actor: introspects the workspace schema from Twenty's metadata APIs through the
// gateway (adapting to the release: integration/schema_introspection.hpp), keeps the current
// snapshot, refreshes it periodically and on demand, and announces a changed fingerprint to
// its change callback.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "actors/interfaces.hpp"
#include "integration/schema_introspection.hpp"

namespace tmcp::actors {

struct schema_settings {
  // Time between periodic refreshes; zero turns them off (refresh on demand only).
  std::chrono::milliseconds refresh_interval{60000};
  // Called (inside the actor) with each new snapshot whose fingerprint differs from the
  // previous one, including the first successful load.
  std::function<void(schema_ptr)> on_change;
  // Called (inside the actor) after every introspection: nullopt on success, else why it
  // failed (invalid key, unreachable URL, TLS...) with Twenty's advice.
  std::function<void(const std::optional<twenty::error>&)> on_outcome;
  // How long one page request may take at the gateway before the introspection fails.
  std::chrono::milliseconds request_timeout{120000};
};

struct schema_state {
  static inline const char* name = "schema";

  twenty_gateway_actor gateway;
  schema_settings settings;
  schema_ptr current;

  // The introspection under way (it adapts to the release) and who waits for it.
  std::optional<twenty::introspection> running;
  std::vector<caf::typed_response_promise<uint64_t>> waiting;
  // The way of asking that worked last; forgotten after a failure so the next one probes.
  std::optional<twenty::introspection_plan> known_plan;

  // Turns a finished introspection into the current snapshot; true when it changed.
  bool install(twenty::introspection& done);

  uint64_t version() const;
};

using schema_self = schema_actor::stateful_pointer<schema_state>;

schema_actor::behavior_type schema_actor_impl(schema_self self, twenty_gateway_actor gateway,
                                              schema_settings settings);

} // namespace tmcp::actors

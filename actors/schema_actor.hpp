// The schema actor: introspects the workspace schema from Twenty's /metadata API through the
// gateway, keeps the current snapshot, refreshes it periodically and on demand, and announces
// a changed fingerprint to its change callback.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "actors/interfaces.hpp"
#include "integration/schema_model.hpp"

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
  // An introspection reading more pages than this is stopped (a server that loops).
  static constexpr std::size_t max_pages = 100;

  twenty_gateway_actor gateway;
  schema_settings settings;
  schema_ptr current;

  // The introspection under way: pages read so far and who waits for it.
  bool in_flight = false;
  std::vector<twenty::object> pending;
  std::size_t pages = 0;
  std::string last_cursor;
  std::vector<caf::typed_response_promise<uint64_t>> waiting;

  // The /metadata request for the page after `cursor` ("" for the first).
  static twenty::request page_request(const std::string& cursor);

  // Starts collecting a new introspection.
  void start_introspection();

  // Takes one page answer: the cursor of the next page, nullopt when this was the last, or
  // the failure classified like any Twenty error.
  expected<std::optional<std::string>, twenty::error> take_page(const twenty::outcome& answer);

  // Turns the collected pages into the current snapshot; true when the fingerprint changed.
  bool install();

  uint64_t version() const;
};

using schema_self = schema_actor::stateful_pointer<schema_state>;

schema_actor::behavior_type schema_actor_impl(schema_self self, twenty_gateway_actor gateway,
                                              schema_settings settings);

} // namespace tmcp::actors

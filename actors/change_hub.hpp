// The change hub: the one place a change is applied on this instance, whatever announced it
// (a webhook, a write made here, another instance over Redis): cache entries dropped (the
// shared L2 too when the change started here), subscribed sessions told, schema re-read.
// Changes that start here are published on the workspace's Redis channel.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "actors/interfaces.hpp"
#include "actors/twenty_service.hpp"
#include "integration/redis_client.hpp"

namespace tmcp::actors {

struct hub_settings {
  std::shared_ptr<redis::client> redis; // null: a single instance
  std::string channel;                  // e.g. "tmcp:<workspace>:changes"
  std::string instance_id;              // tells our own messages apart
};

struct change_hub_state {
  static inline const char* name = "change-hub";
  std::shared_ptr<twenty_service> service;
  session_supervisor_actor sessions;
  hub_settings settings;
  uint64_t applied = 0, published = 0, from_peers = 0;

  void apply(const change_note& note);
};

// The wire form of a change between instances, and back; nullopt for anything else.
std::string to_wire(const change_note& note);
std::optional<change_note> from_wire(const std::string& text);

change_hub_actor::behavior_type
change_hub_impl(change_hub_actor::stateful_pointer<change_hub_state> self,
                std::shared_ptr<twenty_service> service, session_supervisor_actor sessions,
                hub_settings settings);

} // namespace tmcp::actors

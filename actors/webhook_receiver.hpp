// The webhook receiver: checks each delivery (signature, age, nonce), answers it, then turns
// the event into a change for the change hub. A delivery Twenty repeats (same body, new nonce)
// is processed once.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "actors/interfaces.hpp"
#include "integration/redis_client.hpp"
#include "integration/replay_guard.hpp"
#include "integration/webhook_event.hpp"

namespace tmcp::actors {

struct webhook_settings {
  std::string secret;
  // Deliveries older (or further in the future) than this are refused; nonces and body
  // digests are remembered this long.
  std::chrono::seconds max_age{300};
  // The live schema (maps an object to its plural and relations); may return null.
  std::function<schema_ptr()> schema;
  // With Redis, nonces and body digests are shared by every instance ("<prefix>:n:<nonce>",
  // "<prefix>:d:<digest>"); while it is away each instance remembers its own.
  std::shared_ptr<redis::client> redis;
  std::string key_prefix = "tmcp:webhooks";
};

struct webhook_state {
  static inline const char* name = "webhook-receiver";

  webhook_settings settings;
  change_hub_actor hub;
  twenty::replay_guard nonces{std::chrono::minutes(5)};
  twenty::replay_guard digests{std::chrono::minutes(5)};

  struct counters {
    uint64_t received = 0, accepted = 0, rejected = 0, replayed = 0, malformed = 0,
             duplicates = 0, processed = 0;
  } stats;

  // Checks signature and age; answers 401 and returns nothing when they fail.
  std::optional<twenty::webhook_verified> verify(webhook_delivery& d, int64_t now_ms);

  // After the replay checks: answers (401 replayed, 400 not an event, else 200) and returns
  // the change to apply, unless the delivery is a duplicate.
  std::optional<change_note> finish(webhook_delivery& d, bool fresh_nonce, bool first_delivery);

  // All steps with the local replay memory (no Redis).
  std::optional<change_note> take(webhook_delivery& d, int64_t now_ms,
                                  twenty::replay_guard::time_point now);
  std::string stats_json() const;
};

webhook_receiver_actor::behavior_type
webhook_receiver_impl(webhook_receiver_actor::stateful_pointer<webhook_state> self,
                      webhook_settings settings, change_hub_actor hub);

} // namespace tmcp::actors

#include "actors/webhook_receiver.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "protocol/json.hpp"

namespace tmcp::actors {

namespace {

std::string error_body(const std::string& text) {
  return "{\"error\":" + json::quote(text) + "}";
}

// KEYS: nonce mark, body digest mark; ARGV: window ms. {1|0, 1|0}: first sighting of each.
// The digest is only marked for a fresh nonce, so a replay cannot hide a later retry.
constexpr const char* shared_marks_script = R"LUA(
local fresh = redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) and 1 or 0
local first = 0
if fresh == 1 then
  first = redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) and 1 or 0
end
return {fresh, first}
)LUA";

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

std::optional<twenty::webhook_verified> webhook_state::verify(webhook_delivery& d,
                                                              int64_t now_ms) {
  ++stats.received;
  auto verified = twenty::verify_webhook(d.signing, d.body, settings.secret, now_ms,
                                         settings.max_age);
  if (!verified) {
    ++stats.rejected;
    spdlog::warn("webhook rejected: {}", twenty::to_string(verified.error()));
    d.respond(401, error_body(std::string("Unauthorized: ")
                              + twenty::to_string(verified.error())));
    return std::nullopt;
  }
  return std::move(*verified);
}

std::optional<change_note> webhook_state::finish(webhook_delivery& d, bool fresh_nonce,
                                                 bool first_delivery) {
  if (!fresh_nonce) {
    ++stats.replayed;
    spdlog::warn("webhook rejected: nonce {} replayed", d.signing.nonce);
    d.respond(401, error_body(std::string("Unauthorized: ")
                              + twenty::to_string(twenty::webhook_rejection::replayed_nonce)));
    return std::nullopt;
  }
  auto event = twenty::parse_webhook_event(d.body);
  if (!event) {
    ++stats.malformed;
    d.respond(400, error_body("Bad Request: " + event.error()));
    return std::nullopt;
  }
  ++stats.accepted;
  // Acknowledge first: Twenty gives up after 5 s, whatever processing costs.
  d.respond(200, "{\"ok\":true}");
  // Twenty retries a job with the same body (new timestamp and nonce): process it once.
  if (!first_delivery) {
    ++stats.duplicates;
    return std::nullopt;
  }
  ++stats.processed;
  auto schema = settings.schema ? settings.schema() : nullptr;
  auto changes = twenty::changes_for(*event, schema.get());
  spdlog::debug("webhook {} {}: {} tag(s), {} uri(s)", event->event_name, event->record_id,
                changes.tags.size(), changes.uris.size());
  return change_note{std::move(changes.tags), std::move(changes.uris), changes.refresh_schema,
                     "", false};
}

std::optional<change_note> webhook_state::take(webhook_delivery& d, int64_t now_ms,
                                               twenty::replay_guard::time_point now) {
  auto verified = verify(d, now_ms);
  if (!verified)
    return std::nullopt;
  bool fresh = nonces.first_seen(verified->nonce, now);
  bool first = fresh && digests.first_seen(twenty::sha256_hex(d.body), now);
  return finish(d, fresh, first);
}

std::string webhook_state::stats_json() const {
  return "{\"received\":" + std::to_string(stats.received)
         + ",\"accepted\":" + std::to_string(stats.accepted)
         + ",\"rejected\":" + std::to_string(stats.rejected)
         + ",\"replayed\":" + std::to_string(stats.replayed)
         + ",\"malformed\":" + std::to_string(stats.malformed)
         + ",\"duplicates\":" + std::to_string(stats.duplicates)
         + ",\"processed\":" + std::to_string(stats.processed) + "}";
}

webhook_receiver_actor::behavior_type
webhook_receiver_impl(webhook_receiver_actor::stateful_pointer<webhook_state> self,
                      webhook_settings settings, change_hub_actor hub) {
  auto& st = self->state;
  auto window = std::chrono::duration_cast<std::chrono::milliseconds>(settings.max_age);
  st.nonces = twenty::replay_guard{window};
  st.digests = twenty::replay_guard{window};
  st.settings = std::move(settings);
  st.hub = std::move(hub);
  return {
    [self](atom::webhook, webhook_delivery& d) {
      auto& st = self->state;
      auto redis = st.settings.redis;
      if (!redis || !redis->up()) {
        if (auto note = st.take(d, wall_ms(), self->clock().now()))
          self->send(st.hub, atom::apply_v, std::move(*note));
        return;
      }
      auto verified = st.verify(d, wall_ms());
      if (!verified)
        return;
      // Both marks in one round trip; the answer comes back as a message.
      auto ms = std::to_string(std::chrono::milliseconds(st.settings.max_age).count());
      auto hdl = caf::actor_cast<webhook_receiver_actor>(self);
      redis->command({"EVAL", shared_marks_script, "2",
                      st.settings.key_prefix + ":n:" + verified->nonce,
                      st.settings.key_prefix + ":d:" + twenty::sha256_hex(d.body), ms},
                     [hdl, d = std::move(d)](redis::reply r) mutable {
                       bool answered = r.type == redis::reply::kind::array
                                       && r.elements.size() == 2;
                       // Without an answer the shared memory is unknown: treat as fresh.
                       bool fresh = !answered || r.elements[0].integer == 1;
                       bool first = !answered || r.elements[1].integer == 1;
                       caf::anon_send(hdl, atom::webhook_v, std::move(d), fresh, first);
                     });
    },
    [self](atom::webhook, webhook_delivery& d, bool fresh_nonce, bool first_delivery) {
      auto& st = self->state;
      if (auto note = st.finish(d, fresh_nonce, first_delivery))
        self->send(st.hub, atom::apply_v, std::move(*note));
    },
    [self](atom::stats) { return self->state.stats_json(); },
  };
}

} // namespace tmcp::actors

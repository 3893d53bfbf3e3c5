#include "actors/schema_actor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace tmcp::actors {

namespace {

// Ends the introspection under way: answers everyone waiting for it.
void finish(schema_self self, const std::optional<twenty::error>& failure) {
  auto& st = self->state;
  st.running.reset();
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  if (st.settings.on_outcome)
    st.settings.on_outcome(failure);
  if (failure) {
    st.known_plan.reset();
    auto text = std::string(twenty::to_string(failure->code)) + ": " + failure->message;
    spdlog::warn("schema introspection failed, keeping schema version {}: {}", st.version(),
                 text);
    for (auto& rp : waiting)
      rp.deliver(caf::make_error(caf::sec::runtime_error, "schema refresh failed: " + text));
    return;
  }
  for (auto& rp : waiting)
    rp.deliver(st.version());
}

void installed(schema_self self) {
  auto& st = self->state;
  if (st.install(*st.running)) {
    auto& r = st.current->release;
    spdlog::info("workspace schema version {}: {} objects (fingerprint {}); Twenty release: {}, "
                 "relations from {}",
                 st.version(), st.current->objects.size(), st.current->fingerprint, r.family(),
                 r.relations);
    for (auto& note : r.notes)
      spdlog::info("schema introspection: {}", note);
    if (st.settings.on_change)
      st.settings.on_change(st.current);
  }
  finish(self, std::nullopt);
}

void step(schema_self self, twenty::introspection_step s) {
  auto& st = self->state;
  switch (s.what) {
    case twenty::introspection_step::kind::failed: return finish(self, s.failure);
    case twenty::introspection_step::kind::done: return installed(self);
    case twenty::introspection_step::kind::fetch: break;
  }
  self->request(st.gateway, st.settings.request_timeout, atom::fetch_v, s.next)
    .then(
      [self](twenty::outcome& answer) {
        if (self->state.running)
          step(self, self->state.running->take(answer));
      },
      [self](caf::error& err) {
        finish(self, twenty::error{twenty::errc::twenty_api_error, 0,
                                   "The Twenty gateway did not answer (" + to_string(err) + ")",
                                   ""});
      });
}

// Starts an introspection unless one is under way (its answer serves everyone).
void introspect(schema_self self) {
  auto& st = self->state;
  if (st.running)
    return;
  st.running.emplace(st.known_plan);
  step(self, st.running->begin());
}

} // namespace

bool schema_state::install(twenty::introspection& done) {
  // A degraded read (no relation targets) is not remembered: the next refresh probes again.
  if (done.release().relations != "none")
    known_plan = done.plan();
  else
    known_plan.reset();
  auto next = twenty::make_schema(done.take_objects(), current.get());
  next.release = done.release();
  // The release notes of the first read stay: later reads ask the remembered way at once.
  if (current && next.fingerprint == current->fingerprint)
    return false;
  current = std::make_shared<const twenty::workspace_schema>(std::move(next));
  return true;
}

uint64_t schema_state::version() const {
  return current ? current->version : 0;
}

schema_actor::behavior_type schema_actor_impl(schema_self self, twenty_gateway_actor gateway,
                                              schema_settings settings) {
  self->state.gateway = std::move(gateway);
  self->state.settings = std::move(settings);
  introspect(self);
  if (self->state.settings.refresh_interval.count() > 0)
    self->delayed_send(self, self->state.settings.refresh_interval, atom::tick_v);
  return {
    [self](atom::schema) { return self->state.current; },
    [self](atom::refresh) -> caf::result<uint64_t> {
      auto rp = self->make_response_promise<uint64_t>();
      self->state.waiting.push_back(rp);
      introspect(self);
      return rp;
    },
    [self](atom::tick) {
      introspect(self);
      self->delayed_send(self, self->state.settings.refresh_interval, atom::tick_v);
    },
  };
}

} // namespace tmcp::actors

#include "actors/session_actor.hpp"

#include <caf/all.hpp>

#include "actors/actor_host.hpp"

namespace tmcp::actors {

namespace {

constexpr const char* lost_text
  = "The session ended before this request was answered: the server's session supervisor "
    "crashed and was restarted. Over HTTP, initialize a new session and retry; over stdio, "
    "retry the request";
constexpr const char* shutdown_text
  = "The server is shutting down: this request was not finished; retry once it is back";

} // namespace

session_state::~session_state() {
  if (core && !core->ended())
    core->abort(make_rpc_error(rpc_errc::internal_error,
                               stop_reason.empty() ? lost_text : stop_reason));
}

session_actor::behavior_type session_actor_impl(session_actor::stateful_pointer<session_state> self,
                                                std::string id, catalog_store_ptr catalogs,
                                                session_settings settings) {
  auto host = std::make_shared<actor_host<session_actor>>(caf::actor_cast<caf::weak_actor_ptr>(self));
  settings.protocol.now = [sys = &self->system()] { return sys->clock().now(); };
  self->state.catalogs = catalogs;
  self->state.profile = settings.profile;
  self->state.idle_expiry = settings.idle_expiry;
  self->state.core = std::make_shared<session>(std::move(id), catalogs->current(settings.profile), host,
                                               std::move(settings.protocol));
  // Forced shutdown: in-flight requests are cancelled (their cancel hooks run) and told why.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->state.stop_reason = msg.reason == caf::exit_reason::user_shutdown ? shutdown_text
                                                                              : lost_text;
    self->quit(msg.reason);
  });
  // Every handler ends the same way: quit once the protocol session has ended.
  auto check_end = [self] {
    if (self->state.ended())
      self->quit();
  };
  return {
    [self, check_end](atom::inbound, inbound& in) {
      self->state.core->set_catalog(self->state.catalogs->current(self->state.profile));
      self->state.core->handle(std::move(in));
      check_end();
    },
    [self, check_end](atom::run, task& t) {
      if (!self->state.ended())
        t.fn();
      check_end();
    },
    [self](atom::changed, const std::string& kind) {
      self->state.core->set_catalog(self->state.catalogs->current(self->state.profile));
      self->state.core->notify_list_changed(kind);
    },
    [self](atom::updated, const std::string& uri) {
      self->state.core->notify_resource_updated(uri);
    },
    [self, check_end](atom::expire) {
      auto& core = *self->state.core;
      auto idle_for = self->clock().now() - core.last_activity();
      if (core.idle() && idle_for >= self->state.idle_expiry)
        core.terminate();
      check_end();
    },
    [self, check_end](atom::shutdown) {
      self->state.core->drain();
      check_end();
    },
  };
}

} // namespace tmcp::actors

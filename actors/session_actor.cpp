#include "actors/session_actor.hpp"

#include <caf/all.hpp>

namespace tmcp::actors {

namespace {

// Lets the plain-C++ session schedule work on its own actor, now or later.
class actor_host : public session_host {
public:
  explicit actor_host(caf::weak_actor_ptr self) : self_(std::move(self)) {}

  void post(std::function<void()> fn, std::chrono::milliseconds delay) override {
    auto strong = self_.lock();
    if (!strong)
      return;
    auto hdl = caf::actor_cast<session_actor>(strong);
    if (delay.count() <= 0)
      caf::anon_send(hdl, atom::run_v, task{std::move(fn)});
    else
      caf::delayed_anon_send(hdl, delay, atom::run_v, task{std::move(fn)});
  }

private:
  caf::weak_actor_ptr self_;
};

} // namespace

session_actor::behavior_type session_actor_impl(session_actor::stateful_pointer<session_state> self,
                                                std::string id, catalog_store_ptr catalogs,
                                                session_settings settings) {
  auto host = std::make_shared<actor_host>(caf::actor_cast<caf::weak_actor_ptr>(self));
  settings.protocol.now = [sys = &self->system()] { return sys->clock().now(); };
  self->state.catalogs = catalogs;
  self->state.idle_expiry = settings.idle_expiry;
  self->state.core = std::make_shared<session>(std::move(id), catalogs->current(), host,
                                               std::move(settings.protocol));
  // Forced shutdown: in-flight requests are cancelled (their cancel hooks run) before quitting.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->state.core->terminate();
    self->quit(msg.reason);
  });
  // Every handler ends the same way: quit once the protocol session has ended.
  auto check_end = [self] {
    if (self->state.ended())
      self->quit();
  };
  return {
    [self, check_end](atom::inbound, inbound& in) {
      self->state.core->set_catalog(self->state.catalogs->current());
      self->state.core->handle(std::move(in));
      check_end();
    },
    [self, check_end](atom::run, task& t) {
      if (!self->state.ended())
        t.fn();
      check_end();
    },
    [self](atom::changed, const std::string& kind) {
      self->state.core->set_catalog(self->state.catalogs->current());
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

#include "actors/request_actor.hpp"

#include <caf/all.hpp>

#include "actors/actor_host.hpp"

namespace tmcp::actors {

request_actor::behavior_type request_actor_impl(request_actor::stateful_pointer<request_state> self,
                                                inbound in, catalog_ptr catalog,
                                                stateless_options options) {
  auto host = std::make_shared<actor_host<request_actor>>(
    caf::actor_cast<caf::weak_actor_ptr>(self));
  self->state.core = std::make_shared<stateless_request>(std::move(catalog), host,
                                                         std::move(options));
  // Closing the response stream is this era's cancellation: the request and its queued
  // Twenty calls stop.
  std::weak_ptr<stateless_request> weak = self->state.core;
  in.sink->on_disconnect([host, weak] {
    host->post(
      [weak] {
        if (auto core = weak.lock())
          core->cancel();
      },
      std::chrono::milliseconds{0});
  });
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->state.core->cancel(msg.reason != client_cancelled());
    self->quit(msg.reason);
  });
  self->state.core->handle(std::move(in));
  auto check_end = [self] {
    if (self->state.core->ended())
      self->quit();
  };
  check_end();
  return {
    [self, check_end](atom::run, task& t) {
      if (!self->state.core->ended())
        t.fn();
      check_end();
    },
    [self](atom::changed, const std::string& kind) {
      self->state.core->notify_list_changed(kind);
    },
    [self](atom::updated, const std::string& uri) {
      self->state.core->notify_resource_updated(uri);
    },
    [self, check_end](atom::shutdown) {
      // A listen stream never ends by itself; any other request finishes its work.
      if (self->state.core->listening())
        self->state.core->cancel();
      check_end();
    },
  };
}

} // namespace tmcp::actors

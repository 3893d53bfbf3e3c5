#include "actors/integration_supervisor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/analytics_actor.hpp"
#include "actors/cache_actor.hpp"

namespace tmcp::actors {

namespace {

using self_ptr = integration_supervisor_actor::stateful_pointer<integration_state>;

void spawn_gateway(self_ptr self) {
  auto& st = self->state;
  st.handles.gateway = self->spawn<caf::monitored>(twenty_gateway_impl, st.settings.transport,
                                                   st.settings.gateway);
}

void spawn_cache(self_ptr self) {
  auto& st = self->state;
  st.handles.cache = self->spawn<caf::monitored>(cache_actor_shared, st.cache);
  st.handles.store = st.cache;
}

void spawn_schema(self_ptr self) {
  auto& st = self->state;
  st.handles.schema = self->spawn<caf::monitored>(schema_actor_impl, st.handles.gateway,
                                                  st.settings.schema);
}

void spawn_analytics(self_ptr self) {
  auto& st = self->state;
  st.handles.analytics = self->spawn<caf::monitored>(analytics_actor_impl, st.service);
}

} // namespace

integration_supervisor_actor::behavior_type
integration_supervisor_impl(integration_supervisor_actor::stateful_pointer<integration_state> self,
                            integration_settings settings, std::shared_ptr<twenty_service> service) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.service = std::move(service);
  st.cache = std::make_shared<shared_cache>(st.settings.cache);
  spawn_gateway(self);
  spawn_cache(self);
  spawn_schema(self);
  spawn_analytics(self);
  st.service->set_handles(st.handles);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (!dm.reason || dm.reason == caf::exit_reason::user_shutdown)
      return;
    ++st.restarts;
    auto reason = to_string(dm.reason);
    if (dm.source == st.handles.gateway.address()) {
      spdlog::error("twenty gateway crashed ({}); restarting it", reason);
      spawn_gateway(self);
      // The schema actor talks to the gateway it was given; give it the new one.
      caf::anon_send_exit(st.handles.schema, caf::exit_reason::user_shutdown);
      spawn_schema(self);
    } else if (dm.source == st.handles.cache.address()) {
      spdlog::error("cache crashed ({}); restarting it", reason);
      spawn_cache(self);
    } else if (dm.source == st.handles.schema.address()) {
      spdlog::error("schema actor crashed ({}); restarting it", reason);
      spawn_schema(self);
    } else if (dm.source == st.handles.analytics.address()) {
      spdlog::error("analytics actor crashed ({}); restarting it (its jobs are lost)", reason);
      spawn_analytics(self);
    }
    st.service->set_handles(st.handles);
  });
  // Children end with their supervisor.
  self->attach_functor([self](const caf::error&) {
    auto& h = self->state.handles;
    caf::anon_send_exit(h.gateway, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(h.cache, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(h.schema, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(h.analytics, caf::exit_reason::user_shutdown);
  });
  return {
    [self](atom::stats) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      auto h = self->state.handles;
      auto restarts = self->state.restarts;
      self->request(h.gateway, std::chrono::seconds(5), atom::stats_v)
        .then(
          [self, rp, h, restarts](std::string& gw) mutable {
            self->request(h.cache, std::chrono::seconds(5), atom::stats_v)
              .then(
                [rp, gw, restarts](std::string& cache) mutable {
                  rp.deliver("{\"gateway\":" + gw + ",\"cache\":" + cache
                             + ",\"restarts\":" + std::to_string(restarts) + "}");
                },
                [rp](caf::error& e) mutable { rp.deliver(e); });
          },
          [rp](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
  };
}

} // namespace tmcp::actors

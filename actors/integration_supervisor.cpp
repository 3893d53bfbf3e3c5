#include "actors/integration_supervisor.hpp"

#include <optional>

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
  st.handles.analytics = self->spawn<caf::monitored>(analytics_actor_impl, st.service,
                                                     st.settings.analytics);
}

const char* const child_names[] = {"twenty gateway", "cache", "schema actor", "analytics actor"};
const char* const child_keys[] = {"gateway", "cache", "schema", "analytics"};

void restart(self_ptr self, integration_child which) {
  auto& st = self->state;
  st.crash_rows[static_cast<size_t>(which)].restart_pending = false;
  switch (which) {
    case integration_child::gateway:
      spawn_gateway(self);
      // The schema actor talks to the gateway it was given; give it the new one.
      caf::anon_send_exit(st.handles.schema, caf::exit_reason::user_shutdown);
      spawn_schema(self);
      break;
    case integration_child::cache:
      spawn_cache(self);
      break;
    case integration_child::schema:
      spawn_schema(self);
      break;
    case integration_child::analytics:
      spawn_analytics(self);
      break;
  }
  st.service->set_handles(st.handles);
}

} // namespace

integration_state::~integration_state() {
  caf::anon_send_exit(handles.gateway, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(handles.cache, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(handles.schema, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(handles.analytics, caf::exit_reason::user_shutdown);
}

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
    std::optional<integration_child> which;
    if (dm.source == st.handles.gateway.address())
      which = integration_child::gateway;
    else if (dm.source == st.handles.cache.address())
      which = integration_child::cache;
    else if (dm.source == st.handles.schema.address())
      which = integration_child::schema;
    else if (dm.source == st.handles.analytics.address())
      which = integration_child::analytics;
    if (!which)
      return; // a schema actor replaced along with its gateway
    ++st.restarts;
    auto i = static_cast<size_t>(*which);
    auto& row = st.crash_rows[i];
    auto delay = row.crashed(std::chrono::steady_clock::now());
    spdlog::error("{} crashed ({}){}; restarting it{}", child_names[i], to_string(dm.reason),
                  *which == integration_child::analytics ? ", its jobs are lost" : "",
                  delay.count() ? " in " + std::to_string(delay.count()) + " ms ("
                                    + std::to_string(row.crashes) + " crashes in a row)"
                                : std::string());
    if (delay.count() == 0)
      return restart(self, *which);
    // Meanwhile calls to it fail at once with a clear error instead of feeding a crash loop.
    row.restart_pending = true;
    self->delayed_send(self, delay, atom::retry_v, static_cast<int32_t>(*which));
  });
  return {
    [self](atom::retry, int32_t which) {
      if (which >= 0 && which < static_cast<int32_t>(self->state.crash_rows.size()))
        restart(self, static_cast<integration_child>(which));
    },
    [self](atom::stats) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      auto h = self->state.handles;
      auto restarts = std::to_string(self->state.restarts) + ",\"restarting\":[";
      bool first = true;
      for (size_t i = 0; i < self->state.crash_rows.size(); ++i)
        if (self->state.crash_rows[i].restart_pending) {
          restarts += std::string(first ? "" : ",") + "\"" + child_keys[i] + "\"";
          first = false;
        }
      restarts += "]";
      // A child waiting for its restart answers nothing: its part is null, the rest still counts.
      auto with_cache = [self, rp, h, restarts](std::string gw) mutable {
        auto finish = [rp, gw, restarts](const std::string& cache) mutable {
          rp.deliver("{\"gateway\":" + gw + ",\"cache\":" + cache + ",\"restarts\":" + restarts
                     + "}");
        };
        self->request(h.cache, std::chrono::seconds(5), atom::stats_v)
          .then([finish](std::string& cache) mutable { finish(cache); },
                [finish](caf::error&) mutable { finish("null"); });
      };
      self->request(h.gateway, std::chrono::seconds(5), atom::stats_v)
        .then([with_cache](std::string& gw) mutable { with_cache(gw); },
              [with_cache](caf::error&) mutable { with_cache("null"); });
      return rp;
    },
  };
}

} // namespace tmcp::actors

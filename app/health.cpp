#include "app/health.hpp"

#include <caf/all.hpp>

#include "integration/schema_model.hpp"
#include "protocol/json.hpp"

namespace tmcp::app {

namespace {

using namespace std::chrono_literals;

// An actor that does not answer within this is reported unhealthy.
constexpr auto probe_deadline = 2s;

// What the probes found so far; the last answer evaluates and reports.
struct probe_run {
  health_inputs inputs;
  std::size_t pending = 0;
  std::function<void(health_inputs)> done;

  void answered(std::size_t index, bool ok, std::string stats) {
    inputs.actors[index].answered = ok;
    inputs.actors[index].stats_json = std::move(stats);
    if (--pending == 0)
      finish();
  }

  void finish() {
    // The cache has its own check: counters from the cache actor's answer.
    for (const auto& a : inputs.actors)
      if (a.name == "cache")
        inputs.extras.push_back({"cache", a.answered ? "healthy" : "degraded",
                                 "{\"status\":\"" + std::string(a.answered ? "healthy" : "degraded")
                                   + "\",\"kind\":\"memory\",\"stats\":"
                                   + (a.answered ? a.stats_json : std::string("{}")) + "}"});
    done(std::move(inputs));
  }
};

template <class Handle, class... Ts>
void ask(caf::event_based_actor* self, std::shared_ptr<probe_run> run, std::size_t index,
         const Handle& target, Ts... xs) {
  if (!target) {
    run->answered(index, false, "{}");
    return;
  }
  self->request(target, probe_deadline, xs...)
    .then([run, index](std::string& stats) { run->answered(index, true, std::move(stats)); },
          [run, index](caf::error&) { run->answered(index, false, "{}"); });
}

} // namespace

void probe_server(caf::actor_system& sys, const health_targets& targets,
                  std::function<void(health_inputs)> done) {
  auto run = std::make_shared<probe_run>();
  run->done = std::move(done);
  run->inputs.conformance = targets.conformance;
  if (targets.redis) {
    auto up = targets.redis->up();
    std::string status = up ? "healthy" : "degraded";
    run->inputs.extras.push_back(
      {"redis", status,
       "{\"status\":\"" + status + "\",\"detail\":"
         + json::quote(up ? "shared cache, invalidations, nonces and Twenty budget over Redis"
                          : "unreachable: serving from this instance's cache with limit/instances "
                            "of Twenty's budget, reconnecting")
         + "}"});
  }
  if (targets.service) {
    auto h = targets.service->health();
    twenty_probe t;
    t.url = targets.twenty_url;
    t.attempted = h.attempted;
    t.loaded = h.loaded;
    t.last_failure = h.last_failure;
    t.last_success = h.last_success;
    t.last_failure_at = h.last_failure_at;
    if (auto schema = targets.service->schema()) {
      t.release = schema->release.family();
      t.relations = schema->release.relations;
    }
    run->inputs.twenty = t;
  }
  sys.spawn([run, targets](caf::event_based_actor* self) {
    auto& actors = run->inputs.actors;
    actors.push_back({"session_supervisor", false, "{}"});
    if (targets.service) {
      for (const char* name : {"integration_supervisor", "gateway", "cache", "schema"})
        actors.push_back({name, false, "{}"});
    }
    run->pending = actors.size();
    self->request(targets.sessions, probe_deadline, atom::count_v)
      .then([run](uint64_t n) { run->answered(0, true, "{\"sessions\":" + std::to_string(n) + "}"); },
            [run](caf::error&) { run->answered(0, false, "{}"); });
    if (!targets.service)
      return;
    auto h = targets.service->handles();
    ask(self, run, 1, targets.integration, atom::stats_v);
    ask(self, run, 2, h.gateway, atom::stats_v);
    ask(self, run, 3, h.cache, atom::stats_v);
    // The schema actor answers its snapshot; its version is what matters here.
    if (!h.schema)
      return run->answered(4, false, "{}");
    self->request(h.schema, probe_deadline, atom::schema_v)
      .then(
        [run](schema_ptr& s) {
          run->answered(4, true, "{\"loaded\":" + std::string(s ? "true" : "false") + "}");
        },
        [run](caf::error&) { run->answered(4, false, "{}"); });
  });
}

} // namespace tmcp::app

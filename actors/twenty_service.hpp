// twenty_api over the actors: the shared cache first for reads (checked in place, on the
// caller's thread), then one message to the gateway, which answers the caller's callback
// itself; the schema actor for the live schema. No actor is spawned per call. Thread-safe:
// tool handlers call it from any session.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include <caf/actor_system.hpp>

#include "actors/interfaces.hpp"
#include "integration/l2_cache.hpp"
#include "actors/shared_cache.hpp"
#include "integration/twenty_api.hpp"

namespace tmcp::actors {

// The current handles of the integration actors; replaced when their supervisor restarts one.
struct integration_handles {
  twenty_gateway_actor gateway;
  cache_actor cache;
  schema_actor schema;
  shared_cache_ptr store; // the cache actor's store, read and filled in place
  analytics_actor analytics;
};

// What the last schema introspections say about reaching Twenty, for /health and for tools.
struct schema_health {
  bool attempted = false; // at least one introspection finished
  bool loaded = false;    // a schema was loaded at least once
  std::optional<twenty::error> last_failure; // of the latest introspection; nullopt = it worked
  std::chrono::system_clock::time_point last_success{};
  std::chrono::system_clock::time_point last_failure_at{};
};

class twenty_service : public twenty::twenty_api {
public:
  using changed_fn = std::function<void(const std::string& plural, const std::string& id)>;

  twenty_service(caf::actor_system& sys, std::string workspace_key, changed_fn on_changed);

  void set_handles(integration_handles h);
  void set_schema(schema_ptr s);

  void read(twenty::request req, std::vector<std::string> tags, done_fn done) override;
  void get_record(const std::string& plural, const std::string& id, int depth,
                  const std::string& fairness_key, done_fn done) override;
  void write(twenty::request req, std::vector<std::string> invalidates,
             std::vector<std::pair<std::string, std::string>> changed, done_fn done) override;
  schema_ptr schema() const override;
  void refresh_schema(std::function<void()> done) override;
  std::optional<twenty::error> schema_failure() const override;

  // Records how an introspection ended (the schema actor's on_outcome).
  void note_schema_outcome(const std::optional<twenty::error>& failure);
  schema_health health() const;

  // The current actors (for probes such as /health).
  integration_handles handles() const;

  // Drops the cache entries under `tags` ("*" stands for this workspace's whole cache), in
  // the shared L2 too unless `shared_too` is false.
  void invalidate(std::vector<std::string> tags, bool shared_too = true);

  // With Redis: the shared L2 cache under the L1, and where writes made here are announced
  // to the other instances (the change hub).
  void set_shared(std::shared_ptr<twenty::l2_cache> l2, std::function<void(change_note)> announce);

private:
  std::string scoped_tag(const std::string& tag) const;
  std::shared_ptr<twenty::l2_cache> l2() const;
  std::function<void(change_note)> announce() const;

  caf::actor_system& sys_;
  std::string workspace_; // cache keys are scoped by workspace (URL + key fingerprint)
  changed_fn on_changed_;
  mutable std::mutex mtx_;
  integration_handles handles_;
  schema_ptr schema_;
  schema_health health_;
  std::shared_ptr<twenty::l2_cache> l2_;
  std::function<void(change_note)> announce_;
};

} // namespace tmcp::actors

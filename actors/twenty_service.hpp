// twenty_api over the actors: cache first for reads, the gateway for everything upstream,
// the schema actor for the live schema. Thread-safe: tool handlers call it from any session.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include <caf/actor_system.hpp>

#include "actors/interfaces.hpp"
#include "integration/twenty_api.hpp"

namespace tmcp::actors {

// The current handles of the integration actors; replaced when their supervisor restarts one.
struct integration_handles {
  twenty_gateway_actor gateway;
  cache_actor cache;
  schema_actor schema;
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

private:
  integration_handles handles() const;

  caf::actor_system& sys_;
  std::string workspace_; // cache keys are scoped by workspace (URL + key fingerprint)
  changed_fn on_changed_;
  mutable std::mutex mtx_;
  integration_handles handles_;
  schema_ptr schema_;
};

} // namespace tmcp::actors

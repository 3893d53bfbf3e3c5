// Starts the Twenty side of the server: HTTP client, integration actors, the service tools use,
// and the catalog rebuilt whenever the workspace schema changes.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "actors/catalog_store.hpp"
#include "actors/integration_supervisor.hpp"
#include "actors/interfaces.hpp"
#include "app/inbound_auth.hpp"
#include "app/metrics.hpp"
#include "config/server_config.hpp"
#include "integration/http_client.hpp"
#include "integration/redis_client.hpp"

namespace tmcp::app {

struct twenty_runtime {
  std::shared_ptr<twenty::http_client> client;
  std::shared_ptr<actors::twenty_service> service;
  actors::integration_supervisor_actor supervisor;
  actors::change_hub_actor hub;
  // Null when no webhook secret is configured (the receiver does not run).
  actors::webhook_receiver_actor webhooks;
  // Null without REDIS_URL.
  std::shared_ptr<redis::client> redis;
};

// Bearer tokens' own permission sets and Twenty keys, by token name (inbound_auth::profiles).
using profile_map = std::map<std::string, token_profile>;

// Starts the integration side of one workspace (TWENTY_API_URL with cfg's key). The server's own
// workspace (`serves_default`) also builds the default catalog and runs the webhook receiver;
// another one, reached by tokens with their own key, serves only those tokens' profiles.
expected<twenty_runtime, std::string> start_twenty(caf::actor_system& sys,
                                                   const config::server_config& cfg,
                                                   actors::catalog_store_ptr catalogs,
                                                   actors::session_supervisor_actor sessions,
                                                   std::shared_ptr<server_metrics> metrics,
                                                   const profile_map& profiles,
                                                   bool serves_default = true);

void stop_twenty(twenty_runtime& rt);

} // namespace tmcp::app

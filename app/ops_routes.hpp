// The route layer the app hands to the HTTP listeners: /health, /metrics, the OAuth resource
// metadata, and inbound auth of MCP requests. The MCP listener's layer has `auth` (which then
// also guards /metrics); the admin listener's has none.
#pragma once

#include <memory>

#include "app/health.hpp"
#include "app/inbound_auth.hpp"
#include "app/metrics.hpp"
#include "protocol/transport/route_layer.hpp"

namespace tmcp::app {

std::shared_ptr<const transport::route_layer>
make_ops_layer(caf::actor_system& sys, health_targets health,
               std::shared_ptr<const server_metrics> metrics,
               std::shared_ptr<inbound_auth> auth);

} // namespace tmcp::app

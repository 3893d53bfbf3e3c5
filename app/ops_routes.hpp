// The route layer the app hands to the HTTP listeners: /health and /metrics (inbound auth
// joins it). Built once, shared by the MCP listener and the admin listener.
#pragma once

#include <memory>

#include "app/health.hpp"
#include "app/metrics.hpp"
#include "protocol/transport/route_layer.hpp"

namespace tmcp::app {

std::shared_ptr<const transport::route_layer>
make_ops_layer(caf::actor_system& sys, health_targets health,
               std::shared_ptr<const server_metrics> metrics);

} // namespace tmcp::app

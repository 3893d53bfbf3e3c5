// Counts MCP requests by method and outcome: the session supervisor's observe hook wraps the
// sink of each request so the answer, whenever and however it is written, is seen once.
#pragma once

#include <memory>

#include "app/metrics.hpp"
#include "protocol/inbound.hpp"

namespace tmcp::app {

void meter_inbound(const std::shared_ptr<server_metrics>& metrics, inbound& in);

} // namespace tmcp::app

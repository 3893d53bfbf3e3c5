// Counts MCP requests by method and outcome: the session supervisor's observe hook wraps the
// sink of each request so the answer, whenever and however it is written, is seen once.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "app/metrics.hpp"
#include "protocol/inbound.hpp"

namespace tmcp::app {

// How an answer ended, read from its JSON-RPC text without parsing it into a document: "ok",
// "error" or "tool_error"; nullopt when `data` is not the answer to `id` (raw JSON text).
std::optional<std::string_view> answer_outcome(std::string_view data, std::string_view id);

void meter_inbound(const std::shared_ptr<server_metrics>& metrics, inbound& in);

} // namespace tmcp::app

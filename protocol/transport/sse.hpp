// SSE framing of one event, as the MCP Streamable HTTP transport sends it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace tmcp::transport {

// `event: message` (only when data is non-empty), `id:` (when set), `retry:` (when
// non-zero), then one `data:` line per line of `data` and a blank line. Empty data gives the
// priming form `data: \n\n`.
std::string format_sse_event(std::string_view event_id, std::string_view data,
                             std::chrono::milliseconds retry = std::chrono::milliseconds{0});

} // namespace tmcp::transport

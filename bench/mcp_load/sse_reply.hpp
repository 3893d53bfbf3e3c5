// Checks a server answer: an SSE stream (or plain JSON) that must carry a JSON-RPC result with our id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mcp_bench {

// The data payloads of all SSE events, in order (multi-line data joined with '\n'); a priming
// event gives an empty payload.
std::vector<std::string> sse_data_payloads(std::string_view body);

// Empty string when the body holds {"jsonrpc":"2.0","id":<expected_id>,"result":{...}};
// otherwise a short reason ("error reply", "id mismatch", ...).
std::string check_reply(std::string_view content_type, std::string_view body,
                        std::int64_t expected_id);

}  // namespace mcp_bench

// Checks a server answer: an SSE stream (or plain JSON) that must carry a JSON-RPC result with our id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mcp_bench {

// Empty string when the body holds {"jsonrpc":"2.0","id":<expected_id>,"result":{...}};
// otherwise a short reason ("error reply", "id mismatch", ...).
std::string check_reply(std::string_view content_type, std::string_view body,
                        std::int64_t expected_id);

}  // namespace mcp_bench

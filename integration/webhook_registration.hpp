// Self-registration of this server's webhook receiver in Twenty (MCP_WEBHOOK_PUBLIC_URL): the
// webhook with that target URL is reused (after a restart too) or created with a generated
// secret; the answer is the secret the receiver must verify with.
#pragma once

#include <functional>
#include <string>

#include "integration/twenty_api.hpp"
#include "protocol/expected.hpp"

namespace tmcp::twenty {

// `configured_secret` (TWENTY_WEBHOOK_SECRET) wins when set: an existing webhook with another
// secret is updated to it. Without one, the existing webhook's secret is reused, or a new
// 32-byte secret generated. `done` gets the secret or what went wrong.
void ensure_webhook(api_ptr api, const std::string& public_url,
                    const std::string& configured_secret,
                    std::function<void(expected<std::string, std::string>)> done);

} // namespace tmcp::twenty

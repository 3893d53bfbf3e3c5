// twenty_manage_webhooks: list, create, update and delete Twenty's webhook registrations, over
// the metadata GraphQL API with the REST route as fallback. Secrets are never shown.
#pragma once

#include <functional>
#include <memory>

#include "integration/tools/tool_support.hpp"
#include "integration/webhook_admin.hpp"

namespace tmcp::twenty::tools {

void add_webhook_tool(catalog& cat, std::shared_ptr<const tool_env> env);

// Sends one webhook call over the metadata API, then over REST when that route is missing on
// this Twenty; `done` gets the answer and the route that gave it. Writes go through
// api.write (they drop the cached list), reads through api.read.
using webhook_call_done = std::function<void(outcome, webhook_route)>;
void webhook_call(api_ptr api, bool write,
                  std::function<request(webhook_route)> make, webhook_call_done done);

} // namespace tmcp::twenty::tools

// twenty_manage_webhooks: list, create, update and delete Twenty's webhook registrations over
// whichever route this Twenty has (metadata GraphQL, metadata REST, or records on 0.50).
// Secrets are never shown.
#pragma once

#include <functional>
#include <memory>

#include "integration/tools/tool_support.hpp"
#include "integration/webhook_admin.hpp"

namespace tmcp::twenty::tools {

void add_webhook_tool(catalog& cat, std::shared_ptr<const tool_env> env);

// Sends one webhook call over the route that answered last (`learned`), else the one the
// release suggests (webhook_route_for), then over the others while this Twenty says the route
// does not exist; `done` gets the answer and the route that gave it, which `learned` keeps.
// Writes go through api.write (they drop the cached list), reads through api.read.
using webhook_call_done = std::function<void(outcome, webhook_route)>;
void webhook_call(api_ptr api, bool write, std::function<request(webhook_route)> make,
                  webhook_call_done done, std::shared_ptr<learned_release> learned);

} // namespace tmcp::twenty::tools

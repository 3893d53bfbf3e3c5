// Twenty's webhook registrations: the requests that list, create, update and delete them over
// the metadata GraphQL API (newer builds), the REST route /rest/metadata/webhooks, or
// /rest/webhooks where webhooks are workspace records (0.50 and other builds before 2.x), and
// the parsing of the answers. Pure: the caller sends the requests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "integration/schema_model.hpp"
#include "integration/twenty_types.hpp"
#include "protocol/expected.hpp"

namespace tmcp::twenty {

struct webhook_info {
  std::string id;
  std::string target_url;
  std::vector<std::string> operations;
  std::string description;
  std::string secret; // as Twenty returns it; never shown to agents
  std::string created_at;
  std::string updated_at;
};

// Which of Twenty's webhook APIs a request goes to: the metadata GraphQL API, the metadata
// REST route, or the record route of releases where `webhook` is a workspace object.
enum class webhook_route { metadata_graphql, rest, record_rest };

// The routes to try, in order, starting with `first` (the one that answered last, or the one
// the release suggests), then the others from the newest to the oldest.
std::vector<webhook_route> webhook_route_order(webhook_route first);

// The route to try first on a release: records on 0.x (its schema came from relationDefinition
// or the REST metadata), the metadata GraphQL API otherwise.
webhook_route webhook_route_for(const release_info& release);

// The fields to set; unset ones are left alone on update.
struct webhook_fields {
  std::optional<std::string> target_url;
  std::optional<std::vector<std::string>> operations;
  std::optional<std::string> description;
  std::optional<std::string> secret;
};

request list_webhooks_request(webhook_route route);
request create_webhook_request(webhook_route route, const webhook_fields& f);
request update_webhook_request(webhook_route route, const std::string& id,
                               const webhook_fields& f);
request delete_webhook_request(webhook_route route, const std::string& id);

// True when the answer says this route does not exist on this Twenty (an older or newer
// build): the caller then tries the other route.
bool webhook_route_missing(const outcome& o);

// The error of an answer (transport, HTTP status or GraphQL errors), if any.
std::optional<error> webhook_answer_error(const outcome& o);

// The webhooks of a list answer, the webhook of a create/update answer.
expected<std::vector<webhook_info>, std::string> parse_webhook_list(webhook_route route,
                                                                    const std::string& body);
expected<webhook_info, std::string> parse_webhook_one(webhook_route route,
                                                      const std::string& body);

// An agent's view of a webhook as JSON: everything but the secret (only whether one is set).
std::string webhook_json(const webhook_info& w);

// Checks one operation ("person.created", "*.updated", "company.*", "*.*",
// "metadata.object.created"); the message says what is wrong.
std::optional<std::string> check_webhook_operation(const std::string& op);

} // namespace tmcp::twenty

// Older Twenty releases (--twenty-version 0.50|2.5|2.19): what their APIs answer differently
// from the newest, each difference copied from the recordings of real servers
// (tests/data/twenty-recordings/, the release's file named beside each rule). The workspace
// (objects, fields, seed data) is the same in every mode.
#pragma once

#include <optional>
#include <string>

#include "api_types.hpp"
#include "json_util.hpp"

namespace standin {

enum class twenty_release { newest, v0_50, v2_5, v2_19 };

// "0.50", "2.5", "2.19", "newest"; nullopt for anything else.
std::optional<twenty_release> parse_release(const std::string& name);
const char* release_name(twenty_release r);

// False on 0.50, where webhooks are workspace records at /rest/webhooks (rest-metadata-objects.json
// lists `webhook`; rest-webhooks.json: the metadata module has none): /metadata then answers the
// webhook fields as GraphQL answers any unknown field (the shape of graphql-bad-field.json).
bool release_has_metadata_webhooks(twenty_release r);

// The REST answer to a missing (`missing` true) or unknown API key, where it differs.
std::optional<http_response> release_auth_failure(twenty_release r, bool missing);

// A /rest answer the release gives before any work is done (routes it lacks or breaks).
std::optional<http_response> release_rest_answer(twenty_release r, const std::string& method,
                                                 const std::string& path, const query_params& q);

// Reshapes the newest answer to a /rest request as the release gives it.
void release_rest_rewrite(twenty_release r, const std::string& method, const std::string& path,
                          http_response& res);

// The metadata API's Field/Object selections that differ: an answer for `field` of a DTO
// `node` of `type`, a per-field error (0.50's `relation`), or nullopt when the newest applies.
struct metadata_selection {
  bool unknown = false;         // a validation error, as on the newest release
  std::string field_error;      // the value is null and this error is reported beside the data
  std::optional<bool> as_bool;  // isCustom
  bool relation_definition = false; // build relationDefinition from the DTO's `relation`
};
std::optional<metadata_selection> release_metadata_field(twenty_release r, const std::string& type,
                                                         const std::string& field,
                                                         bool is_relation, bool is_custom);

}  // namespace standin

// Webhook registrations, event matching, Twenty's payload (exact key order) and signing.
#pragma once

#include "store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace standin {

struct webhook_def {
  std::string id, target_url, description, secret;
  std::vector<std::string> operations;  // "person.created", "*.updated", "*.*", ...
  std::string created_at, updated_at;
};

// One delivery to perform: signing happens per attempt, so the secret travels with it.
struct webhook_job {
  std::string webhook_id, url, secret, body;
};

// True when one of the webhook's operations is obj.action, *.action, obj.* or *.*.
bool webhook_matches(const webhook_def& w, const std::string& object, std::string_view action);

// {"targetUrl",…,"eventName","objectMetadata":{id,nameSingular},"workspaceId","webhookId",
//  "eventDate",["userId"],["workspaceMemberId"],"record",["updatedFields"]}
std::string webhook_payload(const webhook_def& w, const record_event& e,
                            const std::string& workspace_id, std::int64_t event_ms);

// Jobs for every matching webhook, one per (event, webhook).
std::vector<webhook_job> webhook_jobs(const std::vector<webhook_def>& hooks,
                                      const std::vector<record_event>& events,
                                      const std::string& workspace_id, std::int64_t event_ms);

// hex(HMAC_SHA256(secret, timestamp + ":" + body))
std::string webhook_signature(const std::string& secret, const std::string& timestamp,
                              const std::string& body);

// The request headers for one attempt; the three signing headers only with a secret.
std::vector<std::pair<std::string, std::string>> webhook_headers(const webhook_job& job,
                                                                 std::int64_t now_ms,
                                                                 const std::string& nonce_hex);

// Webhook JSON as the metadata API returns it (the secret is included, as Twenty does).
void write_webhook(json_writer& w, const webhook_def& h);

}  // namespace standin

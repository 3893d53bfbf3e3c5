// Twenty's webhook payload (`{targetUrl, eventName, objectMetadata, ..., record, updatedFields}`)
// as a value, and what one event changes here: cache tags to drop, resource URIs to announce,
// whether the schema must be re-read. Pure functions over text and the schema snapshot.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/expected.hpp"

namespace tmcp::twenty {

struct workspace_schema;

enum class event_action { created, updated, deleted, destroyed, restored, upserted };

const char* to_string(event_action a);

struct webhook_event {
  std::string event_name;      // as sent: "person.updated", "metadata.object.created"
  bool metadata = false;       // a metadata event (objects, fields, ...)
  std::string object;          // record events: the object's singular name
  std::string entity;          // metadata events: what changed ("object", "field", ...)
  event_action action = event_action::updated;
  std::string record_id;       // record.id when present
  std::string webhook_id;
  std::string event_date;
  std::vector<std::string> updated_fields;
};

// Parses one delivery body; the error says what is wrong with it.
expected<webhook_event, std::string> parse_webhook_event(std::string_view body);

// What one event invalidates and announces.
struct event_changes {
  std::vector<std::string> tags; // cache tags ("*" = the workspace's whole cache)
  std::vector<std::string> uris; // resources whose subscribers get resources/updated
  bool refresh_schema = false;
};

// Record events drop the record, its object's lists and searches, GraphQL answers and the
// lists of related objects; metadata events (or an object the schema does not know yet) drop
// everything and re-read the schema. `schema` may be null (not loaded yet).
event_changes changes_for(const webhook_event& e, const workspace_schema* schema);

} // namespace tmcp::twenty

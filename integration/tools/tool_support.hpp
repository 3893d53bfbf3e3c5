// Shared pieces of the Twenty tools: configuration, object resolution against the live schema,
// compact record rendering for agents, and error results that say what to do next.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/permissions.hpp"
#include "integration/analytics_jobs.hpp"
#include "integration/schema_model.hpp"
#include "integration/twenty_api.hpp"
#include "protocol/catalog.hpp"
#include "protocol/json.hpp"

namespace tmcp::twenty::tools {

struct tools_config {
  // "core" (the generic record tools), "objects" (one tool set per object), "webhooks"
  // (twenty_manage_webhooks: an administrator's tool, so agents do not read it by default).
  std::set<std::string> toolsets{"core"};
  // Hides and refuses every write (build_catalog narrows `access` to `*:read`).
  bool read_only = false;
  // MCP_PERMISSIONS: every object access goes through resolve_object, which checks it.
  config::permissions access;
  // Deletes ask the client to confirm through elicitation first (write_gate.hpp).
  bool confirm_destructive = false;
  // Lets twenty_query_builder send GraphQL mutations.
  bool allow_graphql_mutations = false;
  int default_limit = 20;
  // Tool results are cut (with `truncated`) beyond this many bytes of JSON.
  std::size_t max_output_bytes = 48 * 1024;
  // How long answers stay fresh (resources/read's ttlMs, SEP-2549): Twenty data is cached
  // this long (MCP_CACHE_TTL_MS; 0: not cached), the schema is re-read this often from the
  // cycle's start (TWENTY_SCHEMA_REFRESH_SECONDS).
  std::chrono::milliseconds cache_ttl{30000};
  std::chrono::milliseconds schema_refresh{60000};
  std::chrono::steady_clock::time_point schema_cycle_start = std::chrono::steady_clock::now();
};

// Freshness of a record read (private: it is one client's view of the data) and of a schema
// read (public: every client of the workspace gets the same), at `now`.
cache_hint record_freshness(const tools_config& c);
cache_hint schema_freshness(const tools_config& c, std::chrono::steady_clock::time_point now);

// What calls taught about the Twenty release (README "Compatibility"), shared by every tool
// and session: a capability found missing is not asked for again.
struct learned_release {
  std::atomic<bool> order_by_broken{false}; // REST order_by fails (0.50)
  std::atomic<int> webhook_route{-1};        // the webhook_route that answered last; -1: none
  // Whether this Twenty has GraphQL groupBy (0 unknown, 1 yes, 2 no), from its first answer.
  std::shared_ptr<std::atomic<int>> group_by = std::make_shared<std::atomic<int>>(0);
};

struct tool_env {
  api_ptr api;
  tools_config config;
  jobs_ptr jobs; // analytics jobs; none: no twenty_analytics tool
  std::shared_ptr<learned_release> learned = std::make_shared<learned_release>();
};

using config::operation;

// The object named by `name` (singular or plural), or an isError result to send instead: an
// unknown object, or one MCP_PERMISSIONS does not let `op` touch. Every tool, resource, prompt
// and analytics job that reaches an object goes through here.
struct resolved {
  schema_ptr schema; // keeps `obj` alive
  const object* obj = nullptr;
  std::string error_result;
};
resolved resolve_object(const tool_env& env, const std::string& name, operation op);

// Whether MCP_PERMISSIONS lets `op` touch `obj`; the refusal names both.
bool allowed(const tools_config& config, const object& obj, operation op);
error refusal(const tools_config& config, const object& obj, operation op);

// The related records an answer would carry (relation paths in `fields`, or every relation
// of `obj` at depth 1) or that a filter or order_by looks into must be readable too: the
// refusal naming the first object MCP_PERMISSIONS hides, or nullopt.
std::optional<error> related_refusal(const tools_config& config,
                                     const workspace_schema& schema, const object& obj,
                                     const std::vector<std::string>& fields, int depth,
                                     std::string_view filter = {},
                                     std::string_view order_by = {});

// What to tell an agent while the schema is missing: the real cause of the last failed
// introspection (so a wrong key is not retried forever), else "not loaded yet, retry".
error schema_unavailable(const twenty_api& api);

// The isError tool result for a Twenty failure: code, advice, Twenty's own words.
std::string error_result(const error& e);
std::string input_error(const std::string& message); // SCHEMA_VALIDATION_ERROR

// The agent's view of a record of `obj` (integration/record_view.hpp); with `fields`, only
// those (dotted paths through relations: company.name) plus id.
void compact_record(const workspace_schema& schema, const object& obj, json::value& rec,
                    json::allocator& a, const std::vector<std::string>* fields = nullptr);

// `api.get_record`, except that a generic 400 for a well-formed id (0.50 answers "Rest Api
// Exception" for a missing record and a bad id alike; 2.x calls the nil UUID invalid) is
// confirmed with a `filter=id[eq]:` list call: no row there is RECORD_NOT_FOUND.
void get_record_confirmed(const api_ptr& api, const std::string& plural, const std::string& id,
                          int depth, const std::string& fairness_key, twenty_api::done_fn done);

// 0.50 answers every REST order_by with 400 TypeError "Cannot read properties of undefined
// (reading 'fields')" (recorded): sorted reads then go through GraphQL, or unsorted.
bool is_broken_order_by(const error& e);

// Strings from an optional string-array argument.
std::vector<std::string> string_list(const json::value& args, const char* key);

// Parses the body of a successful answer; nullopt on garbage.
std::optional<json::document> parse_body(const outcome& o);

// The record inside `{"data":{"<name>":{...}}}` (create/update/delete/restore envelopes; also
// 0.50's batch `{"data":{"data":{"<name>":[...]}}}`).
const json::value* envelope_record(const json::value& body);

// Serializes `v`, shrinking the "rows" array from the end until the JSON fits the budget;
// sets "truncated":true when it had to cut.
std::string bounded_json(json::document& v, std::size_t max_bytes);

// A structured result whose text block carries the same JSON.
std::string structured_result(const std::string& json_text);

// Ties an upstream call to the MCP request: it is queued fairly with the rest of the caller's
// session (at `prio` within it), and when the client cancels, a still-queued call is dropped by
// the gateway.
void tie_to_caller(request& req, const ctx_ptr& ctx, priority prio = priority::interactive);

// Annotation presets.
tool_annotations read_only_hints();
tool_annotations write_hints(bool destructive, bool idempotent);

} // namespace tmcp::twenty::tools

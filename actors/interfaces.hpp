// Every typed actor interface of the server, one comment per handler (VAST's actors.hpp style).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "integration/analytics_job.hpp"
#include "integration/twenty_types.hpp"
#include "integration/webhook_verify.hpp"
#include "protocol/inbound.hpp"
#include "protocol/tasks.hpp"

namespace tmcp::twenty {
struct workspace_schema;
} // namespace tmcp::twenty

namespace tmcp {

// An immutable snapshot of the workspace schema; a refresh that finds changes makes a new one.
using schema_ptr = std::shared_ptr<const twenty::workspace_schema>;

// The cache's answer: a hit carries the stored value.
struct cache_lookup {
  bool hit = false;
  std::string value;
};

// A closure to run inside an actor: how plain-C++ session logic schedules its own work.
struct task {
  std::function<void()> fn;
};

// A webhook delivery as the listener received it; `respond(status, body)` answers the HTTP
// request, exactly once, from any thread.
struct webhook_delivery {
  twenty::webhook_signing signing;
  std::string body;
  std::function<void(int, std::string)> respond;
};

// A change to apply on this instance: cache tags to drop ("*" = the workspace's whole cache),
// resource URIs whose subscribers are told, and whether the schema must be re-read.
struct change_note {
  std::vector<std::string> tags;
  std::vector<std::string> uris;
  bool refresh_schema = false;
  // The instance that announced it over Redis; empty for a change that started here.
  std::string origin;
  // Already applied here (a write made through this server): only announce it to the others.
  bool applied_here = false;
};

// Where the gateway delivers an outcome for a plain-C++ caller (a tool, via twenty_service):
// called exactly once, on the gateway's thread, so it must only hand the result on.
struct twenty_reply {
  std::function<void(twenty::outcome)> fn;
};

// Starts an analytics job; `watcher` follows it (progress, end) for a caller that waits.
struct analytics_start {
  twenty::analytics_spec spec;
  std::string fairness_key;
  twenty::analytics_callbacks watcher;
};

// How an analytics job's run ended: the result JSON, or the failure.
struct analytics_end {
  bool ok = false;
  std::string result; // JSON, when ok
  twenty::error error;
};

// Starts an MCP task (a tool body that outlives its request); `done` gets the new task.
struct task_launch {
  task_origin origin;
  task_body body;
  task_done done;
};

// tasks/get, tasks/update, tasks/cancel, tasks/result or tasks/list; `done` gets the answer.
struct task_request {
  task_query query;
  task_done done;
};

} // namespace tmcp

// Local-only payloads: they carry sinks and closures, never cross a process boundary.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::inbound)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::twenty_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::schema_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::cache_lookup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::twenty::request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::twenty::outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::webhook_delivery)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::change_note)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::analytics_start)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::analytics_end)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::task_launch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tmcp::task_request)

namespace tmcp::actors {

/// One MCP session: lifecycle, in-flight requests, streams and their replay buffers.
using session_actor = caf::typed_actor<
  // Handles one client message or stream (POST, GET, DELETE) of this session.
  caf::reacts_to<atom::inbound, inbound>,
  // Runs a closure scheduled by the session's own logic (timers, async completions).
  caf::reacts_to<atom::run, task>,
  // A list of tools/resources/prompts changed ("tools", "resources", "prompts").
  caf::reacts_to<atom::changed, std::string>,
  // A resource changed; subscribed sessions send notifications/resources/updated.
  caf::reacts_to<atom::updated, std::string>,
  // Checks idleness; the session quits when idle past its expiry.
  caf::reacts_to<atom::expire>,
  // Ends the session: in-flight requests finish, then streams close.
  caf::reacts_to<atom::shutdown>>;

/// One request of the stateless era (2026-07-28): lives as long as its request, or its
/// subscriptions/listen stream, and holds no state about the client beyond it.
using request_actor = caf::typed_actor<
  // Runs a closure scheduled by the request's own logic (timers, async completions).
  caf::reacts_to<atom::run, task>,
  // A list changed: a listen stream that asked for it is told.
  caf::reacts_to<atom::changed, std::string>,
  // A resource changed: a listen stream subscribed to it is told.
  caf::reacts_to<atom::updated, std::string>,
  // The server stops: the request ends now.
  caf::reacts_to<atom::shutdown>>;

/// Spawns, routes to, monitors and reaps sessions, and spawns a request actor per stateless
/// request.
using session_supervisor_actor = caf::typed_actor<
  // Routes a transport message to its session; a new session for an `initialize` without an
  // id; a new request actor for a stateless request; 404 for unknown or ended sessions.
  caf::reacts_to<atom::inbound, inbound>,
  // Creates a session up front (stdio) and returns its id.
  caf::replies_to<atom::create>::with<std::string>,
  // Creates a session under a given id (the stdio session, brought back after a restart).
  caf::reacts_to<atom::create, std::string>,
  // Number of live sessions.
  caf::replies_to<atom::count>::with<uint64_t>,
  // Fans a list_changed kind out to every session.
  caf::reacts_to<atom::changed, std::string>,
  // Fans a resource update out to every session.
  caf::reacts_to<atom::updated, std::string>,
  // Reaps idle sessions (sent periodically by the supervisor to itself).
  caf::reacts_to<atom::expire>,
  // Drains: every session finishes its in-flight requests and closes; replies when done.
  caf::replies_to<atom::shutdown>::with<uint64_t>>;

/// The handle everyone holds for the session supervisor: forwards to the live one and restarts
/// it when it crashes (actors/session_front.hpp).
using session_front_actor = session_supervisor_actor::extend<
  // Fault injection: kills the live session supervisor as a crash would.
  caf::reacts_to<atom::crash>,
  // Restarts the session supervisor once its delay is over (self-sent).
  caf::reacts_to<atom::retry>,
  // Restarts so far, and whether one waits for its delay, as JSON text.
  caf::replies_to<atom::stats>::with<std::string>>;

/// The Twenty gateway: the only actor that talks to Twenty. Owns the token buckets mirroring
/// Twenty's limits and the queue per MCP session; the HTTP client owns the connections.
using twenty_gateway_actor = caf::typed_actor<
  // Sends one request: rate-limited, fair-queued per fairness key (the MCP session), identical
  // concurrent reads share one upstream call, retried with backoff when safe.
  caf::replies_to<atom::fetch, twenty::request>::with<twenty::outcome>,
  // The same, answered to a plain-C++ caller's reply instead of a response message.
  caf::reacts_to<atom::fetch, twenty::request, twenty_reply>,
  // Gets one record (object plural, id, depth, fairness key), sent at once when the budget
  // allows; gets arriving while one of the same object waits for its turn join it in one
  // `id[in]:[...]` list call. The body is the bare record JSON.
  caf::replies_to<atom::record, std::string, std::string, int32_t, std::string>::with<
    twenty::outcome>,
  // The same, answered to a plain-C++ caller's reply.
  caf::reacts_to<atom::record, std::string, std::string, int32_t, std::string, twenty_reply>,
  // An upstream call (by job id) ended; sent by the HTTP client's I/O thread.
  caf::reacts_to<atom::done, uint64_t, twenty::outcome>,
  // A call (by job id) waiting to be retried is due (self-sent).
  caf::reacts_to<atom::retry, uint64_t>,
  // Serves queued requests as tokens allow (self-sent).
  caf::reacts_to<atom::tick>,
  // Counters as JSON text.
  caf::replies_to<atom::stats>::with<std::string>>;

/// The workspace schema: introspected from /metadata, refreshed, versioned, and announced
/// to its change callback when it changes.
using schema_actor = caf::typed_actor<
  // The current snapshot (null before the first successful introspection).
  caf::replies_to<atom::schema>::with<schema_ptr>,
  // Re-introspects now; replies the schema version after the refresh.
  caf::replies_to<atom::refresh>::with<uint64_t>,
  // Periodic refresh (self-sent).
  caf::reacts_to<atom::tick>>;

/// The L1 cache of Twenty answers: LRU with TTL and a memory bound.
using cache_actor = caf::typed_actor<
  // Looks a key up.
  caf::replies_to<atom::lookup, std::string>::with<cache_lookup>,
  // Stores a value (key, value, tags such as "object:people" or "record:people:<id>").
  caf::reacts_to<atom::store, std::string, std::string, std::vector<std::string>>,
  // Drops entries by tag, by exact key, or by key prefix ending in '*'.
  caf::reacts_to<atom::invalidate, std::string>,
  // Hit/miss/eviction counters as JSON text.
  caf::replies_to<atom::stats>::with<std::string>>;

/// Twenty's webhook deliveries: verified (signature, age, nonce), acknowledged, then turned
/// into changes for the change hub; a duplicate delivery is processed once.
using webhook_receiver_actor = caf::typed_actor<
  // One delivery; its callback gets 401 (rejected), 400 (not an event) or 200 before any
  // processing.
  caf::reacts_to<atom::webhook, webhook_delivery>,
  // The same delivery after the shared replay check (nonce fresh, first delivery of its body).
  caf::reacts_to<atom::webhook, webhook_delivery, bool, bool>,
  // Counters as JSON text.
  caf::replies_to<atom::stats>::with<std::string>>;

/// Applies changes on this instance: drops cache entries, tells subscribed sessions, re-reads
/// the schema; with Redis, announces local changes to the other instances and applies theirs.
using change_hub_actor = caf::typed_actor<
  // One change, from a webhook, a write made through this server, or another instance.
  caf::reacts_to<atom::apply, change_note>>;

/// Analytics jobs: each reads its pages one at a time, many jobs run at once; finished jobs
/// are kept (the newest 64) so their results can be read after the request that started them.
using analytics_actor = caf::typed_actor<
  // Starts a job; replies its id.
  caf::replies_to<atom::start, analytics_start>::with<std::string>,
  // A job read a page: job id, records read, total Twenty reported (sent by the job's run).
  caf::reacts_to<atom::progress, std::string, uint64_t, uint64_t>,
  // A job's run ended (sent by the run).
  caf::reacts_to<atom::done, std::string, analytics_end>,
  // The job's status as JSON text; empty for an unknown id.
  caf::replies_to<atom::status, std::string>::with<std::string>,
  // Stops a running job: its run makes no further upstream call.
  caf::reacts_to<atom::cancel, std::string>>;

/// The MCP tasks of this instance: each runs its tool body here, with a request context of
/// its own, and is kept for its ttl after it ends; any request may poll it by id.
using task_actor = caf::typed_actor<
  // Runs a closure scheduled by a task's own logic (timers, async completions).
  caf::reacts_to<atom::run, task>,
  // Creates a task and starts its body; the launcher's callback gets the task.
  caf::reacts_to<atom::start, task_launch>,
  // Answers a task query through its callback (tasks/result: once the task ends).
  caf::reacts_to<atom::status, task_request>,
  // Drops tasks past their ttl (self-sent periodically).
  caf::reacts_to<atom::expire>>;

} // namespace tmcp::actors

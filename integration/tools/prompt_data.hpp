// The live data the CRM prompts embed (record_prompts.cpp, overview_prompts.cpp): a record
// found by name or id, its tasks, notes and related records, each read once through the gateway
// (tied to the caller) and rendered bounded, as embedded resources (prompt_data.cpp); and the
// prompts' frame: argument checks, live completions, gathering and the answer
// (prompt_frame.cpp). Plain C++ over twenty_api.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools::live {

// Why a prompt cannot be made: the arguments (-32602) or Twenty (-32603).
struct fault {
  bool invalid_params = true;
  std::string message;
};
rpc_error to_rpc(const fault& f);

// One embedded resource of a prompt, or why it is left out.
struct embed {
  std::string uri;
  std::string json;
  std::string missing; // set: left out, and why
};

// Runs every step at once; `then` gets their embeds in order when the last has answered.
using step = std::function<void(std::function<void(embed)>)>;
void gather(std::vector<step> steps, std::function<void(std::vector<embed>)> then);

// A REST list of `plural` (filter, limit, depth), tied to the caller; the parsed body.
using body_done = std::function<void(expected<json::document, fault>)>;
void list(const tool_env& env, const ctx_ptr& ctx, const std::string& plural,
          const std::string& filter, int limit, int depth, body_done done);

// The records array of a REST list body (an empty array when absent) and its totalCount.
const json::value& rows_of(const json::document& body);
int64_t total_of(const json::document& body);

// What a person reads as the record's name: its name (first and last), title or label field.
std::string display_name(const object& obj, const json::value& rec);

// The REST filter that finds records of `obj` by their name (`exact`, regardless of case) or by
// part of it; empty when the object has no name field.
std::string name_filter(const object& obj, const std::string& text, bool exact);

// The longest text that may name a record (its name or id); longer is an invalid-params fault.
constexpr std::size_t max_record_text = 1000;

// The record `text` names (a UUID, or a name matching exactly one record), read at depth 1.
// Not found or ambiguous: an invalid-params fault that says which records there are.
// `schema` keeps `obj` alive until `done` ran (so below).
void find_record(const tool_env& env, const ctx_ptr& ctx, schema_ptr schema, const object& obj,
                 const std::string& text, body_done done);

// Names of records of `obj` matching `text` (for completions), best matches first.
void record_names(const tool_env& env, schema_ptr schema, const object& obj,
                  const std::string& text,
                  std::function<void(std::vector<std::string>)> done);

// `rec` (a depth-1 record of `obj`) in the agent's view, each one-to-many relation cut to
// `cap` records with how many were left out; junctions to tasks and notes dropped (their
// records are embedded on their own).
// Relations to objects MCP_PERMISSIONS keeps from being read are dropped too.
std::string bounded_record(const tools_config& config, const workspace_schema& schema,
                           const object& obj, const json::value& rec, std::size_t cap);

// The open opportunities among `rec`'s relations (an opportunity is itself one), closed being
// the last stage of the pipeline; at most `cap`, with the count left out.
std::string open_opportunities(const workspace_schema& schema, const object& obj,
                               const json::value& rec, std::size_t cap);

// Tasks (overdue, upcoming within `horizon_days`, no due date, done counted) and the latest
// notes linked to the record, each list bounded; steps for gather().
step tasks_of(std::shared_ptr<const tool_env> env, ctx_ptr ctx, schema_ptr schema,
              const object& obj, const std::string& id, int64_t now_ms, int horizon_days,
              std::size_t cap);
step notes_of(std::shared_ptr<const tool_env> env, ctx_ptr ctx, schema_ptr schema,
              const object& obj, const std::string& id, std::size_t cap);

// An argument's text ("" when absent).
std::string arg(const json::value& args, const char* key);

// The active object `name`, which MCP_PERMISSIONS lets be read; else a fault naming it.
struct target {
  schema_ptr schema; // keeps obj alive
  const object* obj = nullptr;
};
expected<target, fault> readable(const tool_env& env, const std::string& name);

// Registers a prompt whose arguments are checked first (unknown names, values outside
// `choices`), with live completions: `choices`, object names, select options, and record
// names by search (the argument `record`, of the object in the context or `record_object`,
// and `company`).
using prompt_run = std::function<void(const json::value& args, ctx_ptr ctx)>;
using choices = std::map<std::string, std::vector<std::string>>;
void add_live_prompt(catalog& cat, std::shared_ptr<const tool_env> env, prompt_spec spec,
                     choices enums, std::string record_object, prompt_run run);

// The prompt's answer: the instructions (with what was left out and why), then one message
// per embedded resource.
void reply(const ctx_ptr& ctx, const std::string& description, std::string text,
           const std::vector<embed>& parts);

// Runs the steps, then replies with their data embedded.
void reply_gathered(std::vector<step> steps, const ctx_ptr& ctx, std::string description,
                    std::string text);

// The first `cap` records of `t` matching `filter` (depth 1, in the agent's view) as
// {"total","records","leftOut"}; a step for gather().
step list_step(std::shared_ptr<const tool_env> env, ctx_ptr ctx, target t, std::string uri,
               std::size_t cap, std::string filter);

// An analytics job (twenty_analytics' arguments as JSON text, on `t`) embedded as its result;
// the job's pages go to the caller's progressToken while the count in `mark` (shared by the
// prompt's jobs) grows, and cancelling the request stops the job.
using read_mark = std::shared_ptr<std::atomic<uint64_t>>;
inline read_mark new_read_mark() {
  return std::make_shared<std::atomic<uint64_t>>(0);
}
step job_step(std::shared_ptr<const tool_env> env, ctx_ptr ctx, target t, std::string uri,
              std::string args, read_mark mark);

// Current time in ms, or `as_of` (ISO-8601) when given; a fault for a bad date.
expected<int64_t, fault> now_or(const std::string& as_of);

} // namespace tmcp::twenty::tools::live

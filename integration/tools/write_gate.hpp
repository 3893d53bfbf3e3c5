// The last step of every write tool before anything goes to Twenty: `dry_run` answers what
// would be sent instead, and with MCP_CONFIRM_DESTRUCTIVE a delete first asks the client to
// confirm (elicitation; on 2026-07-28 through an input_required result).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "integration/tools/tool_support.hpp"

namespace tmcp::twenty::tools {

// What a write would do: the object, the operation (create, update, delete, destroy, restore),
// the records it changes or removes, and the upstream calls it would make.
struct write_plan {
  std::string object;
  std::string operation;
  std::vector<std::string> ids;
  std::vector<const request*> calls;
  std::string extra_json; // more members of the answer, as `,"key":value` text
};

// The answer to a dry run of `plan`: {"dryRun":true,"sent":false,...}.
std::string dry_run_result(const write_plan& plan);

// `calls` as a JSON array of {method, path, body}.
std::string requests_json(const std::vector<const request*>& calls);

bool is_dry_run(const json::value& args);

// Runs `send` once the client confirmed the destructive `plan` (MCP_CONFIRM_DESTRUCTIVE; at
// once without it); a refusal, a decline or a client that cannot elicit is answered instead.
void confirm_destructive(const tool_env& env, const write_plan& plan, const ctx_ptr& ctx,
                         std::function<void()> send);

// Runs `send` unless `args` ask for a dry run (answered with `plan`) or, for a destructive
// `plan` under MCP_CONFIRM_DESTRUCTIVE, the client does not confirm (answered with why).
void gate_write(const tool_env& env, const json::value& args, const write_plan& plan,
                bool destructive, const ctx_ptr& ctx, std::function<void()> send);

// `schema` (an input schema's JSON text) with the shared `dry_run` property added.
std::string with_dry_run(std::string schema);

// A write that is not safe to repeat failed, but Twenty may have run it (the answer was lost,
// or Twenty failed after starting): the error says to look before retrying, since a plain
// retry could apply it twice.
error unless_applied(error e, bool idempotent);

} // namespace tmcp::twenty::tools

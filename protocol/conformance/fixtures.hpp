// The fixtures the official MCP conformance suite expects (MCP_CONFORMANCE=1 only): the
// classic ones of 2025-11-25 and the modern ones of the 2026-07-28 track.
#pragma once

#include <functional>
#include <string>

#include "protocol/catalog.hpp"

namespace tmcp::conformance {

// Announces a list change ("tools", "prompts") to every session and listen stream.
using change_fn = std::function<void(const std::string& kind)>;

void register_fixtures(catalog& cat, change_fn changed = {});

// The 2026-07-28 fixtures: input_required flows, capability and logging probes, list triggers.
void register_modern_fixtures(catalog& cat, change_fn changed);

// The tasks extension's fixtures (greet, slow_compute, failing_job, protocol_error_job,
// confirm_delete, multi_input, test_tool_with_task).
void register_task_fixtures(catalog& cat);

} // namespace tmcp::conformance

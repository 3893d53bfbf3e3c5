// The fixtures the official MCP conformance suite expects (MCP_CONFORMANCE=1 only).
#pragma once

#include "protocol/catalog.hpp"

namespace tmcp::conformance {

void register_fixtures(catalog& cat);

} // namespace tmcp::conformance

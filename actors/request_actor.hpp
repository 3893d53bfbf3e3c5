// The request actor: serves one stateless (2026-07-28) request and ends with it.
#pragma once

#include "actors/interfaces.hpp"
#include "protocol/stateless_request.hpp"

namespace tmcp::actors {

struct request_state {
  static inline const char* name = "mcp-request";
  stateless_ptr core;
};

// The exit reason of a request its client withdrew (stdio notifications/cancelled): it stops
// and sends nothing more.
inline caf::error client_cancelled() {
  return caf::make_error(caf::sec::request_receiver_down);
}

request_actor::behavior_type request_actor_impl(request_actor::stateful_pointer<request_state> self,
                                                inbound in, catalog_ptr catalog,
                                                stateless_options options);

} // namespace tmcp::actors

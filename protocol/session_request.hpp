// Internal: the state of one in-flight request, shared by the session's translation units.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "protocol/session.hpp"

namespace tmcp {

// What a request_context may read from any thread.
struct context_flags {
  std::atomic<bool> cancelled{false};
  std::atomic<bool> done{false};
};

struct session::request_state {
  std::string id; // JSON text of the request id
  std::string method;
  uint64_t stream = 0;
  message msg; // keeps params alive while the handler runs
  std::string progress_token; // JSON text; empty = no progress wanted
  bool json_only = false;     // the answer is one JSON body: nothing else may use the stream
  bool sent_progress = false;
  double last_progress = 0;
  bool cancelled = false;
  ctx_ptr ctx;
  std::shared_ptr<context_flags> ctx_state;
  std::vector<std::function<void()>> cancel_hooks;
};

} // namespace tmcp

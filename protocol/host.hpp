// What the protocol core needs from the actor that drives it: a way to run work on its own
// thread, now or later; and the server's identity, which both eras report.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace tmcp {

class session_host {
public:
  virtual ~session_host() = default;
  // Runs `fn` on the owner's thread after `delay`; thread-safe; dropped once the owner ended.
  virtual void post(std::function<void()> fn, std::chrono::milliseconds delay) = 0;
};

using host_ptr = std::shared_ptr<session_host>;

struct server_identity {
  std::string name = "twenty-mcp-server";
  std::string title = "Twenty CRM";
  std::string version = "0.1.0";
};

} // namespace tmcp

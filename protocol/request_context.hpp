// What a method handler sees of the request it serves: reply, progress, logging, timers,
// server->client requests and cancellation. Handlers never see the session itself, so the same
// handler can later serve a stateless (2026-07-28) request.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/expected.hpp"
#include "protocol/json.hpp"
#include "protocol/rpc_error.hpp"

namespace tmcp {

// RFC 5424 severities, in MCP's order.
enum class log_level { debug, info, notice, warning, error, critical, alert, emergency };
std::optional<log_level> parse_log_level(std::string_view s);
const char* to_string(log_level l);

struct client_view {
  std::string protocol_version;
  // The client's `capabilities` object as JSON text ("{}" if none were sent).
  std::string capabilities = "{}";
  bool supports(const char* capability) const;
};

// The client capability a server->client request needs ("sampling", ...); null if none.
const char* capability_for_client_method(std::string_view method);

using client_reply = std::function<void(expected<std::string, rpc_error>)>;

// One input a handler needs from the client (elicitation/create, sampling/createMessage,
// roots/list), under a key the handler chooses.
struct input_request {
  std::string key;
  std::string method;
  std::string params; // JSON text
};

// The client's answers by key (each the JSON text of that method's result), or an error.
using input_answers = std::map<std::string, std::string>;
using input_reply = std::function<void(expected<input_answers, rpc_error>)>;

// How long a result may be reused (SEP-2549): `public` = the same for every client.
struct cache_hint {
  std::chrono::milliseconds ttl{0};
  bool shared = false;
};

// Every member is thread-safe: it may be called from any thread, and its effect runs on the
// session's thread in call order. After reply/fail or cancellation, later calls do nothing.
class request_context : public std::enable_shared_from_this<request_context> {
public:
  virtual ~request_context() = default;

  virtual const client_view& client() const = 0;

  // The MCP session the request belongs to (stdio has one too); calls to Twenty are queued
  // fairly per session by it.
  virtual const std::string& session_id() const = 0;

  // Ends the request with a result (JSON text of the `result` member) or a JSON-RPC error.
  virtual void reply(std::string result) = 0;
  virtual void fail(rpc_error error) = 0;

  // notifications/progress, sent only when the request carried a progressToken and the value
  // increases.
  virtual void progress(double value, std::optional<double> total = {},
                        std::string message = {}) = 0;

  // notifications/message at `level` if the session's log level lets it through.
  virtual void log(log_level level, std::string logger, std::string data_json) = 0;

  // Sends a request to the client on this request's stream; `done` gets its result JSON or an
  // error (timeout, client error, missing capability).
  virtual void request_client(std::string method, std::string params,
                              std::chrono::milliseconds timeout, client_reply done) = 0;

  // Asks the client for several inputs at once. Legacy: requests to the client on this
  // request's stream, `done` once all are answered. 2026-07-28: an input_required result ends
  // this attempt; the client retries with the answers and the handler runs again from the
  // start, so a handler must do nothing irreversible before it has its inputs.
  virtual void request_input(std::vector<input_request> asks, std::chrono::milliseconds timeout,
                             input_reply done) = 0;

  // How long the coming result stays fresh, from the data's real cache lifetime.
  virtual void cache(cache_hint hint) = 0;

  // Runs `fn` on the session's thread after `delay`, unless the request ended first.
  virtual void after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;

  // Closes this request's stream without ending the request (SSE polling, SEP-1699): the
  // client reconnects with GET + Last-Event-ID and receives the rest.
  virtual void close_stream() = 0;

  // True once the client cancelled the request (or the session ended).
  virtual bool cancelled() const = 0;

  // Called on the session's thread when the request is cancelled, to stop its work.
  virtual void on_cancel(std::function<void()> fn) = 0;

  // Long work: when the tool supports tasks and the client asked for one (2025-11-25 `task`
  // param) or follows the io.modelcontextprotocol/tasks extension (2026-07-28), `body` runs
  // as a task that outlives this request, which answers at once with the task's handle;
  // otherwise `body` runs here, as the request itself. `body` must own what it uses.
  virtual void as_task(std::function<void(std::shared_ptr<request_context>)> body) {
    body(shared_from_this());
  }
};

using ctx_ptr = std::shared_ptr<request_context>;

} // namespace tmcp

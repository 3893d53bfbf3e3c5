// The legacy session's request bookkeeping: its in-flight client requests (with their
// cancellation hooks and progress) and the requests it sent to the client, awaiting answers.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/admission.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/notifications.hpp"
#include "protocol/request_context.hpp"

namespace tmcp {

// What a request_context may read from any thread.
struct context_flags {
  std::atomic<bool> cancelled{false};
  std::atomic<bool> done{false};
};

struct in_flight_request {
  std::string id; // JSON text of the request id
  std::string method;
  uint64_t stream = 0;
  message msg; // keeps params alive while the handler runs
  progress_tracker progress;
  bool json_only = false; // the answer is one JSON body: nothing else may use the stream
  std::shared_ptr<context_flags> flags = std::make_shared<context_flags>();
  std::vector<std::function<void()>> cancel_hooks;
  admission_slot slot; // its place under the server's bound, given back with the request

  // Marks the request cancelled and runs its hooks, once.
  void cancel();
};

class request_table {
public:
  bool contains(const std::string& id) const { return requests_.count(id) > 0; }
  in_flight_request* find(const std::string& id);
  in_flight_request& add(std::unique_ptr<in_flight_request> r);
  // Removes a request; null when it is not (or no longer) in flight.
  std::unique_ptr<in_flight_request> take(const std::string& id);
  // Removes and cancels every request.
  void cancel_all();
  // Removes every request (not cancelled), oldest id first.
  std::vector<std::unique_ptr<in_flight_request>> take_all();
  std::size_t size() const { return requests_.size(); }
  bool empty() const { return requests_.empty(); }

  // Requests this server sent to the client: an id for the next one, and its answer's route.
  std::string add_outbound(client_reply done);
  std::optional<client_reply> take_outbound(const std::string& id);
  void clear_outbound() { outbound_.clear(); }

private:
  std::map<std::string, std::unique_ptr<in_flight_request>> requests_;
  std::map<std::string, client_reply> outbound_;
  uint64_t next_outbound_ = 1;
};

} // namespace tmcp

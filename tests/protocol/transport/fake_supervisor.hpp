// A stand-in for the session supervisor: it implements session_supervisor_actor, records
// what the transport forwards and answers through the sink the way real sessions will.
//
//   POST initialize, no session id -> new id; open{id, retry 1500ms}, priming event
//                                     "<id>-0", the result as event "<id>-1", close
//   unknown session id             -> refuse(session_not_found): 404, -32001
//   POST notification / response   -> respond(202, "")
//   POST request "test/hold"       -> open, priming event "hold-0"; the sink is kept in
//                                     probe::held and never closed
//   POST request "test/wait3"      -> kept until three have arrived, then each gets
//                                     open, its result as event "w-<n>", close
//   POST request "test/drop"       -> the sink is dropped without an answer
//   POST request "test/flood"      -> open, then 64 events of 256 KiB each (16 MiB), no close
//   POST request "test/misuse"     -> open, priming event "m-0", then respond(200, "{}")
//   other POST requests            -> open, result {"method":...} as event "e-1", close
//   GET                            -> open, three notifications "g-1".."g-3", close
//   DELETE                         -> forgets the session; respond(200, "")
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/interfaces.hpp"

namespace tmcp::test {

struct seen_inbound {
  inbound_verb verb;
  std::string session_id;
  std::string protocol_version;
  std::string method; // POST only
  std::string last_event_id;
};

// Shared between the test thread and the fake actor; every access under `mtx`.
struct probe {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<seen_inbound> seen;
  std::set<std::string> sessions;
  int next_session = 0;
  std::vector<sink_ptr> held;
  std::vector<std::pair<std::string, sink_ptr>> waiting; // request id, sink

  // Waits until `pred()` holds (called under the lock); false after `timeout`.
  bool wait_for(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds{5});

  std::size_t seen_count();
  seen_inbound last_seen();
  sink_ptr held_sink(std::size_t i);

  // Drops every sink still held, so connections and the io_context can go.
  void release();
};

actors::session_supervisor_actor spawn_fake_supervisor(caf::actor_system& sys,
                                                       std::shared_ptr<probe> p);

} // namespace tmcp::test

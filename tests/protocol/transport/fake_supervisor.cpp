#include "tests/protocol/transport/fake_supervisor.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "protocol/json.hpp"
#include "protocol/json_rpc.hpp"

namespace tmcp::test {

bool probe::wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> guard{mtx};
  return cv.wait_for(guard, timeout, pred);
}

std::size_t probe::seen_count() {
  std::lock_guard<std::mutex> guard{mtx};
  return seen.size();
}

seen_inbound probe::last_seen() {
  std::lock_guard<std::mutex> guard{mtx};
  return seen.empty() ? seen_inbound{} : seen.back();
}

sink_ptr probe::held_sink(std::size_t i) {
  std::lock_guard<std::mutex> guard{mtx};
  return i < held.size() ? held[i] : nullptr;
}

void probe::release() {
  std::lock_guard<std::mutex> guard{mtx};
  held.clear();
  waiting.clear();
}

namespace {

std::string result_for(const message& m) {
  return make_response(m.id, R"({"method":)" + json::quote(m.method) + "}");
}

void answer_post(probe& p, const inbound& in) {
  const auto& m = *in.msg;
  auto& sink = *in.sink;
  if (!m.is_request())
    return sink.respond(202, "");
  if (m.method == "test/hold") {
    sink.open({});
    sink.event("hold-0", "");
    p.held.push_back(in.sink);
    return;
  }
  if (m.method == "test/wait3") {
    p.waiting.emplace_back(m.id, in.sink);
    if (p.waiting.size() < 3)
      return;
    int n = 0;
    for (auto& [id, s] : p.waiting) {
      s->open({});
      s->event("w-" + std::to_string(++n), make_response(id, R"({"method":"test/wait3"})"));
      s->close();
    }
    p.waiting.clear();
    return;
  }
  if (m.method == "test/drop")
    return;
  if (m.method == "test/flood") {
    sink.open({});
    auto big = make_notification("test/noise",
                                 R"({"pad":")" + std::string(256 * 1024, 'x') + "\"}");
    for (int i = 0; i < 64; ++i)
      sink.event("f-" + std::to_string(i), big);
    p.held.push_back(in.sink);
    return;
  }
  if (m.method == "test/misuse") {
    sink.open({});
    sink.event("m-0", "");
    return sink.respond(200, "{}");
  }
  sink.open({});
  sink.event("e-1", result_for(m));
  sink.close();
}

void handle(probe& p, inbound& in) {
  seen_inbound rec{in.verb, in.session_id, in.protocol_version,
                   in.msg ? in.msg->method : std::string(), in.last_event_id};
  auto& sink = *in.sink;
  if (in.verb == inbound_verb::post && in.session_id.empty() && in.msg->method == "initialize") {
    auto id = "fake-session-" + std::to_string(++p.next_session);
    p.sessions.insert(id);
    sink.open({id, std::chrono::milliseconds{1500}});
    sink.event(id + "-0", "");
    sink.event(id + "-1", make_response(in.msg->id, R"({"protocolVersion":"2025-11-25"})"));
    sink.close();
  } else if (p.sessions.count(in.session_id) == 0) {
    sink.refuse(make_fault(fault_kind::session_not_found, "Session not found"));
  } else if (in.verb == inbound_verb::post) {
    answer_post(p, in);
  } else if (in.verb == inbound_verb::get) {
    sink.open({});
    for (int i = 1; i <= 3; ++i)
      sink.event("g-" + std::to_string(i),
                 make_notification("notifications/message", R"({"n":)" + std::to_string(i)
                                                              + "}"));
    sink.close();
  } else {
    p.sessions.erase(in.session_id);
    sink.respond(200, "");
  }
  // Recorded last: a test that saw the record also sees every sink call made above.
  p.seen.push_back(std::move(rec));
}

} // namespace

actors::session_supervisor_actor spawn_fake_supervisor(caf::actor_system& sys,
                                                       std::shared_ptr<probe> p) {
  return sys.spawn([p](actors::session_supervisor_actor::pointer)
                     -> actors::session_supervisor_actor::behavior_type {
    return {
      [p](atom::inbound, inbound in) {
        {
          std::lock_guard<std::mutex> guard{p->mtx};
          handle(*p, in);
        }
        p->cv.notify_all();
      },
      [p](atom::create) {
        std::lock_guard<std::mutex> guard{p->mtx};
        auto id = "fake-session-" + std::to_string(++p->next_session);
        p->sessions.insert(id);
        return id;
      },
      [p](atom::create, const std::string& id) {
        std::lock_guard<std::mutex> guard{p->mtx};
        p->sessions.insert(id);
      },
      [p](atom::count) {
        std::lock_guard<std::mutex> guard{p->mtx};
        return static_cast<uint64_t>(p->sessions.size());
      },
      [](atom::changed, const std::string&) {
        // nop
      },
      [](atom::updated, const std::string&) {
        // nop
      },
      [](atom::expire) {
        // nop
      },
      [](atom::shutdown) { return uint64_t{0}; },
    };
  });
}

} // namespace tmcp::test

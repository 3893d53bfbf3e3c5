// Test doubles for driving a protocol session without actors or sockets: a sink that records
// what it was sent and a host whose clock and task queue the test advances by hand.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json_rpc.hpp"
#include "protocol/session.hpp"

namespace tmcp::testing {

struct recording_sink : stream_sink {
  bool opened = false;
  bool closed = false;
  bool live = true;
  std::string session_header;
  int status = 0;
  std::optional<fault> refused;
  std::string body;
  std::vector<std::pair<std::string, std::string>> events; // id, data (data "" = priming)

  void open(const stream_open& info) override {
    opened = true;
    session_header = info.session_id;
  }
  void event(const std::string& id, const std::string& data) override {
    events.emplace_back(id, data);
  }
  void close() override { closed = true; }
  void respond(int s, const std::string& b) override {
    status = s;
    body = b;
  }
  // The transport would pick the status; tests read the kind.
  void refuse(const fault& f) override {
    refused = f;
    body = make_error_response(f.id, f.error);
  }
  bool connected() const override { return live && !closed; }

  // The JSON-RPC messages received (priming events skipped).
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (auto& [id, data] : events)
      if (!data.empty())
        out.push_back(data);
    return out;
  }
  std::string last() const {
    auto m = messages();
    return m.empty() ? body : m.back();
  }
};

// True when the sink was refused with a fault of this kind (the transport maps it to a status).
inline bool refused_as(const recording_sink& s, fault_kind kind) {
  return s.refused && s.refused->kind == kind;
}

struct manual_host : session_host {
  using time_point = std::chrono::steady_clock::time_point;
  struct entry {
    time_point due;
    uint64_t seq;
    std::function<void()> fn;
  };
  time_point now{};
  uint64_t seq = 0;
  std::vector<entry> queue;

  void post(std::function<void()> fn, std::chrono::milliseconds delay) override {
    queue.push_back({now + delay, seq++, std::move(fn)});
  }

  // Runs every task due by now (including ones they schedule for now).
  void run() {
    for (;;) {
      auto it = std::min_element(queue.begin(), queue.end(), [](auto& a, auto& b) {
        return a.due != b.due ? a.due < b.due : a.seq < b.seq;
      });
      if (it == queue.end() || it->due > now)
        return;
      auto fn = std::move(it->fn);
      queue.erase(it);
      fn();
    }
  }

  void advance(std::chrono::milliseconds d) {
    auto target = now + d;
    // Step through due times in order so timers fire in sequence.
    for (;;) {
      time_point next = target;
      for (auto& e : queue)
        if (e.due > now && e.due < next)
          next = e.due;
      now = next;
      run();
      if (now >= target)
        return;
    }
  }
};

// Posts one JSON-RPC message to a session and runs whatever it scheduled for now;
// `json_only` as for a client whose Accept lists application/json alone.
inline std::shared_ptr<recording_sink> post_to(session& sess, manual_host& host,
                                               const std::string& text, bool json_only = false) {
  auto sink = std::make_shared<recording_sink>();
  auto msg = parse_message(text);
  inbound in;
  in.verb = inbound_verb::post;
  in.session_id = sess.id();
  in.json_only = json_only;
  in.msg = std::move(*msg);
  in.sink = sink;
  sess.handle(std::move(in));
  host.run();
  return sink;
}

struct session_env {
  std::shared_ptr<manual_host> host = std::make_shared<manual_host>();
  std::shared_ptr<catalog> cat = std::make_shared<catalog>();
  session_ptr sess;

  // Timers that never fired hold request contexts, which hold the host: break that cycle.
  ~session_env() { host->queue.clear(); }

  void start(session_options opts = {}) {
    auto h = host;
    opts.now = [h] { return h->now; };
    sess = std::make_shared<session>("sid-1", cat, host, opts);
  }

  std::shared_ptr<recording_sink> post(const std::string& text, bool json_only = false) {
    return post_to(*sess, *host, text, json_only);
  }

  std::shared_ptr<recording_sink> get(const std::string& last_event_id = {}) {
    auto sink = std::make_shared<recording_sink>();
    inbound in;
    in.verb = inbound_verb::get;
    in.session_id = "sid-1";
    in.last_event_id = last_event_id;
    in.sink = sink;
    sess->handle(std::move(in));
    host->run();
    return sink;
  }

  void initialize(const std::string& version = "2025-11-25",
                  const std::string& caps = R"({"sampling":{},"elicitation":{}})") {
    post(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")"
         + version + R"(","capabilities":)" + caps
         + R"(,"clientInfo":{"name":"t","version":"1"}}})");
    post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }
};

// The parsed JSON of a message, for assertions.
inline json::document parsed(const std::string& text) {
  auto d = json::parse(text);
  return d ? std::move(*d) : json::document{};
}

inline int error_code(const std::string& text) {
  auto d = parsed(text);
  if (!d.IsObject() || !d.HasMember("error"))
    return 0;
  return d["error"]["code"].GetInt();
}

} // namespace tmcp::testing

#include "actors/session_front.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace tmcp::actors {

namespace {

using self_ptr = session_front_actor::stateful_pointer<front_state>;

// Where the replayed setup of a restored session answers: nobody asked, so nothing is written.
class discard_sink final : public stream_sink {
public:
  void open(const stream_open&) override {}
  void event(const std::string&, const std::string&) override {}
  void close() override {}
  void respond(int, const std::string&) override {}
  void refuse(const fault&) override {}
  bool connected() const override { return true; }
};

// Remembers what a pinned (stdio) session needs to come back after a restart.
void note_setup(front_state& st, const inbound& in) {
  auto it = st.pinned.find(in.session_id);
  if (it == st.pinned.end())
    return;
  if (in.verb == inbound_verb::get)
    it->second.standalone = in;
  else if (in.msg && in.msg->is_request() && in.msg->method == "initialize")
    it->second.initialize = *in.msg;
  else if (in.msg && in.msg->method == "notifications/initialized")
    it->second.initialized = *in.msg;
}

void replay(self_ptr self, const std::string& id, const std::optional<message>& msg) {
  if (!msg)
    return;
  inbound in;
  in.session_id = id;
  in.msg = *msg;
  in.sink = std::make_shared<discard_sink>();
  self->send(self->state.live, atom::inbound_v, std::move(in));
}

void start_supervisor(self_ptr self) {
  auto& st = self->state;
  st.row.restart_pending = false;
  st.live = self->spawn<caf::monitored>(session_supervisor_impl, st.catalogs, st.settings);
  // The stdio session comes back under its id, its client's setup replayed in order.
  for (auto& [id, p] : st.pinned) {
    self->send(st.live, atom::create_v, id);
    if (p.standalone)
      self->send(st.live, atom::inbound_v, inbound{*p.standalone});
    replay(self, id, p.initialize);
    replay(self, id, p.initialized);
  }
}

void on_crash(self_ptr self, const caf::error& reason) {
  auto& st = self->state;
  st.live = nullptr;
  ++st.restarts;
  auto delay = st.row.crashed(std::chrono::steady_clock::now());
  spdlog::error("session supervisor crashed ({}); restarting it{}: every HTTP session it held "
                "ended (their clients get 404 and initialize again){}",
                to_string(reason),
                delay.count() ? " in " + std::to_string(delay.count()) + " ms" : std::string(),
                st.pinned.empty() ? "" : ", the stdio session is restored");
  if (delay.count() == 0)
    return start_supervisor(self);
  // Meanwhile messages are refused as "busy" rather than feeding a crash loop.
  st.row.restart_pending = true;
  self->delayed_send(self, delay, atom::retry_v);
}

// Forwards a request whose answer the caller waits for (a supervisor that dies meanwhile drops
// its promises: the deadline answers then).
template <class T, class... Ts>
caf::result<T> ask(self_ptr self, std::chrono::seconds deadline, Ts... xs) {
  if (!self->state.live)
    return caf::make_error(caf::sec::request_receiver_down);
  auto rp = self->make_response_promise<T>();
  self->request(self->state.live, deadline, xs...)
    .then([rp](T& x) mutable { rp.deliver(std::move(x)); },
          [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

template <class... Ts>
void tell(self_ptr self, const Ts&... xs) {
  if (self->state.live)
    self->send(self->state.live, xs...);
}

} // namespace

session_front_actor::behavior_type
session_front_impl(session_front_actor::stateful_pointer<front_state> self,
                   catalog_store_ptr catalogs, supervisor_settings settings) {
  self->state.catalogs = std::move(catalogs);
  self->state.settings = std::move(settings);
  start_supervisor(self);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (dm.source != self->state.live.address())
      return;
    if (!dm.reason || dm.reason == caf::exit_reason::normal
        || dm.reason == caf::exit_reason::user_shutdown) {
      self->state.live = nullptr;
      return;
    }
    on_crash(self, dm.reason);
  });
  // The server stops: the live supervisor drains and ends with the front.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (self->state.live)
      self->send_exit(self->state.live, msg.reason);
    self->quit(msg.reason);
  });
  return {
    [self](atom::inbound, inbound& in) {
      auto& st = self->state;
      if (!st.live) {
        in.sink->refuse(busy_fault("the session supervisor is restarting after a crash",
                                   st.settings.busy_retry_seconds,
                                   in.msg && in.msg->is_request() ? in.msg->id : "null"));
        return;
      }
      note_setup(st, in);
      self->send(st.live, atom::inbound_v, std::move(in));
    },
    [self](atom::create) -> caf::result<std::string> {
      if (!self->state.live)
        return caf::make_error(caf::sec::request_receiver_down);
      auto rp = self->make_response_promise<std::string>();
      self->request(self->state.live, std::chrono::seconds(10), atom::create_v)
        .then(
          [self, rp](std::string& id) mutable {
            self->state.pinned[id];
            rp.deliver(std::move(id));
          },
          [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
      return rp;
    },
    [self](atom::create, const std::string& id) { tell(self, atom::create_v, id); },
    [self](atom::count) { return ask<uint64_t>(self, std::chrono::seconds(5), atom::count_v); },
    [self](atom::changed, const std::string& kind) { tell(self, atom::changed_v, kind); },
    [self](atom::updated, const std::string& uri) { tell(self, atom::updated_v, uri); },
    [self](atom::expire) { tell(self, atom::expire_v); },
    [self](atom::shutdown) -> caf::result<uint64_t> {
      if (!self->state.live)
        return uint64_t{0};
      return ask<uint64_t>(self, std::chrono::seconds(15), atom::shutdown_v);
    },
    [self](atom::crash) {
      if (!self->state.live)
        return;
      spdlog::warn("fault injection: killing the session supervisor");
      self->send_exit(self->state.live, caf::exit_reason::kill);
    },
    [self](atom::retry) {
      if (!self->state.live)
        start_supervisor(self);
    },
    [self](atom::stats) {
      auto& st = self->state;
      return "{\"restarts\":" + std::to_string(st.restarts)
             + ",\"restarting\":" + (st.row.restart_pending ? "true" : "false") + "}";
    },
  };
}

} // namespace tmcp::actors

#include "actors/session_supervisor.hpp"

#include <random>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "protocol/json.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/method_dispatch.hpp"

namespace tmcp::actors {

namespace {

using self_ptr = session_supervisor_actor::stateful_pointer<supervisor_state>;

session_actor spawn_session(self_ptr self, const std::string& id, session_settings s,
                            const inbound& in) {
  s.profile = in.profile;
  if (!in.principal.empty())
    self->state.owners.emplace(id, in.principal);
  auto hdl = self->spawn<caf::monitored>(session_actor_impl, id, self->state.catalogs, s);
  self->state.sessions.emplace(id, hdl);
  self->state.ids.emplace(hdl.address(), id);
  return hdl;
}

void answer_drained(self_ptr self) {
  if (!self->state.draining || !self->state.sessions.empty() || !self->state.requests.empty())
    return;
  for (auto& p : self->state.drained)
    p.deliver(self->state.drained_count);
  self->state.drained.clear();
}

// A notifications/cancelled on stdio naming a stateless request stops it (no answer follows).
bool cancel_stream_request(self_ptr self, const inbound& in, const void* stream) {
  if (in.http || !in.msg || in.msg->method != "notifications/cancelled" || !in.msg->params())
    return false;
  auto rid = json::find(*in.msg->params(), "requestId");
  if (!rid)
    return false;
  auto it = self->state.stream_requests.find({stream, json::stringify(*rid)});
  if (it == self->state.stream_requests.end())
    return false;
  auto req = self->state.requests.find(it->second);
  if (req != self->state.requests.end())
    self->send_exit(req->second.hdl, client_cancelled());
  self->state.stream_requests.erase(it);
  return true;
}

// A stateless request that runs a handler takes a place under the server's bound, or is
// refused as "server busy".
bool admit_stateless(supervisor_state& st, inbound& in, admission_slot& slot) {
  auto& gate = st.settings.admission;
  if (!gate || !in.msg || !in.msg->is_request())
    return true;
  const auto& m = in.msg->method;
  if (!dispatch::is_handler_method(m) && !is_task_method(m, true))
    return true;
  if (gate->try_enter(slot))
    return true;
  in.sink->refuse(busy_fault(std::to_string(gate->limit())
                               + " requests are already in flight on this server "
                                 "(MCP_MAX_IN_FLIGHT)",
                             st.settings.busy_retry_seconds, in.msg->id));
  return false;
}

void route(self_ptr self, inbound& in) {
  auto& st = self->state;
  // The transport's own sink (observe may wrap it per request) names the stdio stream.
  const void* stream = in.sink.get();
  if (st.settings.observe)
    st.settings.observe(in);
  if (cancel_stream_request(self, in, stream))
    return;
  if (in.modern) {
    if (st.draining) {
      in.sink->refuse(make_fault(fault_kind::unavailable, "Service Unavailable: shutting down"));
      return;
    }
    std::optional<std::pair<const void*, std::string>> stream_key;
    if (!in.http && in.msg && in.msg->is_request())
      stream_key.emplace(stream, in.msg->id);
    admission_slot slot;
    if (!admit_stateless(st, in, slot))
      return;
    auto hdl = self->spawn<caf::monitored>(request_actor_impl, std::move(in),
                                           st.catalogs->current(in.profile), st.settings.modern);
    st.requests.emplace(hdl.address(), supervisor_state::live_request{hdl, std::move(slot)});
    if (stream_key)
      st.stream_requests[*stream_key] = hdl.address();
    return;
  }
  if (in.session_id.empty()) {
    bool is_init = in.verb == inbound_verb::post && in.msg && in.msg->is_request()
                   && in.msg->method == "initialize";
    if (!is_init) {
      in.sink->refuse(
        make_fault(fault_kind::malformed, "Bad Request: Mcp-Session-Id header is required"));
      return;
    }
    if (st.draining) {
      in.sink->refuse(make_fault(fault_kind::unavailable, "Service Unavailable: shutting down"));
      return;
    }
    // A session a DELETE ended no longer counts, though its actor may still be finishing.
    auto open = st.sessions.size() - st.closing.size();
    if (open >= st.settings.max_sessions) {
      in.sink->refuse(busy_fault(std::to_string(open)
                                   + " sessions are open, the most this server keeps "
                                     "(MCP_MAX_SESSIONS)",
                                 st.settings.busy_retry_seconds, in.msg->id));
      return;
    }
    auto id = supervisor_state::new_session_id();
    auto hdl = spawn_session(self, id, st.settings.http, in);
    in.session_id = id;
    self->send(hdl, atom::inbound_v, std::move(in));
    return;
  }
  auto it = st.sessions.find(in.session_id);
  auto owner = st.owners.find(in.session_id);
  // A session id presented with another principal's credentials is answered as unknown: the
  // id alone must not let one client act in another's session (MCP security guidance).
  bool foreign = owner != st.owners.end() && owner->second != in.principal;
  if (it == st.sessions.end() || st.closing.count(in.session_id) > 0 || foreign) {
    in.sink->refuse(make_fault(fault_kind::session_not_found,
                               "Session not found: it expired or was terminated; "
                               "send a new initialize without Mcp-Session-Id"));
    return;
  }
  if (in.verb == inbound_verb::del)
    st.closing.insert(in.session_id);
  self->send(it->second, atom::inbound_v, std::move(in));
}

template <class... Ts>
void broadcast(self_ptr self, const Ts&... xs) {
  for (auto& [id, hdl] : self->state.sessions)
    self->send(hdl, xs...);
  for (auto& [addr, req] : self->state.requests)
    self->send(req.hdl, xs...);
}

} // namespace

supervisor_state::~supervisor_state() {
  if (exited)
    return;
  for (auto& [id, hdl] : sessions)
    caf::anon_send_exit(hdl, caf::exit_reason::kill);
  for (auto& [addr, req] : requests)
    caf::anon_send_exit(req.hdl, caf::exit_reason::kill);
}

std::string supervisor_state::new_session_id() {
  static thread_local std::random_device rd;
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (int i = 0; i < 4; ++i) {
    auto word = rd();
    for (int j = 0; j < 8; ++j) {
      id += hex[word & 0xF];
      word >>= 4;
    }
  }
  return id;
}

session_supervisor_actor::behavior_type
session_supervisor_impl(session_supervisor_actor::stateful_pointer<supervisor_state> self,
                        catalog_store_ptr catalogs, supervisor_settings settings) {
  self->state.catalogs = std::move(catalogs);
  self->state.settings = std::move(settings);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (self->state.requests.erase(dm.source) > 0) {
      auto& by_stream = self->state.stream_requests;
      for (auto it = by_stream.begin(); it != by_stream.end();)
        it = it->second == dm.source ? by_stream.erase(it) : std::next(it);
      return answer_drained(self);
    }
    auto it = self->state.ids.find(dm.source);
    if (it == self->state.ids.end())
      return;
    if (dm.reason && dm.reason != caf::exit_reason::normal)
      spdlog::warn("session {} crashed ({}); its client must initialize again", it->second,
                   to_string(dm.reason));
    self->state.sessions.erase(it->second);
    self->state.closing.erase(it->second);
    self->state.owners.erase(it->second);
    self->state.ids.erase(it);
    ++self->state.drained_count;
    answer_drained(self);
  });
  // Sessions are monitored, not linked: a crashing session must not take the others down, so
  // the supervisor's own exit is passed on explicitly.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->state.exited = true;
    for (auto& [id, hdl] : self->state.sessions)
      self->send_exit(hdl, msg.reason);
    for (auto& [addr, req] : self->state.requests)
      self->send_exit(req.hdl, msg.reason);
    self->quit(msg.reason);
  });
  self->delayed_send(self, self->state.settings.sweep_interval, atom::expire_v);
  return {
    [self](atom::inbound, inbound& in) { route(self, in); },
    [self](atom::create) -> std::string {
      auto id = supervisor_state::new_session_id();
      spawn_session(self, id, self->state.settings.stdio, inbound{});
      return id;
    },
    [self](atom::create, const std::string& id) {
      if (self->state.sessions.count(id) == 0)
        spawn_session(self, id, self->state.settings.stdio, inbound{});
    },
    [self](atom::count) { return static_cast<uint64_t>(self->state.sessions.size()); },
    [self](atom::changed, const std::string& kind) { broadcast(self, atom::changed_v, kind); },
    [self](atom::updated, const std::string& uri) { broadcast(self, atom::updated_v, uri); },
    [self](atom::expire) {
      for (auto& [id, hdl] : self->state.sessions)
        self->send(hdl, atom::expire_v);
      self->delayed_send(self, self->state.settings.sweep_interval, atom::expire_v);
    },
    [self](atom::shutdown) -> caf::result<uint64_t> {
      auto& st = self->state;
      st.draining = true;
      st.drained_count = 0;
      if (st.sessions.empty() && st.requests.empty())
        return uint64_t{0};
      broadcast(self, atom::shutdown_v);
      auto rp = self->make_response_promise<uint64_t>();
      st.drained.push_back(rp);
      return rp;
    },
  };
}

} // namespace tmcp::actors

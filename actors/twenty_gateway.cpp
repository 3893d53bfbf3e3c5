#include "actors/twenty_gateway.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "integration/url.hpp"
#include "protocol/json.hpp"

namespace tmcp::actors {

namespace {

using self_ptr = twenty_gateway_actor::stateful_pointer<gateway_state>;
using twenty::outcome;

// Identical reads may share one upstream call; writes never do.
std::string flight_key(const twenty::request& r) {
  bool read = r.idempotent && (r.method == twenty::verb::get || r.kind != twenty::api::rest);
  if (!read)
    return {};
  return std::to_string(static_cast<int>(r.method)) + ' ' + r.target + '\n' + r.body;
}

// A final answer: non-2xx statuses and GraphQL `errors` become classified errors.
outcome normalize(const twenty::request& req, const outcome& o) {
  if (!o)
    return o;
  if (o->status < 200 || o->status >= 300)
    return make_unexpected(twenty::classify(o->status, o->body));
  if (req.kind != twenty::api::rest)
    if (auto e = twenty::graphql_error(o->body))
      return make_unexpected(*e);
  return o;
}

void pump(self_ptr self);

// Delivers a final outcome to everyone waiting on the job.
void answer(gateway_state& st, const gateway_state::job_ptr& j, const outcome& o) {
  if (!j->flight_key.empty()) {
    auto it = st.flights.find(j->flight_key);
    if (it != st.flights.end() && it->second == j)
      st.flights.erase(it);
  }
  for (auto& w : j->waiters)
    w(o);
  j->waiters.clear();
}

twenty::error budget_error(const gateway_state& st, std::chrono::milliseconds waited) {
  return twenty::error{twenty::errc::rate_limit_exceeded, 429,
                       "Twenty's API budget (" + st.limiter->describe()
                         + ") is used up; this call waited "
                         + std::to_string(waited.count() / 1000)
                         + " s without a turn. Retry later, or fetch more per call (higher "
                           "limit, batch tools)",
                       ""};
}

void schedule_tick(self_ptr self, std::chrono::steady_clock::duration delay) {
  auto& st = self->state;
  if (st.tick_scheduled)
    return;
  st.tick_scheduled = true;
  auto ms = std::max<long long>(
    1, std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
  self->delayed_send(self, std::chrono::milliseconds(ms), atom::tick_v);
}

void finish(self_ptr self, const gateway_state::job_ptr& j, outcome o) {
  auto& st = self->state;
  --st.in_flight;
  if (!st.active.count(j))
    return; // answered already (shutdown)
  st.left_wire(j);
  auto now = self->clock().now();
  if (o)
    st.limiter->learn(twenty::read_rate_info(*o, j->req.kind), now,
                      std::chrono::system_clock::now());
  else
    ++st.stats.network_errors;
  auto d = should_retry(j->req, o);
  if (d.rate_limited)
    ++st.stats.rate_limited;
  if (d.retry && j->attempt < st.settings.max_retries) {
    ++j->attempt;
    ++st.stats.retries;
    auto delay = st.backoff(j->attempt, o);
    spdlog::debug("retrying {} in {} ms (attempt {})", j->req.target, delay.count(), j->attempt);
    auto hdl = caf::actor_cast<twenty_gateway_actor>(self);
    caf::delayed_anon_send(hdl, delay, atom::run_v, task{[self, j] {
                             if (!self->state.active.count(j))
                               return;
                             self->state.active.erase(j);
                             j->queued_at = self->clock().now();
                             self->state.enqueue(j);
                             pump(self);
                           }});
    pump(self);
    return;
  }
  st.active.erase(j);
  answer(st, j, normalize(j->req, o));
  pump(self);
}

void start(self_ptr self, gateway_state::job_ptr j) {
  auto& st = self->state;
  ++st.in_flight;
  st.active.insert(j);
  ++st.stats.upstream;
  switch (j->req.kind) {
    case twenty::api::rest: ++st.stats.rest; break;
    case twenty::api::graphql: ++st.stats.graphql; break;
    case twenty::api::metadata: ++st.stats.metadata; break;
  }
  auto hdl = caf::actor_cast<twenty_gateway_actor>(self);
  st.transport(j->req, [hdl, self, j](outcome o) {
    // Completions arrive on I/O threads; the state is only touched inside the actor.
    caf::anon_send(hdl, atom::run_v,
                   task{[self, j, o = std::move(o)]() mutable { finish(self, j, std::move(o)); }});
  });
}

void expire_queued(self_ptr self);

void pump(self_ptr self) {
  auto& st = self->state;
  while (st.in_flight < st.settings.max_in_flight && st.queued > 0) {
    auto now = self->clock().now();
    if (!st.limiter->try_acquire(now)) {
      expire_queued(self);
      if (st.queued > 0)
        schedule_tick(self, st.limiter->next_available(now) - now);
      return;
    }
    auto j = st.next_job();
    // A call whose only caller cancelled is dropped instead of being sent to Twenty.
    if (j->req.cancelled && *j->req.cancelled && j->waiters.size() == 1) {
      ++st.stats.cancelled;
      st.left_wire(j);
      answer(st, j, make_unexpected(twenty::error{twenty::errc::network_error, 0,
                                                  "cancelled by the client before it was sent",
                                                  ""}));
      continue;
    }
    start(self, j);
  }
}

// Answers queued calls that waited past their deadline instead of sending them late: their
// callers have given up, and sending them would spend Twenty's budget for nobody.
void expire_queued(self_ptr self) {
  auto& st = self->state;
  auto now = self->clock().now();
  std::vector<std::string> emptied;
  for (auto& [key, sq] : st.queues) {
    for (auto* q : {&sq.interactive, &sq.bulk})
      for (auto j = q->begin(); j != q->end();) {
        auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - (*j)->queued_at);
        if (waited <= (*j)->req.deadline) {
          ++j;
          continue;
        }
        ++st.stats.expired;
        --st.queued;
        auto job = *j;
        j = q->erase(j);
        answer(st, job, make_unexpected(budget_error(st, waited)));
      }
    if (sq.empty())
      emptied.push_back(key);
  }
  for (auto& key : emptied) {
    st.turn.erase(std::remove(st.turn.begin(), st.turn.end(), key), st.turn.end());
    st.forget_if_idle(key);
  }
}

void submit(self_ptr self, twenty::request req, gateway_state::waiter w) {
  auto& st = self->state;
  ++st.stats.requests;
  auto key = flight_key(req);
  if (!key.empty()) {
    if (auto it = st.flights.find(key); it != st.flights.end()) {
      ++st.stats.shared;
      it->second->waiters.push_back(std::move(w));
      return;
    }
  }
  if (st.queued >= st.settings.max_queued) {
    ++st.stats.refused;
    w(make_unexpected(budget_error(st, std::chrono::milliseconds{0})));
    return;
  }
  auto j = std::make_shared<gateway_state::job>();
  j->req = std::move(req);
  j->waiters.push_back(std::move(w));
  j->flight_key = key;
  j->queued_at = self->clock().now();
  if (!key.empty())
    st.flights.emplace(key, j);
  st.enqueue(j);
  pump(self);
}

// The one record inside `{"data":{"<singular>":{...}}}`.
std::optional<std::string> single_record(const std::string& body) {
  auto doc = json::parse(body);
  if (!doc)
    return std::nullopt;
  auto data = json::find(*doc, "data");
  if (!data || !data->IsObject() || data->MemberCount() != 1)
    return std::nullopt;
  return json::stringify(data->MemberBegin()->value);
}

void flush(self_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  auto groups = std::move(st.collapse);
  st.collapse.clear();
  for (auto& [group, pending] : groups) {
    auto sep = group.find('\n');
    auto plural = group.substr(0, sep);
    auto depth = group.substr(sep + 1);
    // Unique ids, in arrival order; waiters for the same id share the answer.
    std::vector<std::string> ids;
    for (auto& p : pending)
      if (std::find(ids.begin(), ids.end(), p.id) == ids.end())
        ids.push_back(p.id);
    auto deliver = [pending](const std::string& id, const outcome& o) {
      for (auto& p : pending)
        if (p.id == id)
          p.done(o);
    };
    for (std::size_t at = 0; at < ids.size(); at += st.settings.collapse_limit) {
      std::vector<std::string> chunk(ids.begin() + at,
                                     ids.begin() + std::min(ids.size(), at + st.settings.collapse_limit));
      twenty::request req;
      // Queued as the first caller's; the others ride along.
      req.fairness_key = pending.front().fairness_key;
      if (chunk.size() == 1) {
        req.target = twenty::with_query("/rest/" + plural + "/" + chunk[0], {{"depth", depth}});
        submit(self, std::move(req), [deliver, id = chunk[0]](const outcome& o) {
          if (!o)
            return deliver(id, o);
          auto rec = single_record(o->body);
          if (!rec)
            return deliver(id, make_unexpected(twenty::error{twenty::errc::twenty_api_error,
                                                             o->status,
                                                             "Twenty answered with an unexpected "
                                                             "shape for a record",
                                                             o->body.substr(0, 200)}));
          deliver(id, twenty::response{200, *rec});
        });
        continue;
      }
      ++st.stats.collapsed_calls;
      std::string list;
      for (auto& id : chunk)
        list += (list.empty() ? "" : ",") + id;
      req.target = twenty::with_query("/rest/" + plural,
                                      {{"filter", "id[in]:[" + list + "]"},
                                       {"limit", std::to_string(chunk.size())},
                                       {"depth", depth}});
      submit(self, std::move(req), [deliver, chunk, plural](const outcome& o) {
        std::map<std::string, std::string> found;
        if (o)
          if (auto doc = json::parse(o->body))
            if (auto data = json::find(*doc, "data"); data && data->IsObject()
                                                      && data->MemberCount() >= 1
                                                      && data->MemberBegin()->value.IsArray())
              for (const auto& rec : data->MemberBegin()->value.GetArray())
                if (auto id = json::get_string(rec, "id"))
                  found[*id] = json::stringify(rec);
        for (auto& id : chunk) {
          if (!o)
            deliver(id, o);
          else if (auto it = found.find(id); it != found.end())
            deliver(id, twenty::response{200, it->second});
          else
            deliver(id, make_unexpected(twenty::error{
                          twenty::errc::record_not_found, 404,
                          "No " + plural + " record has id " + id
                            + " (it may have been deleted); list the records to find valid ids",
                          ""}));
        }
      });
    }
  }
}

} // namespace

twenty_gateway_actor::behavior_type
twenty_gateway_impl(twenty_gateway_actor::stateful_pointer<gateway_state> self,
                    twenty_transport transport, gateway_settings settings) {
  auto& st = self->state;
  st.transport = std::move(transport);
  st.limiter = settings.budget ? settings.budget
                               : std::make_shared<twenty::rate_limiter>(settings.limits);
  st.jitter.seed(settings.jitter_seed);
  st.settings = std::move(settings);
  // On shutdown every caller gets an answer now instead of waiting for its own timeout.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    twenty::error down{twenty::errc::network_error, 0,
                       "The server is shutting down; the call was not sent to Twenty", ""};
    std::vector<gateway_state::job_ptr> all(st.active.begin(), st.active.end());
    for (auto& [key, q] : st.queues) {
      all.insert(all.end(), q.interactive.begin(), q.interactive.end());
      all.insert(all.end(), q.bulk.begin(), q.bulk.end());
    }
    st.active.clear();
    st.queues.clear();
    st.turn.clear();
    st.queued = 0;
    for (auto& j : all)
      answer(st, j, make_unexpected(down));
    for (auto& [group, pending] : st.collapse)
      for (auto& p : pending)
        p.done(make_unexpected(down));
    st.collapse.clear();
    self->quit(msg.reason);
  });
  return {
    [self](atom::fetch, twenty::request& req) -> caf::result<outcome> {
      auto rp = self->make_response_promise<outcome>();
      submit(self, std::move(req), [rp](const outcome& o) mutable { rp.deliver(o); });
      return rp;
    },
    [self](atom::record, std::string& plural, std::string& id, int32_t depth,
           std::string& fairness_key) -> caf::result<outcome> {
      auto& st = self->state;
      ++st.stats.record_gets;
      if (!twenty::is_uuid(id))
        return outcome{make_unexpected(twenty::error{
          twenty::errc::invalid_input, 400, "'" + id + "' is not a valid record id (a UUID)", ""})};
      auto rp = self->make_response_promise<outcome>();
      st.collapse[plural + "\n" + std::to_string(depth)].push_back(
        {id, fairness_key, [rp](const outcome& o) mutable { rp.deliver(o); }});
      if (!st.flush_scheduled) {
        st.flush_scheduled = true;
        self->delayed_send(self, st.settings.collapse_window, atom::flush_v);
      }
      return rp;
    },
    [self](atom::flush) { flush(self); },
    [self](atom::tick) {
      self->state.tick_scheduled = false;
      pump(self);
    },
    [](atom::run, task& t) { t.fn(); },
    [self](atom::stats) { return self->state.stats_json(); },
  };
}

} // namespace tmcp::actors

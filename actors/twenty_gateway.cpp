#include "actors/twenty_gateway.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "integration/record_batch.hpp"
#include "integration/url.hpp"

namespace tmcp::actors {

namespace {

using self_ptr = twenty_gateway_actor::stateful_pointer<gateway_state>;
using job_ptr = gateway_state::job_ptr;
using twenty::outcome;

// Identical reads may share one upstream call; writes never do.
std::string flight_key(const twenty::request& r) {
  bool read = r.idempotent && (r.method == twenty::verb::get || r.kind != twenty::api::rest);
  if (!read)
    return {};
  return std::to_string(static_cast<int>(r.method)) + ' ' + r.target + '\n' + r.body;
}

std::string group_key(const std::string& plural, int32_t depth) {
  return plural + '\n' + std::to_string(depth);
}

std::string record_key(const std::string& plural, int32_t depth, const std::string& id) {
  return group_key(plural, depth) + '\n' + id;
}

// A GraphQL answer whose `data` holds something besides nulls.
bool has_data(const std::string& body) {
  auto doc = json::parse(body);
  auto data = doc && doc->IsObject() ? json::find(*doc, "data") : nullptr;
  if (!data || !data->IsObject())
    return false;
  for (auto& m : data->GetObject())
    if (!m.value.IsNull())
      return true;
  return false;
}

// A final answer: non-2xx statuses and GraphQL `errors` become classified errors.
outcome normalize(const twenty::request& req, const outcome& o) {
  if (!o)
    return o;
  if (o->status < 200 || o->status >= 300)
    return make_unexpected(twenty::classify(o->status, o->body));
  if (req.kind != twenty::api::rest)
    if (auto e = twenty::graphql_error(o->body); e && !(req.partial_data && has_data(o->body)))
      return make_unexpected(*e);
  return o;
}

void pump(self_ptr self);

template <class Map>
void erase_if_owner(Map& m, const std::string& key, const job_ptr& j) {
  auto it = m.find(key);
  if (it != m.end() && it->second == j)
    m.erase(it);
}

// Delivers a final outcome to everyone waiting on the job; a record group is split per id.
void answer(gateway_state& st, const job_ptr& j, const outcome& o) {
  if (!j->flight_key.empty())
    erase_if_owner(st.flights, j->flight_key, j);
  if (auto g = j->records) {
    erase_if_owner(st.record_joinable, group_key(g->plural, g->depth), j);
    for (const auto& id : g->ids)
      erase_if_owner(st.record_flights, record_key(g->plural, g->depth, id), j);
    auto per_id = o ? twenty::split_record_batch(g->plural, g->ids, *o)
                    : std::vector<outcome>(g->ids.size(), o);
    for (std::size_t i = 0; i < g->ids.size(); ++i)
      for (auto& w : g->waiters[i])
        w(per_id[i]);
    j->records.reset();
    return;
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

// The queue is full: nothing was sent; the caller should come back shortly.
twenty::error busy_error(const gateway_state& st) {
  auto retry = st.settings.busy_retry.count();
  return twenty::error{twenty::errc::server_busy, 0,
                       "Server busy: " + std::to_string(st.queued)
                         + " calls already wait for Twenty (MCP_GATEWAY_MAX_QUEUED); nothing "
                           "was sent. Retry after "
                         + std::to_string(retry) + " s",
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

// An upstream call ended: learn from it, then answer or schedule a retry.
void finish(self_ptr self, uint64_t id, outcome o) {
  auto& st = self->state;
  auto it = st.active.find(id);
  if (it == st.active.end())
    return; // answered already (shutdown)
  auto j = it->second;
  --st.in_flight;
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
    self->delayed_send(self, delay, atom::retry_v, id);
    pump(self);
    return;
  }
  st.active.erase(it);
  answer(st, j, normalize(j->req, o));
  pump(self);
}

void retry(self_ptr self, uint64_t id) {
  auto& st = self->state;
  auto it = st.active.find(id);
  if (it == st.active.end())
    return;
  auto j = it->second;
  st.active.erase(it);
  j->queued_at = self->clock().now();
  st.enqueue(j);
  pump(self);
}

void start(self_ptr self, const job_ptr& j) {
  auto& st = self->state;
  if (auto g = j->records) {
    // Built only now: ids that joined while the job waited ride along.
    erase_if_owner(st.record_joinable, group_key(g->plural, g->depth), j);
    auto built = twenty::record_batch_request(g->plural, g->ids, g->depth);
    j->req.target = std::move(built.target);
    if (!j->sent && g->ids.size() > 1) {
      ++st.stats.collapsed_calls;
      st.stats.collapsed_ids += g->ids.size();
    }
  }
  j->sent = true;
  ++st.in_flight;
  st.active.emplace(j->id, j);
  ++st.stats.upstream;
  switch (j->req.kind) {
    case twenty::api::rest: ++st.stats.rest; break;
    case twenty::api::graphql: ++st.stats.graphql; break;
    case twenty::api::metadata: ++st.stats.metadata; break;
  }
  auto hdl = caf::actor_cast<twenty_gateway_actor>(self);
  st.transport(j->req, [hdl, id = j->id](outcome o) {
    // Runs on an I/O thread; the state is only touched inside the actor.
    caf::anon_send(hdl, atom::done_v, id, std::move(o));
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

job_ptr make_job(gateway_state& st, twenty::request req) {
  auto j = std::make_shared<gateway_state::job>();
  j->id = st.next_job_id++;
  j->req = std::move(req);
  return j;
}

// Queues a job (or refuses it when the queue is full) and sends what the budget allows.
void submit_job(self_ptr self, const job_ptr& j) {
  auto& st = self->state;
  if (st.queued >= st.settings.max_queued) {
    ++st.stats.refused;
    answer(st, j, make_unexpected(busy_error(st)));
    return;
  }
  j->queued_at = self->clock().now();
  st.enqueue(j);
  pump(self);
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
  auto j = make_job(st, std::move(req));
  j->waiters.push_back(std::move(w));
  j->flight_key = key;
  if (!key.empty())
    st.flights.emplace(key, j);
  submit_job(self, j);
}

// A get by id goes out at once when the budget allows; while it waits for its turn, gets of
// the same object join it, so a burst costs one list call instead of one call per id.
void get_record(self_ptr self, const std::string& plural, const std::string& id, int32_t depth,
                const std::string& fairness_key, gateway_state::waiter w) {
  auto& st = self->state;
  ++st.stats.record_gets;
  if (!twenty::is_uuid(id))
    return w(make_unexpected(twenty::error{
      twenty::errc::invalid_input, 400, "'" + id + "' is not a valid record id (a UUID)", ""}));
  auto rkey = record_key(plural, depth, id);
  if (auto it = st.record_flights.find(rkey); it != st.record_flights.end()) {
    auto& g = *it->second->records;
    auto at = std::find(g.ids.begin(), g.ids.end(), id) - g.ids.begin();
    g.waiters[at].push_back(std::move(w));
    ++st.stats.shared;
    return;
  }
  auto gkey = group_key(plural, depth);
  if (auto it = st.record_joinable.find(gkey);
      it != st.record_joinable.end() && it->second->records->ids.size() < st.settings.collapse_limit) {
    auto& g = *it->second->records;
    g.ids.push_back(id);
    g.waiters.push_back({std::move(w)});
    st.record_flights.emplace(rkey, it->second);
    return;
  }
  twenty::request req;
  req.fairness_key = fairness_key;
  auto j = make_job(st, std::move(req));
  j->records = std::make_shared<gateway_state::record_group>();
  j->records->plural = plural;
  j->records->depth = depth;
  j->records->ids.push_back(id);
  j->records->waiters.push_back({std::move(w)});
  st.record_joinable[gkey] = j;
  st.record_flights.emplace(rkey, j);
  submit_job(self, j);
}

// On shutdown every caller gets an answer now instead of waiting for its own timeout.
void answer_everyone(gateway_state& st) {
  twenty::error down{twenty::errc::network_error, 0,
                     "The server is shutting down; the call was not sent to Twenty", ""};
  std::vector<job_ptr> all;
  for (auto& [id, j] : st.active)
    all.push_back(j);
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
  self->set_exit_handler([self](caf::exit_msg& msg) {
    answer_everyone(self->state);
    self->quit(msg.reason);
  });
  return {
    [self](atom::fetch, twenty::request& req) -> caf::result<outcome> {
      auto rp = self->make_response_promise<outcome>();
      submit(self, std::move(req), [rp](const outcome& o) mutable { rp.deliver(o); });
      return rp;
    },
    [self](atom::fetch, twenty::request& req, twenty_reply& reply) {
      submit(self, std::move(req), [fn = std::move(reply.fn)](const outcome& o) { fn(o); });
    },
    [self](atom::record, std::string& plural, std::string& id, int32_t depth,
           std::string& fairness_key) -> caf::result<outcome> {
      auto rp = self->make_response_promise<outcome>();
      get_record(self, plural, id, depth, fairness_key,
                 [rp](const outcome& o) mutable { rp.deliver(o); });
      return rp;
    },
    [self](atom::record, std::string& plural, std::string& id, int32_t depth,
           std::string& fairness_key, twenty_reply& reply) {
      get_record(self, plural, id, depth, fairness_key,
                 [fn = std::move(reply.fn)](const outcome& o) { fn(o); });
    },
    [self](atom::done, uint64_t id, outcome& o) { finish(self, id, std::move(o)); },
    [self](atom::retry, uint64_t id) { retry(self, id); },
    [self](atom::tick) {
      self->state.tick_scheduled = false;
      pump(self);
    },
    [self](atom::stats) { return self->state.stats_json(); },
  };
}

} // namespace tmcp::actors

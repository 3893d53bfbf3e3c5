// The gateway's state methods: fair queue, backoff, retry policy and counters (no messaging).
#include "actors/twenty_gateway.hpp"

#include <algorithm>

#include "protocol/json.hpp"

namespace tmcp::actors {

using twenty::outcome;

retry_decision should_retry(const twenty::request& req, const outcome& o) {
  if (!o)
    return {req.idempotent, false};
  auto s = o->status;
  // A 429 or 503 means Twenty did not run the request: retrying cannot duplicate a write.
  if (s == 429)
    return {true, true};
  if (s == 503)
    return {true, false};
  if (s >= 500)
    return {req.idempotent, false};
  if (s == 200 && req.kind != twenty::api::rest)
    if (auto e = twenty::graphql_error(o->body); e && e->code == twenty::errc::rate_limit_exceeded)
      return {true, true};
  return {};
}

void gateway_state::enqueue(job_ptr j) {
  const auto& key = j->req.fairness_key;
  auto& q = queues[key];
  // A key that just became active goes first (as fq_codel's new flows): a session with one
  // request does not wait behind another session's backlog.
  if (q.empty())
    turn.push_front(key);
  (j->req.prio == twenty::priority::bulk ? q.bulk : q.interactive).push_back(std::move(j));
  ++queued;
  stats.max_queued = std::max<uint64_t>(stats.max_queued, queued);
}

gateway_state::job_ptr gateway_state::next_job() {
  // Each session's share of the connections; one over it waits while another has work.
  auto share = std::max<std::size_t>(1, settings.max_in_flight / std::max<std::size_t>(1, queues.size()));
  auto pick = turn.begin();
  for (auto it = turn.begin(); it != turn.end(); ++it)
    if (queues[*it].in_flight < share) {
      pick = it;
      break;
    }
  auto key = *pick;
  turn.erase(pick);
  auto& q = queues[key];
  auto& from = q.interactive.empty() ? q.bulk : q.interactive;
  auto j = from.front();
  from.pop_front();
  --queued;
  ++q.in_flight;
  if (!q.empty())
    turn.push_back(key); // round-robin: this key waits for every other key's turn
  return j;
}

void gateway_state::left_wire(const job_ptr& j) {
  auto it = queues.find(j->req.fairness_key);
  if (it == queues.end() || it->second.in_flight == 0)
    return;
  --it->second.in_flight;
  forget_if_idle(j->req.fairness_key);
}

void gateway_state::forget_if_idle(const std::string& key) {
  auto it = queues.find(key);
  if (it != queues.end() && it->second.empty() && it->second.in_flight == 0)
    queues.erase(it);
}

std::chrono::milliseconds gateway_state::backoff(int attempt, const outcome& o) {
  auto exp = settings.base_backoff.count() << std::min(attempt - 1, 16);
  exp = std::min<long long>(exp, settings.max_backoff.count());
  std::uniform_int_distribution<long long> dist(exp / 2, std::max<long long>(exp / 2, exp));
  auto delay = dist(jitter);
  if (o && o->retry_after_seconds)
    delay = std::max<long long>(delay, *o->retry_after_seconds * 1000LL);
  return std::chrono::milliseconds(delay);
}

std::string gateway_state::rate_tokens_json() const {
  if (!limiter)
    return "\"short_tokens\":0,\"long_tokens\":0";
  auto now = std::chrono::steady_clock::now();
  return "\"short_tokens\":" + std::to_string(limiter->short_tokens(now))
         + ",\"long_tokens\":" + std::to_string(limiter->long_tokens(now));
}

std::string gateway_state::stats_json() const {
  auto n = [](const char* k, uint64_t v) { return "\"" + std::string(k) + "\":" + std::to_string(v); };
  return "{" + n("requests", stats.requests) + "," + n("upstream", stats.upstream) + ","
         + n("rest", stats.rest) + "," + n("graphql", stats.graphql) + ","
         + n("metadata", stats.metadata) + "," + n("shared", stats.shared) + ","
         + n("retries", stats.retries) + "," + n("rate_limited", stats.rate_limited) + ","
         + n("network_errors", stats.network_errors) + "," + n("record_gets", stats.record_gets)
         + "," + n("collapsed_calls", stats.collapsed_calls) + ","
         + n("collapsed_ids", stats.collapsed_ids) + ","
         + n("max_queued", stats.max_queued) + "," + n("queued", queued) + ","
         + n("expired", stats.expired) + "," + n("refused", stats.refused) + ","
         + n("cancelled", stats.cancelled) + ",\"limits\":" + json::quote(limiter->describe())
         + "," + n("in_flight", in_flight) + "," + rate_tokens_json() + "}";
}

} // namespace tmcp::actors

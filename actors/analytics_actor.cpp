#include "actors/analytics_actor.hpp"

#include <cmath>
#include <cstdio>
#include <random>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace tmcp::actors {

namespace {

using namespace std::chrono_literals;

using self_ptr = analytics_actor::stateful_pointer<analytics_state>;

void end_job(self_ptr self, const std::string& id, analytics_end& end) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end() || it->second.state != "running")
    return;
  auto& job = it->second;
  --st.running;
  job.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - job.started).count();
  if (job.cancelled->load())
    job.state = "cancelled";
  else if (end.ok)
    job.state = "done", job.result = end.result;
  else
    job.state = "failed", job.error = end.error;
  spdlog::info("analytics job {} ({} of {}) {} after {} records in {:.2f}s", id, job.analysis,
               job.object, job.state, job.read, job.seconds);
  if (job.watcher.done) {
    if (job.state == "done")
      job.watcher.done(st.status_json(job));
    else
      job.watcher.done(make_unexpected(job.state == "cancelled"
                                         ? twenty::error{twenty::errc::twenty_api_error, 0,
                                                         "the analytics job was cancelled", ""}
                                         : end.error));
  }
  job.watcher = {};
  st.retire(id);
}

// Why a start was refused, as the tool shows it.
std::string busy_text(const analytics_state& st) {
  return "Server busy: " + std::to_string(st.running)
         + " analytics jobs are already running (MCP_MAX_ANALYTICS_JOBS); retry after "
         + std::to_string(st.limits.busy_retry.count()) + " s, or read a running job's result";
}

} // namespace

analytics_state::~analytics_state() {
  for (auto& [id, job] : jobs) {
    if (job.state != "running")
      continue;
    job.cancelled->store(true); // its run makes no further upstream call
    if (job.watcher.done)
      job.watcher.done(make_unexpected(twenty::error{
        twenty::errc::twenty_api_error, 0,
        "the analytics job " + id + " was lost: the analytics actor stopped (it crashed and is "
          "restarted, or the server is shutting down); start the analysis again",
        ""}));
  }
}

std::string analytics_state::new_id() const {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[24];
  std::snprintf(buf, sizeof buf, "job-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::string analytics_state::status_json(const analytics_job_entry& job) const {
  json::document out;
  out.SetObject();
  auto& a = out.GetAllocator();
  out.AddMember("jobId", json::str(job.id, a), a);
  out.AddMember("analysis", json::str(job.analysis, a), a);
  out.AddMember("object", json::str(job.object, a), a);
  out.AddMember("state", json::str(job.state, a), a);
  out.AddMember("recordsRead", json::value(static_cast<uint64_t>(job.read)), a);
  if (job.total > 0)
    out.AddMember("total", json::value(static_cast<uint64_t>(job.total)), a);
  if (job.state != "running")
    out.AddMember("seconds", json::value(std::round(job.seconds * 1000) / 1000), a);
  if (job.state == "done") {
    auto result = json::parse(job.result);
    if (result)
      out.AddMember("result", json::value(*result, a), a);
  } else if (job.state == "failed") {
    out.AddMember("error", json::str(std::string(twenty::to_string(job.error.code)) + ": "
                                       + job.error.message, a),
                  a);
  }
  return json::stringify(out);
}

void analytics_state::retire(const std::string& id) {
  finished.push_back(id);
  while (finished.size() > max_finished) {
    jobs.erase(finished.front());
    finished.pop_front();
  }
}

analytics_actor::behavior_type
analytics_actor_impl(analytics_actor::stateful_pointer<analytics_state> self, twenty::api_ptr api,
                     analytics_limits limits) {
  // A job still running when the actor ends is stopped by ~analytics_state (an exit functor
  // would run after CAF destroyed the state, reading a freed map).
  self->state.api = std::move(api);
  self->state.limits = limits;
  return {
    [self](atom::start, analytics_start& req) -> caf::result<std::string> {
      auto& st = self->state;
      if (st.running >= st.limits.max_running)
        return caf::make_error(caf::sec::runtime_error, busy_text(st));
      ++st.running;
      auto id = st.new_id();
      auto& job = st.jobs[id];
      job.id = id;
      job.analysis = req.spec.analysis;
      job.object = req.spec.plural;
      job.watcher = std::move(req.watcher);
      analytics_actor me = self;
      twenty::analytics_callbacks cb;
      cb.progress = [me, id](uint64_t read, uint64_t total) {
        caf::anon_send(me, atom::progress_v, id, read, total);
      };
      cb.done = [me, id](expected<std::string, twenty::error> r) {
        analytics_end end;
        end.ok = r.has_value();
        if (end.ok)
          end.result = std::move(*r);
        else
          end.error = r.error();
        caf::anon_send(me, atom::done_v, id, std::move(end));
      };
      twenty::run_analytics(st.api, std::move(req.spec), std::move(req.fairness_key),
                            job.cancelled, std::move(cb));
      return id;
    },
    [self](atom::progress, const std::string& id, uint64_t read, uint64_t total) {
      auto it = self->state.jobs.find(id);
      if (it == self->state.jobs.end() || it->second.state != "running")
        return;
      it->second.read = read;
      it->second.total = total;
      if (it->second.watcher.progress)
        it->second.watcher.progress(read, total);
    },
    [self](atom::done, const std::string& id, analytics_end& end) { end_job(self, id, end); },
    [self](atom::status, const std::string& id) -> std::string {
      auto it = self->state.jobs.find(id);
      return it == self->state.jobs.end() ? std::string() : self->state.status_json(it->second);
    },
    [self](atom::cancel, const std::string& id) {
      auto it = self->state.jobs.find(id);
      if (it != self->state.jobs.end() && it->second.state == "running")
        it->second.cancelled->store(true);
    },
  };
}

analytics_client::analytics_client(caf::actor_system& sys, std::function<analytics_actor()> current)
  : sys_(sys), current_(std::move(current)) {}

void analytics_client::start(twenty::analytics_spec spec, std::string fairness_key,
                             twenty::analytics_callbacks cb,
                             std::function<void(expected<std::string, twenty::error>)> started) {
  auto target = current_();
  analytics_start req{std::move(spec), std::move(fairness_key), std::move(cb)};
  sys_.spawn([target, req = std::move(req), started](caf::event_based_actor* a) mutable {
    a->request(target, 10s, atom::start_v, std::move(req))
      .then([started](std::string& id) { started(id); },
            [started](caf::error& e) {
              // A refusal carries its reason; anything else is the actor's absence.
              if (e == caf::sec::runtime_error && e.context().match_elements<std::string>())
                return started(make_unexpected(twenty::error{
                  twenty::errc::server_busy, 0, e.context().get_as<std::string>(0), ""}));
              started(make_unexpected(twenty::error{
                twenty::errc::twenty_api_error, 0,
                "the analytics actor did not answer (" + to_string(e) + "); retry in a moment",
                ""}));
            });
  });
}

void analytics_client::status(std::string id,
                              std::function<void(std::optional<std::string>)> done) {
  auto target = current_();
  sys_.spawn([target, id = std::move(id), done](caf::event_based_actor* a) {
    a->request(target, 10s, atom::status_v, id)
      .then(
        [done](std::string& json) {
          done(json.empty() ? std::nullopt : std::optional<std::string>(std::move(json)));
        },
        [done](caf::error&) { done(std::nullopt); });
  });
}

void analytics_client::cancel(std::string id) {
  caf::anon_send(current_(), atom::cancel_v, std::move(id));
}

} // namespace tmcp::actors

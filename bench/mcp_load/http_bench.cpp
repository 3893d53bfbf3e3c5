// mcp-bench http: N sessions, closed loop over the method mix for a fixed time, then DELETE.
#include "bench_runner.hpp"
#include "benches.hpp"
#include "io_pool.hpp"
#include "mcp_client.hpp"
#include "proc_util.hpp"

#include <cstdio>

namespace mcp_bench {
namespace {

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

int run_http_bench(const bench_options& o) {
  std::printf("== http (%s era): url=%s sessions=%d duration=%.1fs mix=%s threads=%d connect-concurrency=%d\n",
              o.era.c_str(), o.url.c_str(), o.sessions, o.duration_s, join(o.mix).c_str(), o.threads,
              o.connect_concurrency);
  long rss_before = o.pid ? read_vm_rss_kib(o.pid) : -1;
  io_pool pool(o.threads);
  tcp::resolver resolver(pool.context());
  auto addrs = resolver.resolve(o.ep.host, o.ep.port);

  std::vector<std::shared_ptr<mcp_client>> clients;
  for (int i = 0; i < o.sessions; ++i)
    clients.push_back(std::make_shared<mcp_client>(pool.context(), o.ep, addrs, o.request_timeout_s, i,
                                                   o.era == "modern"));

  auto t0 = clock_type::now();
  auto setup_errors = run_bounded(clients.size(), o.connect_concurrency,
                                  [&](std::size_t i, step_done done) { clients[i]->open(done); });
  double setup_s = seconds_since(t0);
  auto setup_failed = report_errors("setup", setup_errors);
  std::vector<std::shared_ptr<mcp_client>> ready;
  for (std::size_t i = 0; i < clients.size(); ++i)
    if (setup_errors[i].empty())
      ready.push_back(clients[i]);
  std::printf("setup: %zu sessions ready, %zu failed, %.3f s\n", ready.size(), setup_failed, setup_s);

  run_plan plan;
  plan.mix = o.mix;
  plan.max_requests = o.max_requests;
  double cpu_before = o.pid ? read_cpu_ms(o.pid) : -1;
  auto t1 = clock_type::now();
  plan.deadline = t1 + std::chrono::microseconds(static_cast<long>(o.duration_s * 1e6));
  auto loop_errors = run_bounded(ready.size(), ready.size(), [&](std::size_t i, step_done done) {
    ready[i]->run_loop(plan, done);
  });
  double elapsed = seconds_since(t1);
  auto gave_up = report_errors("session", loop_errors);

  stats_by_method total;
  std::uint64_t reconnects = 0;
  for (const auto& c : ready) {
    merge_into(total, c->stats());
    reconnects += c->reconnects();
  }
  std::printf("load: %.3f s, %llu reconnects after errors, %zu sessions gave up\n", elapsed,
              static_cast<unsigned long long>(reconnects), gave_up);
  auto all = print_summary(total, elapsed);
  long rss_loaded = o.pid ? read_vm_rss_kib(o.pid) : -1;
  // The server's CPU over the loaded phase (idle waiting included), per answered request.
  double cpu_ms_per_request = -1;
  if (o.pid && all.requests > 0)
    cpu_ms_per_request = (read_cpu_ms(o.pid) - cpu_before) / static_cast<double>(all.requests);

  auto delete_errors = run_bounded(ready.size(), o.connect_concurrency, [&](std::size_t i, step_done done) {
    ready[i]->delete_session(done);
  });
  auto delete_failed = report_errors("DELETE", delete_errors);
  if (o.pid)
    std::printf("server VmRSS: before %s, after load %s; server CPU %.4f ms per request\n",
                format_kib(rss_before).c_str(), format_kib(rss_loaded).c_str(), cpu_ms_per_request);
  std::printf("RESULT http era=%s sessions=%d ready=%zu requests=%llu errors=%llu ok_rps=%.0f p50_ms=%.3f "
              "p99_ms=%.3f max_ms=%.3f setup_s=%.3f delete_failures=%zu rss_loaded_kib=%ld "
              "cpu_ms_per_request=%.4f\n",
              o.era.c_str(), o.sessions, ready.size(), static_cast<unsigned long long>(all.requests),
              static_cast<unsigned long long>(all.errors), all.ok_per_s, all.p50_ms, all.p99_ms,
              all.max_ms, setup_s, delete_failed, rss_loaded, cpu_ms_per_request);
  pool.stop();
  clients.clear();
  ready.clear();
  bool clean = setup_failed == 0 && all.errors == 0 && delete_failed == 0;
  return clean ? 0 : 1;
}

}  // namespace mcp_bench

// mcp-bench idle: opens N sessions, optionally drops their connections, reports the server's VmRSS.
#include "bench_runner.hpp"
#include "benches.hpp"
#include "io_pool.hpp"
#include "mcp_client.hpp"
#include "proc_util.hpp"

#include <cstdio>
#include <thread>

namespace mcp_bench {
namespace {

constexpr auto settle_time = std::chrono::seconds(1);  // let the server finish freeing/handing back

}  // namespace

int run_idle_bench(const bench_options& o) {
  if (o.pid <= 0) {
    std::fprintf(stderr, "idle needs --pid of the server\n");
    return 2;
  }
  std::printf("== idle: url=%s sessions=%d connections=%s\n", o.url.c_str(), o.sessions,
              o.keep_connections ? "kept open" : "closed after initialize");
  long rss_before = read_vm_rss_kib(o.pid);
  io_pool pool(o.threads);
  tcp::resolver resolver(pool.context());
  auto addrs = resolver.resolve(o.ep.host, o.ep.port);
  std::vector<std::shared_ptr<mcp_client>> clients;
  for (int i = 0; i < o.sessions; ++i)
    clients.push_back(std::make_shared<mcp_client>(pool.context(), o.ep, addrs, o.request_timeout_s, i));

  auto t0 = clock_type::now();
  auto errors = run_bounded(clients.size(), o.connect_concurrency, [&](std::size_t i, step_done done) {
    auto c = clients[i];
    c->open([c, done, keep = o.keep_connections](const std::string& err) {
      if (!err.empty() || keep)
        return done(err);
      c->close_connection(done);
    });
  });
  double setup_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  auto failed = report_errors("setup", errors);
  std::this_thread::sleep_for(settle_time);
  long rss_after = read_vm_rss_kib(o.pid);
  auto opened = clients.size() - failed;
  double per_session = opened ? static_cast<double>(rss_after - rss_before) / opened : 0.0;
  std::printf("sessions opened: %zu (failed %zu) in %.3f s\n", opened, failed, setup_s);
  std::printf("server VmRSS: before %s, after %s, delta %.2f KiB per session\n",
              format_kib(rss_before).c_str(), format_kib(rss_after).c_str(), per_session);

  long rss_deleted = -1;
  std::size_t delete_failed = 0;
  if (o.delete_sessions) {
    auto del = run_bounded(clients.size(), o.connect_concurrency, [&](std::size_t i, step_done done) {
      auto c = clients[i];
      c->delete_session([c, done, keep = o.keep_connections](const std::string& err) {
        if (keep)
          return done(err);
        c->close_connection([done, err](const std::string&) { done(err); });  // leave no connection behind
      });
    });
    delete_failed = report_errors("DELETE", del);
    std::this_thread::sleep_for(settle_time);
    rss_deleted = read_vm_rss_kib(o.pid);
    std::printf("server VmRSS after DELETE of all sessions: %s\n", format_kib(rss_deleted).c_str());
  }
  std::printf("RESULT idle sessions=%d opened=%zu setup_s=%.3f rss_before_kib=%ld rss_after_kib=%ld "
              "per_session_kib=%.2f rss_after_delete_kib=%ld delete_failures=%zu\n",
              o.sessions, opened, setup_s, rss_before, rss_after, per_session, rss_deleted,
              delete_failed);
  pool.stop();
  clients.clear();
  return failed == 0 && delete_failed == 0 ? 0 : 1;
}

}  // namespace mcp_bench

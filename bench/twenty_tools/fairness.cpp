// Fairness between MCP sessions (issue 7, item 2): 16 sessions read records one after another
// (closed loop, twenty_get_record) alone, then again while one more session imports 1,000
// records through 64 concurrent twenty_create_record calls. Prints the readers' p50/p99 in both
// phases and their ratio; the server should keep the readers' p99 within 2x.
#include "closed_loop.hpp"
#include "io_pool.hpp"
#include "mcp_wire.hpp"
#include "modes.hpp"
#include "report.hpp"
#include "standin_admin.hpp"

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

namespace twenty_bench {
namespace {

constexpr int importer_connections = 64;

// Every reader call: when it started and how long it took, to cut out the import's window.
struct samples {
  std::mutex mu;
  std::vector<std::pair<clock_type::time_point, std::uint32_t>> all;
};

std::vector<issue_fn> readers(const options& o, const endpoint& ep,
                              const std::vector<mcp_session>& sessions,
                              const std::vector<std::string>& ids,
                              const std::shared_ptr<samples>& seen) {
  std::vector<issue_fn> out;
  auto n = static_cast<std::uint64_t>(sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    auto s = sessions[i];
    auto next_id = std::make_shared<std::int64_t>(2);
    out.push_back([&o, &ids, ep, s, i, n, next_id, seen](std::uint64_t k, issue_done done) {
      const auto& id = ids[(k * n + i) % ids.size()];
      auto params = R"({"name":"twenty_get_record","arguments":{"object":)" + quote(o.object)
                    + R"(,"id":)" + quote(id) + "}}";
      auto t0 = clock_type::now();
      mcp_call(s.conn, ep, s.id, (*next_id)++, "tools/call", params, false,
               [done, seen, t0](call_outcome out) {
                 if (out.error.empty()) {
                   auto us = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - t0);
                   std::lock_guard<std::mutex> lock(seen->mu);
                   seen->all.emplace_back(t0, static_cast<std::uint32_t>(us.count()));
                 }
                 done(out.error);
               });
    });
  }
  return out;
}

struct import_run {
  std::atomic<int> next{0}, ok{0}, failed{0};
  std::atomic<int> left{importer_connections};
  clock_type::time_point started, finished;
  std::mutex mu;
};

// One importer connection: creates records until the shared counter reaches the total.
void import_step(const std::shared_ptr<import_run>& run, const std::shared_ptr<http_conn>& conn,
                 const endpoint& ep, const std::string& session, int total, std::int64_t rpc_id) {
  auto n = run->next++;
  if (n >= total) {
    if (--run->left == 0) {
      std::lock_guard<std::mutex> lock(run->mu);
      run->finished = clock_type::now();
    }
    return;
  }
  auto params = R"({"name":"twenty_create_record","arguments":{"object":"people","data":{"name":{"firstName":"Import","lastName":"P)"
                + std::to_string(n) + R"("}}}})";
  mcp_call(conn, ep, session, rpc_id, "tools/call", params, false,
           [run, conn, ep, session, total, rpc_id](call_outcome out) {
             (out.error.empty() ? run->ok : run->failed)++;
             import_step(run, conn, ep, session, total, rpc_id + importer_connections);
           });
}

void print_phase(const char* name, loop_totals& t, double seconds) {
  auto s = summarize(t.latency_us, seconds);
  std::printf("  %-16s ok %llu  failed %llu  %.0f req/s  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", name,
              static_cast<unsigned long long>(t.ok), static_cast<unsigned long long>(t.failed), s.per_s,
              s.p50_ms, s.p99_ms, s.max_ms);
  print_errors(t.errors);
}

}  // namespace

int run_fairness(const options& o) {
  auto ep = parse_url(o.url);
  auto sep = parse_url(o.standin);
  if (!ep || !sep)
    return std::cerr << "fairness needs --url and --standin\n", 2;
  standin_admin admin(*sep, o.key);
  auto ids = admin.ids(o.object, 1000);
  if (ids.empty())
    return std::cerr << "no " << o.object << " in the stand-in\n", 1;
  mcp_bench::io_pool pool(o.threads);
  auto sessions = open_sessions(pool.context(), *ep, o.sessions + 1, o.timeout_s);
  auto importer = sessions.back();
  sessions.pop_back();
  std::printf("fairness %s: %d reader sessions (twenty_get_record, closed loop), %.0f s per phase; "
              "then one more session imports %d people through %d concurrent twenty_create_record calls\n",
              o.label.c_str(), o.sessions, o.duration_s, o.records, importer_connections);
  auto alone = run_closed_loop(readers(o, *ep, sessions, ids, std::make_shared<samples>()),
                               o.warmup_s, o.duration_s);
  print_phase("readers alone", alone, o.duration_s);
  auto alone_s = summarize(alone.latency_us, o.duration_s);

  auto run = std::make_shared<import_run>();
  run->started = clock_type::now();
  auto addrs = resolve(pool.context(), *ep);
  for (int c = 0; c < importer_connections; ++c) {
    auto conn = std::make_shared<http_conn>(pool.context(), addrs,
                                            std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000)));
    import_step(run, conn, *ep, importer.id, o.records, 100 + c);
  }
  // The readers run through the whole import; only their calls started while it ran count.
  auto seen = std::make_shared<samples>();
  auto busy = run_closed_loop(readers(o, *ep, sessions, ids, seen), 0, o.duration_s);
  while (run->left.load() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::vector<std::uint32_t> during;
  for (auto& [t0, us] : seen->all)
    if (t0 >= run->started && t0 < run->finished)
      during.push_back(us);
  auto import_s = std::chrono::duration<double>(run->finished - run->started).count();
  busy.latency_us = during;
  busy.ok = during.size();
  print_phase("readers + import", busy, import_s);
  auto busy_s = summarize(busy.latency_us, import_s);
  std::printf("  import: %d created, %d failed, %.2f s\n", run->ok.load(), run->failed.load(), import_s);
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.2f", alone_s.p99_ms > 0 ? busy_s.p99_ms / alone_s.p99_ms : 0.0);
  std::printf("  readers' p99 with the import / alone: %s\n", ratio);
  result_line()
      .add("mode", o.mode).add("label", o.label).add("readers", o.sessions)
      .add_ms("alone_p50_ms", alone_s.p50_ms).add_ms("alone_p99_ms", alone_s.p99_ms)
      .add_ms("busy_p50_ms", busy_s.p50_ms).add_ms("busy_p99_ms", busy_s.p99_ms)
      .add("p99_ratio", ratio).add("imported", run->ok.load()).add("import_failed", run->failed.load())
      .add("import_s", import_s)
      .print();
  return run->failed.load() == 0 && busy.failed == 0 ? 0 : 1;
}

}  // namespace twenty_bench

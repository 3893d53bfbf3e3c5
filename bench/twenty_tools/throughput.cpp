// Closed-loop throughput of twenty_get_record / twenty_list_records over MCP, and of the same
// reads sent straight to the stand-in's REST API.
#include "closed_loop.hpp"
#include "io_pool.hpp"  // mcp-bench's io_context runner
#include "mcp_wire.hpp"
#include "proc_util.hpp"  // mcp-bench's /proc readers
#include "modes.hpp"
#include "report.hpp"
#include "standin_admin.hpp"

#include <cstdio>
#include <iostream>

namespace twenty_bench {
namespace {

std::chrono::milliseconds ms(double s) { return std::chrono::milliseconds(static_cast<long>(s * 1000)); }

// Distinct ids across clients at each step: client i, request k uses ids[(k * n + i) % size].
const std::string& pick(const std::vector<std::string>& ids, int clients, int i, std::uint64_t k) {
  return ids[(k * static_cast<std::uint64_t>(clients) + static_cast<std::uint64_t>(i)) % ids.size()];
}

void report(const options& o, const char* kind, loop_totals& t, const standin_stats& up,
            std::size_t distinct_ids, double server_cpu_ms = -1) {
  auto s = summarize(t.latency_us, o.duration_s);
  std::printf("%s %s: %d clients, %.0f s (+%.0f s warm-up), %zu distinct ids\n", kind, o.label.c_str(),
              o.sessions, o.duration_s, o.warmup_s, distinct_ids);
  std::printf("  ok %llu  failed %llu  %.0f req/s  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n",
              static_cast<unsigned long long>(t.ok), static_cast<unsigned long long>(t.failed),
              s.per_s, s.p50_ms, s.p99_ms, s.max_ms);
  std::printf("  upstream: %llu requests for %llu calls (warm-up included): %s\n",
              static_cast<unsigned long long>(up.total), static_cast<unsigned long long>(t.issued),
              up.routes_text().c_str());
  // Over warm-up and run alike, per finished call (idle waiting included).
  double cpu_per_call = server_cpu_ms >= 0 && t.issued ? server_cpu_ms / double(t.issued) : -1;
  if (cpu_per_call >= 0)
    std::printf("  server CPU: %.4f ms per call\n", cpu_per_call);
  print_errors(t.errors);
  char ratio[32], cpu[32];
  std::snprintf(cpu, sizeof cpu, "%.4f", cpu_per_call);
  std::snprintf(ratio, sizeof ratio, "%.3f", t.issued ? double(up.total) / double(t.issued) : 0.0);
  result_line()
      .add("mode", o.mode).add("label", o.label).add("clients", o.sessions)
      .add("ok", t.ok).add("failed", t.failed).add("rps", static_cast<long long>(s.per_s + 0.5))
      .add_ms("p50_ms", s.p50_ms).add_ms("p99_ms", s.p99_ms).add_ms("max_ms", s.max_ms)
      .add("calls", t.issued).add("upstream", up.total).add("upstream_per_call", ratio)
      .add("rate_limited", up.rate_limited).add("cpu_ms_per_call", cpu)
      .print();
}

std::vector<std::string> load_ids(standin_admin& admin, const options& o) {
  auto ids = admin.ids(o.object, o.ids > 0 ? static_cast<std::size_t>(o.ids) : 1000);
  if (ids.empty())
    throw std::runtime_error("no " + o.object + " in the stand-in");
  return ids;
}

}  // namespace

int run_mcp_load(const options& o) {
  auto ep = parse_url(o.url);
  auto sep = parse_url(o.standin);
  if (!ep || !sep)
    return std::cerr << "mcp-load needs --url and --standin\n", 2;
  standin_admin admin(*sep, o.key);
  auto ids = load_ids(admin, o);
  mcp_bench::io_pool pool(o.threads);
  auto sessions = open_sessions(pool.context(), *ep, o.sessions, o.timeout_s);
  std::vector<issue_fn> clients;
  for (int i = 0; i < o.sessions; ++i) {
    auto s = sessions[static_cast<std::size_t>(i)];
    auto next_id = std::make_shared<std::int64_t>(2);
    clients.push_back([&o, &ids, ep = *ep, s, i, next_id](std::uint64_t k, issue_done done) {
      std::string args = o.tool == "list"
          ? R"({"object":)" + quote(o.object) + R"(,"limit":20})"
          : R"({"object":)" + quote(o.object) + R"(,"id":)" + quote(pick(ids, o.sessions, i, k)) + "}";
      std::string params = std::string(R"({"name":")") +
                           (o.tool == "list" ? "twenty_list_records" : "twenty_get_record") +
                           R"(","arguments":)" + args + "}";
      mcp_call(s.conn, ep, s.id, (*next_id)++, "tools/call", params, false,
               [done](call_outcome out) { done(out.error); });
    });
  }
  admin.reset_stats();
  double cpu0 = o.pid ? mcp_bench::read_cpu_ms(o.pid) : -1;
  auto totals = run_closed_loop(clients, o.warmup_s, o.duration_s);
  double cpu = o.pid ? mcp_bench::read_cpu_ms(o.pid) - cpu0 : -1;
  auto up = admin.stats();
  report(o, "mcp", totals, up, o.tool == "list" ? 0 : ids.size(), cpu);
  return totals.ok > 0 ? 0 : 1;
}

int run_rest_load(const options& o) {
  auto sep = parse_url(o.standin);
  if (!sep)
    return std::cerr << "rest-load needs --standin\n", 2;
  standin_admin admin(*sep, o.key);
  auto ids = load_ids(admin, o);
  mcp_bench::io_pool pool(o.threads);
  auto addrs = resolve(pool.context(), *sep);
  std::vector<issue_fn> clients;
  for (int i = 0; i < o.sessions; ++i) {
    auto conn = std::make_shared<http_conn>(pool.context(), addrs, ms(o.timeout_s));
    clients.push_back([&o, &ids, sep = *sep, conn, i](std::uint64_t k, issue_done done) {
      std::string target = o.tool == "list" ? "/rest/" + o.object + "?limit=20"
                                            : "/rest/" + o.object + "/" + pick(ids, o.sessions, i, k);
      http_request req{http::verb::get, target, 11};
      req.set(http::field::host, sep.host + ":" + sep.port);
      req.set(http::field::authorization, "Bearer " + o.key);
      conn->send(std::move(req), [done](beast::error_code ec, http_response& res) {
        if (ec)
          return done(ec.message());
        done(res.result_int() == 200 ? "" : "HTTP " + std::to_string(res.result_int()));
      });
    });
  }
  admin.reset_stats();
  auto totals = run_closed_loop(clients, o.warmup_s, o.duration_s);
  auto up = admin.stats();
  report(o, "rest", totals, up, o.tool == "list" ? 0 : ids.size());
  return totals.ok > 0 ? 0 : 1;
}

}  // namespace twenty_bench

// Upstream calls behind MCP calls: a burst of identical concurrent list calls (single-flight,
// cache) and one 1,000-record batch create (chunking).
#include "io_pool.hpp"
#include "mcp_wire.hpp"
#include "modes.hpp"
#include "report.hpp"
#include "standin_admin.hpp"

#include <rapidjson/document.h>

#include <atomic>
#include <cstdio>
#include <iostream>

namespace twenty_bench {
namespace {

std::string tool_params(const std::string& tool, const std::string& args) {
  return R"({"name":")" + tool + R"(","arguments":)" + args + "}";
}

// Blocking single call on a session (main thread).
call_outcome call_and_wait(const mcp_session& s, const endpoint& ep, std::int64_t id,
                           const std::string& params, bool keep_message) {
  call_outcome result;
  latch done(1);
  mcp_call(s.conn, ep, s.id, id, "tools/call", params, keep_message, [&](call_outcome out) {
    result = std::move(out);
    done.count_down();
  });
  done.wait();
  return result;
}

// Loads the server's schema and connections so the measured part starts warm.
void warm_up(const mcp_session& s, const endpoint& ep) {
  auto out = call_and_wait(s, ep, 2, tool_params("twenty_list_records", R"({"object":"tasks","limit":1})"), false);
  if (!out.error.empty())
    throw std::runtime_error("warm-up twenty_list_records failed: " + out.error);
}

}  // namespace

int run_burst(const options& o) {
  auto ep = parse_url(o.url);
  auto sep = parse_url(o.standin);
  if (!ep || !sep)
    return std::cerr << "burst needs --url and --standin\n", 2;
  standin_admin admin(*sep, o.key);
  mcp_bench::io_pool pool(o.threads);
  auto sessions = open_sessions(pool.context(), *ep, o.sessions, o.timeout_s);
  warm_up(sessions[0], *ep);
  const char* objects[] = {"companies", "people", "opportunities"};
  std::string per_round;
  std::uint64_t total_list = 0, total_up = 0, total_ok = 0, total_failed = 0;
  std::printf("burst %s: %d sessions call twenty_list_records with identical arguments at once\n",
              o.label.c_str(), o.sessions);
  for (int r = 0; r < o.rounds; ++r) {
    auto args = R"({"object":")" + std::string(objects[r % 3]) + R"(","limit":20})";
    admin.reset_stats();
    std::atomic<std::uint64_t> ok{0};
    std::map<std::string, std::uint64_t> errors;
    std::mutex m;
    latch done(sessions.size());
    for (auto& s : sessions)  // connections are open: the POSTs leave within a millisecond
      mcp_call(s.conn, *ep, s.id, 100 + r, "tools/call", tool_params("twenty_list_records", args), false,
               [&](call_outcome out) {
                 if (out.error.empty())
                   ++ok;
                 else {
                   std::lock_guard<std::mutex> lock(m);
                   errors[out.error]++;
                 }
                 done.count_down();
               });
    done.wait();
    auto up = admin.stats();
    auto list = up.route("GET /rest/{object}");
    std::printf("  round %d %s: ok %llu/%zu, upstream GET /rest/{object} = %llu (all upstream: %s)\n", r + 1,
                args.c_str(), static_cast<unsigned long long>(ok.load()), sessions.size(),
                static_cast<unsigned long long>(list), up.routes_text().c_str());
    print_errors(errors);
    per_round += (per_round.empty() ? "" : ",") + std::to_string(list);
    total_list += list;
    total_up += up.total;
    total_ok += ok;
    total_failed += sessions.size() - ok;
  }
  result_line().add("mode", o.mode).add("label", o.label).add("sessions", o.sessions)
      .add("rounds", o.rounds).add("ok", total_ok).add("failed", total_failed)
      .add("list_calls_per_round", per_round).add("list_calls", total_list).add("upstream", total_up)
      .print();
  return total_failed ? 1 : 0;
}

int run_import(const options& o) {
  auto ep = parse_url(o.url);
  auto sep = parse_url(o.standin);
  if (!ep || !sep)
    return std::cerr << "import needs --url and --standin\n", 2;
  standin_admin admin(*sep, o.key);
  mcp_bench::io_pool pool(o.threads);
  auto sessions = open_sessions(pool.context(), *ep, 1, o.timeout_s);
  warm_up(sessions[0], *ep);
  std::string records = "[";
  auto tag = std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000);
  for (int i = 0; i < o.records; ++i) {
    auto n = std::to_string(i + 1);
    records += (i ? "," : "") + std::string(R"({"name":"Bench import )") + tag + "-" + n +
               R"(","domainName":{"primaryLinkUrl":"https://import-)" + tag + "-" + n + R"(.example.com"}})";
  }
  records += "]";
  auto params = tool_params("twenty_batch_operations",
                            R"({"object":"companies","operation":"create","records":)" + records + "}");
  admin.reset_stats();
  auto t0 = clock_type::now();
  auto out = call_and_wait(sessions[0], *ep, 3, params, true);
  double elapsed = std::chrono::duration<double>(clock_type::now() - t0).count();
  auto up = admin.stats();
  long long succeeded = -1, failed = -1;
  std::string first_error;
  rapidjson::Document doc;
  if (!out.message.empty() && !doc.Parse(out.message.c_str()).HasParseError()) {
    const auto& res = doc["result"];
    auto sc = res.FindMember("structuredContent");
    if (sc != res.MemberEnd() && sc->value.IsObject()) {
      succeeded = sc->value["succeeded"].GetInt64();
      failed = sc->value["failed"].GetInt64();
      for (const auto& item : sc->value["results"].GetArray())
        if (item.HasMember("error") && first_error.empty())
          first_error = item["error"].GetString();
    }
  }
  std::printf("import %s: one twenty_batch_operations create of %d companies (request %zu bytes)\n",
              o.label.c_str(), o.records, params.size());
  std::printf("  %s; succeeded %lld failed %lld; %.3f s\n",
              out.error.empty() ? "call ok" : ("call failed: " + out.error).c_str(), succeeded, failed, elapsed);
  if (!first_error.empty())
    std::printf("  first item error: %s\n", first_error.c_str());
  std::printf("  upstream: %llu requests (%s), writes %llu, rateLimited %llu\n",
              static_cast<unsigned long long>(up.total), up.routes_text().c_str(),
              static_cast<unsigned long long>(up.writes), static_cast<unsigned long long>(up.rate_limited));
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.3f", elapsed);
  result_line().add("mode", o.mode).add("label", o.label).add("records", o.records)
      .add("succeeded", succeeded).add("failed", failed).add("seconds", secs)
      .add("upstream", up.total).add("batch_posts", up.route("POST /rest/batch/{object}"))
      .add("writes", up.writes).add("rate_limited", up.rate_limited)
      .add("call_ok", out.error.empty() ? 1 : 0)
      .print();
  return out.error.empty() && failed == 0 ? 0 : 1;
}

}  // namespace twenty_bench

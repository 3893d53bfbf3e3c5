// Open-loop load at a fixed offered rate of distinct reads, over MCP or straight to the stand-in,
// to count the 429s Twenty would send. Calls are never delayed by earlier calls: each one takes an
// idle connection or opens a new one.
#include "io_pool.hpp"
#include "mcp_wire.hpp"
#include "modes.hpp"
#include "report.hpp"
#include "standin_admin.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

namespace twenty_bench {
namespace {

const char* objects[] = {"companies", "people", "opportunities"};

struct target_record {
  std::string plural, id;
};

struct offered_state {
  std::mutex m;
  std::vector<std::shared_ptr<http_conn>> idle;
  std::vector<std::uint32_t> latency_us;
  std::map<std::string, std::uint64_t> errors;
  std::atomic<std::uint64_t> issued{0}, ok{0}, failed{0}, opened{0};
  // How the failed calls were answered: "server busy", another error, or not at all.
  std::atomic<std::uint64_t> busy{0}, other{0}, no_answer{0};
  std::unique_ptr<latch> all_done;
};

// Call i: even = get one record (cycling through every id), odd = a list page with a distinct
// (object, limit) pair, so no two calls in flight are identical.
std::string call_args(const std::vector<target_record>& recs, std::uint64_t i, bool& is_get,
                      std::string& rest_target) {
  auto k = i / 2;
  is_get = i % 2 == 0;
  if (is_get) {
    const auto& r = recs[k % recs.size()];
    rest_target = "/rest/" + r.plural + "/" + r.id;
    return R"({"object":")" + r.plural + R"(","id":")" + r.id + "\"}";
  }
  std::string plural = objects[k % 3];
  auto limit = std::to_string(1 + (k / 3) % 200);
  rest_target = "/rest/" + plural + "?limit=" + limit;
  return R"({"object":")" + plural + R"(","limit":)" + limit + "}";
}

// A failure the server answered as "server busy" (503, JSON-RPC or tool error), another
// answer, or none (connection closed, reset or timed out).
enum class failure { busy, other, no_answer };

failure classify(const std::string& error) {
  if (error.rfind("HTTP 503", 0) == 0 || error.find("Server busy") != std::string::npos
      || error.find("SERVER_BUSY") != std::string::npos)
    return failure::busy;
  for (const char* answered : {"HTTP ", "JSON-RPC error", "tool error", "no result", "no response",
                               "id mismatch"})
    if (error.rfind(answered, 0) == 0)
      return failure::other;
  return failure::no_answer;
}

}  // namespace

int run_offered(const options& o) {
  auto ep = parse_url(o.url);
  auto sep = parse_url(o.standin);
  if (!sep || (!o.direct && !ep))
    return std::cerr << "offered needs --standin and --url (or --direct)\n", 2;
  standin_admin admin(*sep, o.key);
  std::vector<target_record> recs;
  for (const char* obj : objects)
    for (auto& id : admin.ids(obj, 200))
      recs.push_back({obj, id});
  // The pool outlives every connection: `st` keeps idle ones, and they close on its io_context.
  mcp_bench::io_pool pool(o.threads);
  auto st = std::make_shared<offered_state>();
  auto total = static_cast<std::uint64_t>(o.rate * o.duration_s + 0.5);
  st->all_done = std::make_unique<latch>(total);
  auto& ioc = pool.context();
  const auto& dest = o.direct ? *sep : *ep;
  auto addrs = resolve(ioc, dest);
  auto timeout = std::chrono::milliseconds(static_cast<long>((o.duration_s + o.drain_s + 5) * 1000));
  std::vector<mcp_session> sessions;
  if (!o.direct) {
    sessions = open_sessions(ioc, *ep, o.sessions, o.timeout_s);
    for (auto& s : sessions)
      st->idle.push_back(s.conn);
    latch warm(1);  // loads the server's schema before the measured part
    std::string werr;
    mcp_call(sessions[0].conn, *ep, sessions[0].id, 2, "tools/call",
             R"({"name":"twenty_list_records","arguments":{"object":"tasks","limit":1}})", false,
             [&](call_outcome out) { werr = out.error; warm.count_down(); });
    warm.wait();
    if (!werr.empty())
      throw std::runtime_error("warm-up call failed: " + werr);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(o.settle_s * 1000)));
  admin.reset_stats();

  auto finish = [st](std::uint32_t us, const std::string& error, std::shared_ptr<http_conn> conn) {
    {
      std::lock_guard<std::mutex> lock(st->m);
      if (error.empty())
        st->latency_us.push_back(us);
      else
        st->errors[error]++;
      st->idle.push_back(std::move(conn));
    }
    ++(error.empty() ? st->ok : st->failed);
    if (!error.empty()) {
      auto kind = classify(error);
      ++(kind == failure::busy ? st->busy : kind == failure::other ? st->other : st->no_answer);
    }
    st->all_done->count_down();
  };
  auto issue = [&, st](std::uint64_t i) {
    std::shared_ptr<http_conn> conn;
    {
      std::lock_guard<std::mutex> lock(st->m);
      if (!st->idle.empty()) {
        conn = st->idle.back();
        st->idle.pop_back();
      }
    }
    if (!conn) {
      conn = std::make_shared<http_conn>(ioc, addrs, timeout);
      ++st->opened;
    }
    bool is_get = false;
    std::string rest_target;
    auto args = call_args(recs, i + static_cast<std::uint64_t>(o.first_call), is_get, rest_target);
    auto t0 = clock_type::now();
    auto us = [t0] {
      return static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - t0).count());
    };
    ++st->issued;
    if (o.direct) {
      http_request req{http::verb::get, rest_target, 11};
      req.set(http::field::host, sep->host + ":" + sep->port);
      req.set(http::field::authorization, "Bearer " + o.key);
      conn->send(std::move(req), [finish, conn, us](beast::error_code ec, http_response& res) {
        finish(us(), ec ? ec.message() : res.result_int() == 200 ? "" : "HTTP " + std::to_string(res.result_int()), conn);
      });
      return;
    }
    const auto& s = sessions[i % sessions.size()];  // any connection may carry any session
    auto params = std::string(R"({"name":")") + (is_get ? "twenty_get_record" : "twenty_list_records") +
                  R"(","arguments":)" + args + "}";
    mcp_call(conn, *ep, s.id, static_cast<std::int64_t>(i + 10), "tools/call", params, false,
             [finish, conn, us](call_outcome out) { finish(us(), out.error.substr(0, 100), conn); });
  };

  // The schedule: call i leaves at t0 + i / rate, whatever happened to earlier calls.
  auto timer = std::make_shared<net::steady_timer>(net::make_strand(ioc));
  auto t0 = clock_type::now();
  auto period = std::chrono::duration<double>(1.0 / o.rate);
  latch scheduled(1);
  // A generator that cannot keep up stops at the end of the window: what it did not send is
  // not counted as offered.
  auto window_end = t0 + std::chrono::duration_cast<clock_type::duration>(
                           std::chrono::duration<double>(o.duration_s + 1));
  std::uint64_t not_sent = 0;
  std::function<void(std::uint64_t)> tick = [&](std::uint64_t i) {
    if (i < total && clock_type::now() > window_end) {
      not_sent = total - i;
      for (auto k = i; k < total; ++k)
        st->all_done->count_down();
      return scheduled.count_down();
    }
    if (i >= total)
      return scheduled.count_down();
    timer->expires_at(t0 + std::chrono::duration_cast<clock_type::duration>(period * static_cast<double>(i)));
    timer->async_wait([&, i](beast::error_code) {
      issue(i);
      tick(i + 1);
    });
  };
  tick(0);
  scheduled.wait();
  auto offer_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  bool drained = st->all_done->wait_until(clock_type::now() + std::chrono::milliseconds(static_cast<long>(o.drain_s * 1000)));
  auto wall_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  auto up = admin.stats();
  std::vector<std::uint32_t> lat;
  std::map<std::string, std::uint64_t> errors;
  {
    std::lock_guard<std::mutex> lock(st->m);
    lat = st->latency_us;
    errors = st->errors;
  }
  auto ok = st->ok.load(), failed = st->failed.load();
  total -= not_sent;
  auto unfinished = total - ok - failed;
  auto s = summarize(lat, wall_s);
  std::printf("offered %s: %s, %.0f calls/s asked, %.0f/s sent for %.1f s (%llu calls, %llu not sent "
              "in time by this generator; half get-one, half list pages), then up to %.0f s for "
              "answers\n", o.label.c_str(), o.direct ? "direct REST to the stand-in" : "MCP tools/call",
              o.rate, static_cast<double>(total) / offer_s, offer_s,
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(not_sent),
              o.drain_s);
  std::printf("  completed ok %llu, failed %llu, unfinished at cutoff %llu (%s after %.1f s); p50 %.3f ms p99 %.3f ms max %.3f ms\n",
              static_cast<unsigned long long>(ok), static_cast<unsigned long long>(failed),
              static_cast<unsigned long long>(unfinished), drained ? "all answered" : "cut off", wall_s,
              s.p50_ms, s.p99_ms, s.max_ms);
  std::printf("  stand-in: %llu requests, rateLimited %llu (%s); connections opened %llu\n",
              static_cast<unsigned long long>(up.total), static_cast<unsigned long long>(up.rate_limited),
              up.routes_text().c_str(), static_cast<unsigned long long>(st->opened.load()));
  auto busy = st->busy.load(), other = st->other.load(), no_answer = st->no_answer.load();
  std::printf("  outcomes: result %llu, server busy %llu, other error %llu, no answer %llu "
              "(closed or timed out %llu, unfinished %llu)\n",
              static_cast<unsigned long long>(ok), static_cast<unsigned long long>(busy),
              static_cast<unsigned long long>(other),
              static_cast<unsigned long long>(no_answer + unfinished),
              static_cast<unsigned long long>(no_answer), static_cast<unsigned long long>(unfinished));
  print_errors(errors);
  result_line().add("mode", o.mode).add("label", o.label).add("direct", o.direct ? 1 : 0)
      .add("rate", o.rate).add("sent_rate", static_cast<long long>(static_cast<double>(total) / offer_s))
      .add("offered", total).add("ok", ok).add("failed", failed)
      .add("unfinished", unfinished).add("busy", busy).add("other_error", other)
      .add("no_answer", no_answer + unfinished).add_ms("p50_ms", s.p50_ms).add_ms("p99_ms", s.p99_ms)
      .add_ms("seconds", wall_s).add("upstream", up.total).add("rate_limited", up.rate_limited)
      .print();
  // Stop the threads before the handlers' captured locals go; calls still queued are dropped.
  pool.stop();
  return 0;
}

}  // namespace twenty_bench

// Overload end to end: the real server over HTTP against the stand-in, each bound reached on
// purpose (sessions, requests in flight per session and in all, the gateway's queue, analytics
// jobs): the client is told "server busy, retry after N s" and the server keeps serving.
#define CAF_SUITE app.overload
#include "caf/test/unit_test.hpp"

#include <atomic>
#include <thread>

#include "app/mcp_http_session.hpp"
#include "app/standin_process.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

// A 503 that says "server busy", names the bound, and tells when to come back.
bool busy_503(const http_answer& a, const std::string& bound) {
  return a.status == 503 && a.headers.count("retry-after") && a.headers.at("retry-after") == "1"
         && has(a.body, R"("error":{"code":-32000,"message":"Server busy: )")
         && has(a.body, bound) && has(a.body, "retry after 1 s")
         && has(a.body, R"("data":{"retryAfterSeconds":1})");
}

bool ok_result(const http_answer& a) {
  return a.status == 200 && has(a.body, "\"result\"") && !has(a.body, "\"isError\":true");
}

// Runs `n` calls at once, each on its own connection; their answers in call order.
std::vector<http_answer> at_once(int n, const std::function<http_answer(int)>& call) {
  std::vector<http_answer> out(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] { out[i] = call(i); });
  for (auto& t : threads)
    t.join();
  return out;
}

struct tally {
  int ok = 0, busy = 0;
};

// Results, and 503s that name `bound`.
tally count_busy(const std::vector<http_answer>& answers, const std::string& bound) {
  tally t;
  for (auto& a : answers) {
    t.ok += ok_result(a);
    t.busy += busy_503(a, bound);
  }
  return t;
}

// The stand-in, the server with `flags` against it, and one initialized session.
struct bounded_server {
  standin_process standin;
  http_server_process s;
  http_session_client mcp;

  explicit bounded_server(std::vector<std::string> flags)
    : s(standin.url, std::move(flags)), mcp{s.port, {}} {
    CAF_REQUIRE(s.ready);
    CAF_REQUIRE(mcp.start());
  }

  // Every Twenty answer takes `ms` from now on.
  void slow(int ms) {
    auto [code, body] = standin.http("POST", "/_standin/faults",
                                     R"({"latencyMs":)" + std::to_string(ms) + "}", "");
    CAF_REQUIRE_EQUAL(code, 200);
  }
};

} // namespace

CAF_TEST(an initialize beyond the session bound gets 503 with retry after and a freed place is reused) {
  standin_process standin;
  http_server_process s{standin.url, {"--max-sessions", "2"}};
  CAF_REQUIRE(s.ready);
  http_session_client a{s.port, {}}, b{s.port, {}}, c{s.port, {}};
  CAF_REQUIRE(a.start());
  CAF_REQUIRE(b.start());
  auto refused = c.initialize();
  if (!busy_503(refused, "2 sessions are open"))
    CAF_FAIL("not a busy 503: " << refused.status << " " << refused.body);
  CAF_CHECK(has(refused.body, "MCP_MAX_SESSIONS"));
  CAF_CHECK(has(refused.body, R"("id":1)"));
  // The open sessions still serve, and ending one makes room for another.
  CAF_CHECK(ok_result(a.list(1)));
  CAF_CHECK_EQUAL(b.end().status, 200);
  CAF_CHECK(c.start());
  CAF_CHECK(ok_result(c.list(2)));
  CAF_CHECK(s.server.running());
}

CAF_TEST(requests beyond the in flight bound of a session get 503 and later ones are served) {
  bounded_server b{{"--max-in-flight-per-session", "2"}};
  b.slow(800);
  auto t = count_busy(at_once(4, [&](int i) { return b.mcp.list(i); }),
                      "2 requests of this session are already in flight");
  CAF_CHECK_EQUAL(t.ok, 2);
  CAF_CHECK_EQUAL(t.busy, 2);
  b.slow(0);
  CAF_CHECK(ok_result(b.mcp.list(7)));
  CAF_CHECK(b.s.server.running());
}

CAF_TEST(requests beyond the servers in flight bound get 503 whichever session sends them) {
  bounded_server b{{"--max-in-flight", "3"}};
  http_session_client other{b.s.port, {}};
  CAF_REQUIRE(other.start());
  b.slow(800);
  auto t = count_busy(at_once(4, [&](int i) { return (i % 2 ? other : b.mcp).list(i); }),
                      "3 requests are already in flight on this server (MCP_MAX_IN_FLIGHT)");
  CAF_CHECK_EQUAL(t.ok, 3);
  CAF_CHECK_EQUAL(t.busy, 1);
  b.slow(0);
  CAF_CHECK(ok_result(b.mcp.list(8)));
  CAF_CHECK(ok_result(other.list(9)));
}

CAF_TEST(calls beyond the gateway queue get a server busy tool error and later calls succeed) {
  // One connection to Twenty: the calls that wait for it queue at the gateway.
  bounded_server b{{"--twenty-connections", "1", "--gateway-max-queued", "2"}};
  b.slow(500);
  auto answers = at_once(6, [&](int i) { return b.mcp.list(i); });
  int ok = 0, busy = 0;
  for (auto& a : answers) {
    CAF_CHECK_EQUAL(a.status, 200);
    ok += ok_result(a);
    if (has(a.body, "\"isError\":true") && has(a.body, "SERVER_BUSY")
        && has(a.body, "MCP_GATEWAY_MAX_QUEUED") && has(a.body, "Retry after 1 s"))
      ++busy;
  }
  // One on the wire and two queued are served; the others are refused at once.
  CAF_CHECK_EQUAL(ok, 3);
  CAF_CHECK_EQUAL(busy, 3);
  b.slow(0);
  CAF_CHECK(ok_result(b.mcp.list(11)));
}

CAF_TEST(an analytics job beyond the running bound gets a server busy tool error) {
  bounded_server b{{"--max-analytics-jobs", "1"}};
  auto& mcp = b.mcp;
  b.slow(400);
  auto trends = R"({"analysis":"trends","object":"companies","wait":false})";
  auto first = mcp.call(2, "twenty_analytics", trends);
  CAF_CHECK(ok_result(first));
  CAF_CHECK(has(first.body, R"(\"state\":\"running\")"));
  auto second = mcp.call(3, "twenty_analytics", trends);
  CAF_CHECK(has(second.body, "\"isError\":true"));
  CAF_CHECK(has(second.body, "SERVER_BUSY"));
  CAF_CHECK(has(second.body, "1 analytics jobs are already running (MCP_MAX_ANALYTICS_JOBS)"));
  b.slow(0);
  // Once the first job ends, another starts.
  bool started = false;
  for (int i = 0; i < 100 && !started; ++i) {
    started = ok_result(mcp.call(10 + i, "twenty_analytics", trends));
    if (!started)
      std::this_thread::sleep_for(50ms);
  }
  CAF_CHECK(started);
}

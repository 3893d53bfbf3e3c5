// The stdio transport: line framing, forwarding to the supervisor and the stdio sink.
#define CAF_SUITE transport.stdio
#include "caf/test/unit_test.hpp"

#include <algorithm>
#include <atomic>
#include <sstream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "protocol/json_rpc.hpp"
#include "protocol/transport/stdio_transport.hpp"
#include "tests/protocol/transport/fake_supervisor.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::transport;

namespace {

caf::actor_system_config& small_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{small_config(cfg)};
  std::shared_ptr<test::probe> p = std::make_shared<test::probe>();
  actors::session_supervisor_actor sup = test::spawn_fake_supervisor(sys, p);

  ~fixture() {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(stdio_tests, fixture)

CAF_TEST(each line is forwarded and requests are answered one line each) {
  std::istringstream in{R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})"
                        "\n\n   \n"
                        "{broken\n"
                        R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
                        "\r\n"
                        R"({"jsonrpc":"2.0","id":"b","method":"ping"})"};
  std::ostringstream out;
  stdio_transport transport{sys, sup, in, out};
  std::atomic<bool> eof{false};
  auto sid = transport.start([&] { eof = true; });
  CAF_REQUIRE(sid);
  CAF_CHECK_EQUAL(*sid, "fake-session-1");
  transport.join();
  CAF_CHECK(eof);
  // The standalone stream (a GET on stdout) opens first; then three messages reach the
  // supervisor; the blank lines and the broken one do not.
  CAF_REQUIRE(p->wait_for([&] { return p->seen.size() == 4; }));
  std::vector<std::string> methods;
  {
    std::lock_guard<std::mutex> guard{p->mtx};
    CAF_CHECK(p->seen.front().verb == inbound_verb::get);
    for (const auto& s : p->seen) {
      if (&s == &p->seen.front())
        continue;
      CAF_CHECK(s.verb == inbound_verb::post);
      CAF_CHECK_EQUAL(s.session_id, *sid);
      CAF_CHECK(s.protocol_version.empty());
      methods.push_back(s.method);
    }
  }
  CAF_CHECK_EQUAL(methods, (std::vector<std::string>{"tools/list", "notifications/initialized",
                                                     "ping"}));
  // The notification's 202 writes nothing; the parse error is answered with id null.
  // (The fake supervisor also streams a few events on the standalone GET.)
  auto lines = lines_of(out.str());
  CAF_REQUIRE(lines.size() >= 3u);
  auto has = [&](const std::string& l) {
    return std::find(lines.begin(), lines.end(), l) != lines.end();
  };
  CAF_CHECK(has(make_response("1", R"({"method":"tools/list"})")));
  CAF_CHECK(has(make_response("\"b\"", R"({"method":"ping"})")));
  CAF_CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find(R"("id":null)") != std::string::npos
           && l.find(R"("code":-32700)") != std::string::npos;
  }));
}

CAF_TEST(an over long line is refused and the next line is still read) {
  // 5 MiB of nested arrays on one line: past the 4 MiB line limit, never buffered whole.
  std::string huge(5u << 20, '[');
  std::istringstream in{huge + "\n" + std::string(40000, '[') + "\n"
                        + R"({"jsonrpc":"2.0","id":2,"method":"ping"})" + "\n"};
  std::ostringstream out;
  stdio_transport transport{sys, sup, in, out};
  CAF_REQUIRE(transport.start([] {}));
  transport.join();
  CAF_REQUIRE(p->wait_for([&] { return p->seen.size() == 2; }));
  {
    std::lock_guard<std::mutex> guard{p->mtx};
    CAF_CHECK_EQUAL(p->seen.back().method, "ping");
  }
  auto lines = lines_of(out.str());
  auto count = [&](const std::string& needle) {
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.find(needle) != std::string::npos;
    });
  };
  CAF_CHECK_EQUAL(count("the message exceeds 4194304 bytes"), 1);
  CAF_CHECK_EQUAL(count("nesting deeper than 64 levels"), 1);
}

CAF_TEST(start reports an error when the supervisor is gone) {
  auto dead = test::spawn_fake_supervisor(sys, p);
  {
    caf::scoped_actor self{sys};
    self->monitor(dead);
    self->send_exit(dead, caf::exit_reason::kill);
    self->receive([](const caf::down_msg&) {});
  }
  std::istringstream in{""};
  std::ostringstream out;
  stdio_transport transport{sys, dead, in, out};
  auto sid = transport.start([] {});
  CAF_CHECK(!sid);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(the stdio sink writes one line per message and refusal and skips priming and empty bodies) {
  std::ostringstream out;
  stdio_sink sink{out};
  sink.open({"s", 100ms});
  sink.event("e-0", "");
  sink.event("e-1", R"({"a":1})");
  sink.respond(202, "");
  sink.respond(200, R"({"b":2})");
  sink.refuse(error_answer("4", make_rpc_error(rpc_errc::method_not_found, "no")));
  sink.close();
  CAF_CHECK_EQUAL(out.str(), "{\"a\":1}\n{\"b\":2}\n"
                             R"({"jsonrpc":"2.0","id":4,"error":{"code":-32601,"message":"no"}})"
                             "\n");
  CAF_CHECK(sink.connected());
}

CAF_TEST(the stdio sink never writes invalid utf8) {
  std::ostringstream out;
  stdio_sink sink{out};
  sink.respond(200, "{\"a\":\"\xff\"}");
  CAF_CHECK_EQUAL(out.str(), "{\"a\":\"\xef\xbf\xbd\"}\n");
}

CAF_TEST(a failing output marks the stdio sink disconnected) {
  std::ostream broken{nullptr};
  stdio_sink sink{broken};
  CAF_CHECK(sink.connected());
  CAF_CHECK(!sink.write_line("{}"));
  CAF_CHECK(!sink.connected());
  sink.event("e", "{}");
  CAF_CHECK(!sink.connected());
}

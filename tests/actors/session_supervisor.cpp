#define CAF_SUITE actors.session_supervisor
#define FAIL(msg) CAF_FAIL(msg)
#include "caf/test/dsl.hpp"

#include "actors/session_supervisor.hpp"
#include "protocol/content.hpp"
#include "support/fake_session_env.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<catalog> cat = std::make_shared<catalog>();
  actors::session_supervisor_actor sup;
  std::shared_ptr<std::atomic<int>> cancelled = std::make_shared<std::atomic<int>>(0);

  fixture() {
    auto flag = cancelled;
    cat->add_tool({"slow", "", "answers after 5 s"}, [flag](const json::value&, ctx_ptr ctx) {
      ctx->on_cancel([flag] { ++*flag; });
      ctx->after(5s, [ctx] { ctx->reply(tool_result().text("done").str()); });
    });
    cat->add_tool({"forever", "", "never answers"}, [](const json::value&, ctx_ptr ctx) {
      ctx->after(std::chrono::hours(1), [ctx] { ctx->reply("{}"); });
    });
    actors::supervisor_settings s;
    s.http.idle_expiry = 60s;
    s.sweep_interval = 10s;
    sup = sys.spawn(actors::session_supervisor_impl,
                    std::make_shared<actors::catalog_store>(cat), s);
    consume_messages();
  }

  ~fixture() { caf::anon_send_exit(sup, caf::exit_reason::user_shutdown); }

  std::shared_ptr<recording_sink> post(const std::string& session, const std::string& text) {
    auto sink = std::make_shared<recording_sink>();
    inbound in{inbound_verb::post, session, "", *parse_message(text), "", sink};
    caf::anon_send(sup, atom::inbound_v, std::move(in));
    consume_messages();
    return sink;
  }

  std::string initialize() {
    auto s = post("", R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}})");
    post(s->session_header, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    return s->session_header;
  }

  // The supervisor sweeps on a periodic timer, so run() (which fires every timeout) never
  // ends; requests are answered with consume_messages() instead.
  uint64_t live_sessions() {
    auto rh = self->request(sup, caf::infinite, atom::count_v);
    consume_messages();
    uint64_t n = 0;
    rh.receive([&](uint64_t x) { n = x; }, [](caf::error&) { CAF_FAIL("count failed"); });
    return n;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, fixture)

CAF_TEST(initialize creates a session with an unguessable id) {
  auto id = initialize();
  CAF_CHECK_EQUAL(id.size(), 32u);
  CAF_CHECK_EQUAL(live_sessions(), 1u);
  auto other = initialize();
  CAF_CHECK_NOT_EQUAL(id, other);
  CAF_CHECK_EQUAL(live_sessions(), 2u);
}

CAF_TEST(a message for an unknown session is answered with 404) {
  auto s = post("0123456789abcdef0123456789abcdef", R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  CAF_CHECK(refused_as(*s, fault_kind::session_not_found));
  CAF_CHECK_EQUAL(error_code(s->body), -32001);
}

CAF_TEST(a non initialize message without a session id is answered with 400) {
  auto s = post("", R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  CAF_CHECK(refused_as(*s, fault_kind::malformed));
}

CAF_TEST(delete ends the session and the supervisor reaps it) {
  auto id = initialize();
  auto del = std::make_shared<recording_sink>();
  caf::anon_send(sup, atom::inbound_v, inbound{inbound_verb::del, id, "", std::nullopt, "", del});
  consume_messages();
  CAF_CHECK_EQUAL(del->status, 200);
  CAF_CHECK_EQUAL(live_sessions(), 0u);
  auto after = post(id, R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  CAF_CHECK(refused_as(*after, fault_kind::session_not_found));
}

CAF_TEST(a cancelled request stops its timer and sends no response) {
  auto id = initialize();
  auto call = post(id, R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"slow"}})");
  post(id, R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9}})");
  CAF_CHECK_EQUAL(cancelled->load(), 1);
  advance_time(6s);
  consume_messages();
  CAF_CHECK(call->messages().empty());
  CAF_CHECK(call->closed);
}

CAF_TEST(a tool timer fires on virtual time) {
  auto id = initialize();
  auto call = post(id, R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"slow"}})");
  consume_messages();
  CAF_CHECK(call->messages().empty());
  advance_time(5s);
  consume_messages();
  CAF_REQUIRE_EQUAL(call->messages().size(), 1u);
  CAF_CHECK(call->messages()[0].find("done") != std::string::npos);
}

CAF_TEST(idle sessions expire while busy ones stay) {
  auto idle = initialize();
  auto busy = initialize();
  post(busy, R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"forever"}})");
  for (int i = 0; i < 7; ++i) {
    advance_time(10s);
    consume_messages();
  }
  CAF_CHECK_EQUAL(live_sessions(), 1u);
  // The sinks are kept in locals: the check macros bind references to their arguments.
  auto gone = post(idle, R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  auto alive = post(busy, R"({"jsonrpc":"2.0","id":2,"method":"ping"})");
  CAF_CHECK(refused_as(*gone, fault_kind::session_not_found));
  CAF_CHECK_EQUAL(alive->status, 0);
  CAF_CHECK(!alive->refused);
}

CAF_TEST(a session with recent activity survives the sweep) {
  auto id = initialize();
  for (int i = 0; i < 10; ++i) {
    advance_time(10s);
    consume_messages();
    post(id, R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  }
  CAF_CHECK_EQUAL(live_sessions(), 1u);
}

CAF_TEST(shutdown drains in flight requests before the sessions end) {
  auto id = initialize();
  auto call = post(id, R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"slow"}})");
  self->send(sup, atom::shutdown_v);
  consume_messages();
  CAF_CHECK_EQUAL(live_sessions(), 1u);
  advance_time(5s);
  consume_messages();
  CAF_CHECK(call->last().find("done") != std::string::npos);
  CAF_CHECK_EQUAL(live_sessions(), 0u);
  auto refused = post("", R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
  CAF_CHECK(refused_as(*refused, fault_kind::unavailable));
}

CAF_TEST(list changed is fanned out to every initialized session) {
  auto a = initialize();
  auto b = initialize();
  auto ga = std::make_shared<recording_sink>();
  auto gb = std::make_shared<recording_sink>();
  caf::anon_send(sup, atom::inbound_v, inbound{inbound_verb::get, a, "", std::nullopt, "", ga});
  caf::anon_send(sup, atom::inbound_v, inbound{inbound_verb::get, b, "", std::nullopt, "", gb});
  consume_messages();
  caf::anon_send(sup, atom::changed_v, std::string("tools"));
  consume_messages();
  CAF_CHECK_EQUAL(ga->messages().size(), 1u);
  CAF_CHECK_EQUAL(gb->messages().size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

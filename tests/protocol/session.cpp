#define CAF_SUITE protocol.session
#include "caf/test/unit_test.hpp"

#include "protocol/content.hpp"
#include "support/fake_session_env.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

struct fixture : session_env {
  bool cancel_hook_ran = false;

  fixture() {
    tool_spec echo{"echo", "Echo", "Echoes its text",
                   R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false})"};
    cat->add_tool(echo, [](const json::value& args, ctx_ptr ctx) {
      ctx->reply(tool_result().text(args["text"].GetString()).str());
    });
    cat->add_tool({"slow", "", "Answers after a second unless cancelled"},
                  [this](const json::value&, ctx_ptr ctx) {
                    ctx->on_cancel([this] { cancel_hook_ran = true; });
                    ctx->after(1s, [ctx] { ctx->reply(tool_result().text("late").str()); });
                  });
    cat->add_tool({"ask", "", "Asks the client to sample"}, [](const json::value&, ctx_ptr ctx) {
      ctx->request_client("sampling/createMessage", R"({"messages":[],"maxTokens":5})", 2s,
                          [ctx](expected<std::string, rpc_error> r) {
                            ctx->reply(tool_result()
                                         .text(r ? *r : "error " + std::to_string(r.error().code))
                                         .str());
                          });
    });
    cat->add_tool({"steps", "", "Reports progress and logs"}, [](const json::value&, ctx_ptr ctx) {
      ctx->progress(1, 3);
      ctx->progress(1, 3); // not increasing: dropped
      ctx->progress(2, 3, "half");
      ctx->log(log_level::debug, "t", "\"debug detail\"");
      ctx->log(log_level::error, "t", "\"bad thing\"");
      ctx->reply(tool_result().text("done").str());
    });
    cat->add_tool({"poll", "", "Closes its stream, answers later"},
                  [](const json::value&, ctx_ptr ctx) {
                    ctx->close_stream();
                    ctx->after(100ms, [ctx] { ctx->reply(tool_result().text("after poll").str()); });
                  });
    cat->add_resource({"test://r", "r", "", "", "text/plain"},
                      [](const std::string& uri, const uri_vars&, ctx_ptr ctx) {
                        ctx->reply(read_text_result(uri, "text/plain", "hello"));
                      });
    cat->page_size = 2;
    start();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_tests, fixture)

CAF_TEST(initialize echoes a supported version and declares capabilities) {
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}})");
  CAF_CHECK(s->opened);
  CAF_CHECK_EQUAL(s->session_header, "sid-1");
  auto d = parsed(s->last());
  CAF_CHECK_EQUAL(std::string(d["result"]["protocolVersion"].GetString()), "2025-06-18");
  CAF_CHECK(d["result"]["capabilities"].HasMember("tools"));
  CAF_CHECK(d["result"]["capabilities"]["resources"]["subscribe"].GetBool());
  CAF_CHECK_EQUAL(std::string(d["result"]["serverInfo"]["name"].GetString()), "twenty-mcp-server");
  CAF_CHECK(s->closed);
}

CAF_TEST(initialize answers the latest version when the client asks for an unknown one) {
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{}}})");
  CAF_CHECK_EQUAL(std::string(parsed(s->last())["result"]["protocolVersion"].GetString()),
                  "2025-11-25");
}

CAF_TEST(initialize without protocolVersion is an invalid params error) {
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
  CAF_CHECK_EQUAL(error_code(s->last()), -32602);
  CAF_CHECK(s->last().find("protocolVersion") != std::string::npos);
}

CAF_TEST(a second initialize is refused) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":9,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
  CAF_CHECK_EQUAL(error_code(s->last()), -32600);
}

CAF_TEST(requests before initialize are refused but ping works) {
  CAF_CHECK_EQUAL(error_code(post(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})")->last()),
                  -32600);
  auto p = post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})");
  CAF_CHECK_EQUAL(p->last(), R"({"jsonrpc":"2.0","id":2,"result":{}})");
}

CAF_TEST(streams open with a priming event that carries a resumable id) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  CAF_REQUIRE(s->events.size() == 2u);
  CAF_CHECK_EQUAL(s->events[0].second, "");
  CAF_CHECK(!s->events[0].first.empty());
}

CAF_TEST(old protocol versions get no priming event) {
  initialize("2025-03-26");
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  CAF_CHECK_EQUAL(s->events.size(), 1u);
}

CAF_TEST(notifications and responses are acknowledged with 202) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","method":"notifications/roots/list_changed"})");
  CAF_CHECK_EQUAL(s->status, 202);
  CAF_CHECK(s->body.empty());
}

CAF_TEST(an unknown method is method not found) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/destroy"})");
  CAF_CHECK_EQUAL(error_code(s->last()), -32601);
}

CAF_TEST(tools list pages with an opaque cursor and rejects a forged one) {
  initialize();
  auto p1 = parsed(post(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})")->last());
  CAF_CHECK_EQUAL(p1["result"]["tools"].Size(), 2u);
  CAF_REQUIRE(p1["result"].HasMember("nextCursor"));
  std::string cursor = p1["result"]["nextCursor"].GetString();
  auto p2 = parsed(post(R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":")"
                        + cursor + "\"}}")
                     ->last());
  CAF_CHECK_EQUAL(p2["result"]["tools"].Size(), 2u);
  auto bad = post(R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"bm9wZQ=="}})");
  CAF_CHECK_EQUAL(error_code(bad->last()), -32602);
}

CAF_TEST(calling an unknown tool is invalid params with a suggestion) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ecko"}})");
  CAF_CHECK_EQUAL(error_code(s->last()), -32602);
  CAF_CHECK(s->last().find("did you mean 'echo'") != std::string::npos);
}

CAF_TEST(bad tool arguments are an isError result naming the field) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"txt":"a"}}})");
  auto d = parsed(s->last());
  CAF_REQUIRE(d.HasMember("result"));
  CAF_CHECK(d["result"]["isError"].GetBool());
  std::string text = d["result"]["content"][0]["text"].GetString();
  CAF_MESSAGE(text);
  CAF_CHECK(text.find("'text'") != std::string::npos || text.find("'txt'") != std::string::npos);
}

CAF_TEST(a valid tool call answers on its own stream and closes it) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}})");
  auto d = parsed(s->last());
  CAF_CHECK_EQUAL(std::string(d["result"]["content"][0]["text"].GetString()), "hi");
  CAF_CHECK(s->closed);
  CAF_CHECK_EQUAL(sess->in_flight(), 0u);
}

CAF_TEST(cancellation stops the work and suppresses the response) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"slow"}})");
  CAF_CHECK_EQUAL(sess->in_flight(), 1u);
  auto n = post(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5,"reason":"user"}})");
  CAF_CHECK_EQUAL(n->status, 202);
  CAF_CHECK(cancel_hook_ran);
  CAF_CHECK_EQUAL(sess->in_flight(), 0u);
  host->advance(2s);
  CAF_CHECK(s->messages().empty());
  CAF_CHECK(s->closed);
}

CAF_TEST(server to client requests are correlated with the client response) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask"}})");
  auto req = parsed(s->last());
  CAF_REQUIRE(req.HasMember("method"));
  CAF_CHECK_EQUAL(std::string(req["method"].GetString()), "sampling/createMessage");
  auto id = json::stringify(req["id"]);
  auto ack = post(R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":{"role":"assistant","content":{"type":"text","text":"ok"}}})");
  CAF_CHECK_EQUAL(ack->status, 202);
  auto d = parsed(s->last());
  CAF_REQUIRE(d.HasMember("result"));
  CAF_CHECK(std::string(d["result"]["content"][0]["text"].GetString()).find("assistant")
            != std::string::npos);
}

CAF_TEST(server to client requests time out) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask"}})");
  host->advance(3s);
  auto d = parsed(s->last());
  CAF_REQUIRE(d.HasMember("result"));
  CAF_CHECK_EQUAL(std::string(d["result"]["content"][0]["text"].GetString()), "error -32003");
}

CAF_TEST(sampling is refused when the client lacks the capability) {
  initialize("2025-11-25", "{}");
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask"}})");
  auto d = parsed(s->last());
  CAF_CHECK_EQUAL(std::string(d["result"]["content"][0]["text"].GetString()), "error -32601");
}

CAF_TEST(progress needs a token and must increase) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"steps","_meta":{"progressToken":"tok"}}})");
  int progress = 0;
  for (auto& m : s->messages())
    if (m.find("notifications/progress") != std::string::npos) {
      ++progress;
      CAF_CHECK(m.find("\"progressToken\":\"tok\"") != std::string::npos);
    }
  CAF_CHECK_EQUAL(progress, 2);
  auto quiet = post(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"steps"}})");
  for (auto& m : quiet->messages())
    CAF_CHECK(m.find("notifications/progress") == std::string::npos);
}

CAF_TEST(a json only request carries its response alone and its logs go to the get stream) {
  initialize();
  auto standalone = get();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"steps"}})", true);
  CAF_REQUIRE_EQUAL(s->messages().size(), 1u);
  auto d = parsed(s->last());
  CAF_CHECK_EQUAL(std::string(d["result"]["content"][0]["text"].GetString()), "done");
  int logs = 0;
  for (auto& m : standalone->messages())
    logs += m.find("\"bad thing\"") != std::string::npos;
  CAF_CHECK_EQUAL(logs, 1);
}

CAF_TEST(a json only request that asks for progress is refused with the reason) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"steps","_meta":{"progressToken":"tok"}}})", true);
  CAF_REQUIRE_EQUAL(s->messages().size(), 1u);
  CAF_CHECK_EQUAL(error_code(s->last()), -32600);
  auto message = std::string(parsed(s->last())["error"]["message"].GetString());
  CAF_CHECK(message.find("progressToken") != std::string::npos);
  CAF_CHECK(message.find("text/event-stream") != std::string::npos);
}

CAF_TEST(a json only request cannot send server requests to the client) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask"}})", true);
  CAF_REQUIRE_EQUAL(s->messages().size(), 1u);
  auto d = parsed(s->last());
  CAF_REQUIRE(d.HasMember("result"));
  CAF_CHECK_EQUAL(std::string(d["result"]["content"][0]["text"].GetString()), "error -32600");
}

CAF_TEST(log messages below the session level are filtered) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"steps"}})");
  int logs = 0;
  for (auto& m : s->messages())
    logs += m.find("notifications/message") != std::string::npos;
  CAF_CHECK_EQUAL(logs, 1);
  post(R"({"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"debug"}})");
  auto s2 = post(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"steps"}})");
  logs = 0;
  for (auto& m : s2->messages())
    logs += m.find("notifications/message") != std::string::npos;
  CAF_CHECK_EQUAL(logs, 2);
  auto bad = post(R"({"jsonrpc":"2.0","id":4,"method":"logging/setLevel","params":{"level":"loud"}})");
  CAF_CHECK_EQUAL(error_code(bad->last()), -32602);
}

CAF_TEST(an unknown resource is resource not found) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"test://nope"}})");
  CAF_CHECK_EQUAL(error_code(s->last()), -32002);
}

CAF_TEST(subscribed resources notify updates on the standalone stream) {
  initialize();
  auto g = get();
  CAF_CHECK(g->opened);
  post(R"({"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"test://r"}})");
  sess->notify_resource_updated("test://r");
  sess->notify_resource_updated("test://other");
  CAF_REQUIRE_EQUAL(g->messages().size(), 1u);
  CAF_CHECK(g->messages()[0].find("notifications/resources/updated") != std::string::npos);
  post(R"({"jsonrpc":"2.0","id":2,"method":"resources/unsubscribe","params":{"uri":"test://r"}})");
  sess->notify_resource_updated("test://r");
  CAF_CHECK_EQUAL(g->messages().size(), 1u);
}

CAF_TEST(a second standalone stream is a conflict) {
  initialize();
  auto g1 = get();
  auto g2 = get();
  CAF_CHECK(refused_as(*g2, fault_kind::conflict));
  g1->live = false;
  auto g3 = get();
  CAF_CHECK(g3->opened);
}

CAF_TEST(a closed stream is resumed with last event id and replays the result) {
  initialize();
  auto s = post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"poll"}})");
  CAF_CHECK(s->closed);
  CAF_CHECK(s->messages().empty());
  auto priming_id = s->events.at(0).first;
  host->advance(200ms);
  auto g = get(priming_id);
  CAF_REQUIRE_EQUAL(g->messages().size(), 1u);
  CAF_CHECK(g->messages()[0].find("after poll") != std::string::npos);
  CAF_CHECK(g->closed);
}

CAF_TEST(list changed goes to the standalone stream once initialized) {
  initialize();
  auto g = get();
  sess->notify_list_changed("tools");
  CAF_REQUIRE_EQUAL(g->messages().size(), 1u);
  CAF_CHECK(g->messages()[0].find("notifications/tools/list_changed") != std::string::npos);
}

CAF_TEST(delete ends the session and later messages get 404) {
  initialize();
  auto slow = post(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}})");
  auto del = std::make_shared<recording_sink>();
  sess->handle(inbound{inbound_verb::del, "sid-1", "", std::nullopt, "", del});
  CAF_CHECK_EQUAL(del->status, 200);
  CAF_CHECK(cancel_hook_ran);
  CAF_CHECK(sess->ended());
  auto after = post(R"({"jsonrpc":"2.0","id":8,"method":"ping"})");
  CAF_CHECK(refused_as(*after, fault_kind::session_not_found));
}

CAF_TEST(drain waits for in flight requests) {
  initialize();
  auto slow = post(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}})");
  sess->drain();
  CAF_CHECK(!sess->ended());
  auto refused = post(R"({"jsonrpc":"2.0","id":8,"method":"ping"})");
  CAF_CHECK_EQUAL(error_code(refused->last()), -32603);
  host->advance(1s);
  CAF_CHECK(slow->last().find("late") != std::string::npos);
  CAF_CHECK(sess->ended());
}

CAF_TEST(a duplicate in flight id is refused) {
  initialize();
  post(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}})");
  auto dup = post(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}})");
  CAF_CHECK_EQUAL(error_code(dup->last()), -32600);
}

CAF_TEST(an aborted session answers every in flight request with the reason and ends) {
  initialize();
  auto a = post(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}})");
  auto b = post(R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"slow"}})");
  sess->abort(make_rpc_error(rpc_errc::internal_error, "supervisor crashed"));
  CAF_CHECK(sess->ended());
  CAF_CHECK(cancel_hook_ran);
  for (auto* s : {a.get(), b.get()}) {
    CAF_CHECK_EQUAL(error_code(s->last()), -32603);
    CAF_CHECK(s->last().find("supervisor crashed") != std::string::npos);
    CAF_CHECK(s->closed);
  }
  // The work's late answers go nowhere.
  host->advance(2s);
  CAF_CHECK(a->last().find("late") == std::string::npos);
}

CAF_TEST(requests beyond the in flight bound are refused as busy before any stream opens) {
  session_options opts;
  opts.max_in_flight = 1;
  opts.admission = std::make_shared<admission>(2);
  start(opts);
  initialize();
  post(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}})");
  auto busy = post(R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"slow"}})");
  CAF_REQUIRE(refused_as(*busy, fault_kind::unavailable));
  CAF_CHECK_EQUAL(busy->refused->retry_after_seconds, 1);
  CAF_CHECK_EQUAL(busy->refused->id, "8");
  CAF_CHECK(busy->refused->error.message.find("MCP_MAX_IN_FLIGHT_PER_SESSION") != std::string::npos);
  CAF_CHECK(busy->messages().empty());
  // Lists and pings are not bounded; the request's place comes back when it ends.
  CAF_CHECK_EQUAL(error_code(post(R"({"jsonrpc":"2.0","id":9,"method":"ping"})")->last()), 0);
  CAF_CHECK_EQUAL(opts.admission->in_flight(), 1u);
  host->advance(1s);
  CAF_CHECK_EQUAL(opts.admission->in_flight(), 0u);
  auto again = post(R"({"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}})");
  CAF_CHECK(!again->refused);
}

CAF_TEST_FIXTURE_SCOPE_END()

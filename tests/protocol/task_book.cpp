// The task book on a manual clock: input requests answered in parts, ttl expiry, cancellation,
// tasks/result waiting for the end, and a legacy session's task list.
#define CAF_SUITE protocol.task_book
#include "caf/test/unit_test.hpp"

#include "protocol/content.hpp"
#include "protocol/task_book.hpp"
#include "support/fake_session_env.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

struct fixture {
  std::shared_ptr<manual_host> host = std::make_shared<manual_host>();
  int64_t clock_ms = 1'000'000;
  std::shared_ptr<task_book> book;

  fixture() {
    task_book_options o;
    o.default_ttl = 60s;
    o.page_size = 2;
    o.unix_ms = [this] { return clock_ms; };
    book = std::make_shared<task_book>(host, o);
  }
  ~fixture() { host->queue.clear(); }

  task_view start(task_body body, std::string owner = {}, int64_t ttl = 0) {
    client_view client;
    client.capabilities = R"({"elicitation":{}})";
    auto made = book->start(task_origin{std::move(owner), client, ttl}, std::move(body));
    CAF_REQUIRE(made);
    host->run();
    return *made;
  }

  expected<task_answer, rpc_error> ask(task_query q) {
    std::optional<expected<task_answer, rpc_error>> got;
    book->query(q, [&](expected<task_answer, rpc_error> r) { got = std::move(r); });
    host->run();
    CAF_REQUIRE(got);
    return std::move(*got);
  }

  task_view get(const std::string& id, const std::string& owner = {}) {
    auto r = ask({task_op::get, id, owner, {}, {}});
    CAF_REQUIRE(r);
    return r->tasks.front();
  }
};

input_request elicit(const char* key) {
  return {key, "elicitation/create", R"({"message":"?","requestedSchema":{"type":"object"}})"};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(task_book_tests, fixture)

CAF_TEST(a task asking two inputs waits until both are answered one at a time) {
  auto t = start([](ctx_ptr ctx) {
    ctx->request_input({elicit("a"), elicit("b")}, 60s, [ctx](auto r) {
      ctx->reply(tool_result().text(r->at("a") + r->at("b")).str());
    });
  });
  auto v = get(t.id);
  CAF_CHECK(v.status == task_status::input_required);
  CAF_CHECK_NOT_EQUAL(v.input_requests.find("\"a\""), std::string::npos);
  CAF_CHECK_NOT_EQUAL(v.input_requests.find("\"b\""), std::string::npos);
  CAF_REQUIRE(ask({task_op::update, t.id, {}, {{"a", R"({"x":1})"}, {"zzz", "{}"}}, {}}));
  v = get(t.id);
  CAF_CHECK(v.status == task_status::input_required);
  CAF_CHECK_EQUAL(v.input_requests.find("\"a\""), std::string::npos);
  CAF_CHECK_NOT_EQUAL(v.input_requests.find("\"b\""), std::string::npos);
  CAF_REQUIRE(ask({task_op::update, t.id, {}, {{"b", R"({"y":2})"}}, {}}));
  v = get(t.id);
  CAF_CHECK(v.status == task_status::completed);
  CAF_CHECK_NOT_EQUAL(v.result.find(R"({\"x\":1}{\"y\":2})"), std::string::npos);
  CAF_CHECK(v.input_requests.empty());
}

CAF_TEST(a task is kept for its ttl and forgotten after it) {
  auto t = start([](ctx_ptr ctx) { ctx->reply(tool_result().text("done").str()); }, {}, 0);
  CAF_CHECK_EQUAL(t.ttl_ms, 60000);
  clock_ms += 59'999;
  CAF_CHECK(get(t.id).status == task_status::completed);
  clock_ms += 1;
  auto gone = ask({task_op::get, t.id, {}, {}, {}});
  CAF_REQUIRE(!gone);
  CAF_CHECK_EQUAL(gone.error().code, static_cast<int>(rpc_errc::invalid_params));
  CAF_CHECK_EQUAL(book->size(), 0u);
}

CAF_TEST(cancelling stops the work once and a late reply changes nothing) {
  int stopped = 0;
  ctx_ptr kept;
  auto t = start([&](ctx_ptr ctx) {
    kept = ctx;
    ctx->on_cancel([&] { ++stopped; });
  });
  host->run();
  CAF_CHECK(get(t.id).status == task_status::working);
  CAF_REQUIRE(ask({task_op::cancel, t.id, {}, {}, {}}));
  CAF_REQUIRE(ask({task_op::cancel, t.id, {}, {}, {}}));
  CAF_CHECK_EQUAL(stopped, 1);
  CAF_CHECK(kept->cancelled());
  kept->reply(tool_result().text("too late").str());
  host->run();
  auto v = get(t.id);
  CAF_CHECK(v.status == task_status::cancelled);
  CAF_CHECK(v.result.empty());
}

CAF_TEST(tasks result waits for the end and a session lists only its own tasks by page) {
  ctx_ptr kept;
  auto t = start([&](ctx_ptr ctx) { kept = ctx; }, "session-a", 5000);
  CAF_CHECK_EQUAL(t.ttl_ms, 5000);
  start([](ctx_ptr) {}, "session-a");
  start([](ctx_ptr) {}, "session-a");
  start([](ctx_ptr) {}, "session-b");
  std::optional<expected<task_answer, rpc_error>> result;
  book->query({task_op::result, t.id, "session-a", {}, {}},
              [&](expected<task_answer, rpc_error> r) { result = std::move(r); });
  host->run();
  CAF_CHECK(!result);
  kept->progress(1, 4);
  host->run();
  CAF_CHECK_EQUAL(get(t.id, "session-a").message, "progress 1 of 4");
  kept->reply(tool_result().text("finished").str());
  host->run();
  CAF_REQUIRE(result && *result);
  CAF_CHECK(legacy_result((*result)->tasks.front()));
  CAF_CHECK_NOT_EQUAL(legacy_result((*result)->tasks.front())->find("related-task"),
                      std::string::npos);
  // Another session's id is unknown here; the list comes two at a time.
  CAF_CHECK(!ask({task_op::get, t.id, "session-b", {}, {}}));
  auto page1 = ask({task_op::list, {}, "session-a", {}, {}});
  CAF_REQUIRE(page1);
  CAF_CHECK_EQUAL(page1->tasks.size(), 2u);
  CAF_REQUIRE(!page1->next_cursor.empty());
  auto page2 = ask({task_op::list, {}, "session-a", {}, page1->next_cursor});
  CAF_REQUIRE(page2);
  CAF_CHECK_EQUAL(page2->tasks.size(), 1u);
  CAF_CHECK(page2->next_cursor.empty());
  CAF_CHECK(!ask({task_op::list, {}, "session-a", {}, "no-such-cursor"}));
}

CAF_TEST_FIXTURE_SCOPE_END()

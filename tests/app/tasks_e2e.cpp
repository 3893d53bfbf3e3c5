// MCP tasks end to end: the real server over HTTP against the stand-in. twenty_analytics and
// twenty_batch_operations run as tasks for a client that follows them (2026-07-28 extension, or
// a 2025-11-25 `task` param, whose session hears when the task ends); each poll is a fresh
// connection; a cancelled task stops its upstream calls; resources/read carries ttlMs from the
// real cache lifetimes.
#define CAF_SUITE app.tasks
#include "caf/test/unit_test.hpp"

#include <thread>

#include "app/modern_http_server.hpp"

using namespace tmcp;
using namespace tmcp::test;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* tasks_caps = R"({"extensions":{"io.modelcontextprotocol/tasks":{}}})";

struct server : modern_http_server {
  explicit server(std::vector<std::string> standin_args = {},
                  std::vector<std::string> server_args = {})
    : modern_http_server(std::move(standin_args), std::move(server_args)) {
    default_caps = tasks_caps;
  }

  json::document task_op(const std::string& method, const std::string& id,
                         const std::string& extra = "") {
    return modern(method, R"("taskId":")" + id + "\"" + extra, tasks_caps, id);
  }

  // Polls tasks/get until the task leaves working.
  json::document settle(const std::string& id) {
    for (int i = 0; i < 300; ++i) {
      auto t = task_op("tasks/get", id);
      std::string status = t["result"]["status"].GetString();
      if (status != "working")
        return t;
      std::this_thread::sleep_for(100ms);
    }
    CAF_FAIL("task " << id << " never finished");
    return {};
  }
};

std::string status_of(const json::document& answer) {
  return answer["result"]["status"].GetString();
}

// A legacy (2025-11-25) session over HTTP.
struct legacy_session {
  uint16_t port;
  std::string sid;
  int next_id = 1;

  explicit legacy_session(uint16_t p) : port(p) {
    test_client c{port};
    auto res = c.exchange(post_request(
      port, R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":)"
            R"("2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}})"));
    CAF_REQUIRE(res);
    sid = res->header("Mcp-Session-Id");
    CAF_REQUIRE(!sid.empty());
    CAF_CHECK(answer_of(res->body)["result"]["capabilities"].HasMember("tasks"));
    test_client n{port};
    n.exchange(post_request(port, R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                            sid, "2025-11-25"));
  }

  json::document request(const std::string& method, const std::string& params) {
    test_client c{port, 60s};
    auto res = c.exchange(post_request(port,
                                       R"({"jsonrpc":"2.0","id":)" + std::to_string(next_id++)
                                         + R"(,"method":")" + method + R"(","params":)" + params
                                         + "}",
                                       sid, "2025-11-25"));
    CAF_REQUIRE(res);
    return answer_of(res->body);
  }
};

} // namespace

CAF_TEST(a modern client that follows tasks polls an analytics task to the result of a plain call) {
  server s;
  auto args = R"({"analysis":"trends","object":"opportunities","granularity":"year"})";
  auto plain = s.call("twenty_analytics", args, "{}");
  CAF_REQUIRE(plain.HasMember("result"));
  CAF_CHECK_EQUAL(std::string(plain["result"]["resultType"].GetString()), "complete");
  CAF_REQUIRE(plain["result"].HasMember("structuredContent"));
  auto created = s.call("twenty_analytics", args);
  CAF_REQUIRE(created.HasMember("result"));
  auto& c = created["result"];
  CAF_CHECK_EQUAL(std::string(c["resultType"].GetString()), "task");
  CAF_CHECK(!c.HasMember("content"));
  CAF_CHECK_GREATER(c["ttlMs"].GetInt64(), 0);
  CAF_CHECK_GREATER(c["pollIntervalMs"].GetInt64(), 0);
  std::string id = c["taskId"].GetString();
  // Every poll is a request of its own, on its own connection: the task outlived its request.
  auto done = s.settle(id);
  CAF_REQUIRE_EQUAL(status_of(done), "completed");
  auto& result = done["result"]["result"];
  CAF_CHECK_EQUAL(json::stringify(result["structuredContent"]["result"]),
                  json::stringify(plain["result"]["structuredContent"]["result"]));
}

CAF_TEST(cancelling a running analytics task stops its upstream calls and settles it cancelled) {
  server s({"--scale", "3000", "--latency-ms", "150"});
  auto created = s.call("twenty_analytics", R"({"analysis":"trends"})");
  std::string id = created["result"]["taskId"].GetString();
  // Progress shows as the status message while the pages are read.
  std::string message;
  for (int i = 0; i < 100 && message.empty(); ++i) {
    auto t = s.task_op("tasks/get", id);
    CAF_REQUIRE_EQUAL(status_of(t), "working");
    if (t["result"].HasMember("statusMessage"))
      message = t["result"]["statusMessage"].GetString();
    else
      std::this_thread::sleep_for(50ms);
  }
  CAF_CHECK_NOT_EQUAL(message.find("records read"), std::string::npos);
  auto ack = s.task_op("tasks/cancel", id);
  CAF_CHECK_EQUAL(json::stringify(ack["result"]), R"({"resultType":"complete"})");
  CAF_CHECK_EQUAL(status_of(s.task_op("tasks/get", id)), "cancelled");
  std::this_thread::sleep_for(500ms);
  auto calls = s.standin.count("GET /rest/{object}");
  std::this_thread::sleep_for(1s);
  CAF_CHECK_EQUAL(s.standin.count("GET /rest/{object}"), calls);
  CAF_CHECK_LESS(calls, 15);
  // Cancelling it again is the same acknowledgement.
  CAF_CHECK_EQUAL(json::stringify(s.task_op("tasks/cancel", id)["result"]),
                  R"({"resultType":"complete"})");
}

CAF_TEST(a batch runs as a task and the task methods refuse what they do not know) {
  server s;
  auto created = s.call("twenty_batch_operations",
                        R"({"object":"companies","operation":"create","records":[)"
                        R"({"name":"Task Co 1"},{"name":"Task Co 2"}]})");
  std::string id = created["result"]["taskId"].GetString();
  auto done = s.settle(id);
  CAF_REQUIRE_EQUAL(status_of(done), "completed");
  auto& out = done["result"]["result"]["structuredContent"];
  CAF_CHECK_EQUAL(out["succeeded"].GetInt(), 2);
  std::string made = out["results"][1]["id"].GetString();
  auto [status, body] = s.standin.http("GET", "/rest/companies/" + made);
  CAF_CHECK_EQUAL(status, 200);
  CAF_CHECK_NOT_EQUAL(body.find("Task Co 2"), std::string::npos);
  // Unknown id, no extension, and the methods the 2026-07-28 extension dropped.
  CAF_CHECK_EQUAL(s.task_op("tasks/get", "task-nope")["error"]["code"].GetInt(), -32602);
  auto refused = s.modern("tasks/get", R"("taskId":")" + id + "\"", "{}", id);
  CAF_CHECK_EQUAL(refused["error"]["code"].GetInt(), -32021);
  CAF_CHECK_EQUAL(s.modern("tasks/list", "")["error"]["code"].GetInt(), -32601);
}

CAF_TEST(a legacy session lists its own tasks and tasks result waits for the answer) {
  server s;
  legacy_session a{s.port};
  legacy_session b{s.port};
  // The session's standalone stream, where the end of its task is announced.
  test_client events{s.port, 30s};
  auto get = stream_request(s.port, "GET", a.sid);
  get.set("MCP-Protocol-Version", "2025-11-25");
  CAF_REQUIRE(events.send(get));
  auto head = events.receive_header();
  CAF_REQUIRE(head);
  CAF_REQUIRE_EQUAL(head->status, 200);
  auto created = a.request("tools/call", R"({"name":"twenty_analytics","arguments":)"
                                         R"({"analysis":"trends"},"task":{"ttl":60000}})");
  CAF_REQUIRE(created.HasMember("result"));
  auto& task = created["result"]["task"];
  std::string id = task["taskId"].GetString();
  CAF_CHECK_EQUAL(task["ttl"].GetInt64(), 60000);
  auto mine = json::stringify(a.request("tasks/list", "{}"));
  CAF_CHECK_NOT_EQUAL(mine.find(id), std::string::npos);
  CAF_CHECK_EQUAL(json::stringify(b.request("tasks/list", "{}")["result"]), R"({"tasks":[]})");
  CAF_CHECK_EQUAL(b.request("tasks/get", R"({"taskId":")" + id + "\"}")["error"]["code"].GetInt(),
                  -32602);
  // Blocks until the job is done, then answers the tool result tied to its task.
  auto result = a.request("tasks/result", R"({"taskId":")" + id + "\"}");
  CAF_REQUIRE(result.HasMember("result"));
  CAF_CHECK(result["result"].HasMember("structuredContent"));
  CAF_CHECK_EQUAL(std::string(result["result"]["_meta"]["io.modelcontextprotocol/related-task"]
                                    ["taskId"]
                                      .GetString()),
                  id);
  CAF_CHECK_EQUAL(
    std::string(a.request("tasks/get", R"({"taskId":")" + id + "\"}")["result"]["status"]
                  .GetString()),
    "completed");
  auto note = events.read_body_until("\"status\":\"completed\"");
  CAF_REQUIRE(note);
  CAF_CHECK_NOT_EQUAL(note->find("notifications/tasks/status"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(note->find(id), std::string::npos);
}

CAF_TEST(resource reads carry ttlMs from the cache lifetime and the schema refresh) {
  // A record of the server's own stand-in, read as a resource.
  auto read_person = [](server& s) {
    auto [status, body] = s.standin.http("GET", "/rest/people?limit=1");
    CAF_REQUIRE_EQUAL(status, 200);
    auto people = json::parse(body);
    CAF_REQUIRE(people);
    auto uri = "twenty://records/people/"
               + std::string((*people)["data"]["people"][0]["id"].GetString());
    auto rec = s.modern("resources/read", R"("uri":")" + uri + "\"", "{}", uri);
    CAF_REQUIRE(rec.HasMember("result"));
    return rec;
  };
  server s({}, {"--cache-ttl-ms", "12345", "--schema-refresh-seconds", "90"});
  auto rec = read_person(s);
  CAF_CHECK_EQUAL(rec["result"]["ttlMs"].GetInt64(), 12345);
  CAF_CHECK_EQUAL(std::string(rec["result"]["cacheScope"].GetString()), "private");
  auto schema = s.modern("resources/read", R"("uri":"twenty://schema")", "{}", "twenty://schema");
  CAF_REQUIRE(schema.HasMember("result"));
  auto ttl = schema["result"]["ttlMs"].GetInt64();
  CAF_CHECK_GREATER(ttl, 0);
  CAF_CHECK_LESS_OR_EQUAL(ttl, 90000);
  CAF_CHECK_EQUAL(std::string(schema["result"]["cacheScope"].GetString()), "public");
  // Without a cache, a record read may not be reused at all.
  server uncached({}, {"--cache-ttl-ms", "0"});
  CAF_CHECK_EQUAL(read_person(uncached)["result"]["ttlMs"].GetInt64(), 0);
}

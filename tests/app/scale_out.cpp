// Server instances, one stand-in, one real redis-server: a record cached by one instance is a
// hit on another, a webhook delivered to one instance invalidates and notifies all three
// within 100 ms, and the instances spend one Twenty rate budget between them.
#define CAF_SUITE app.scale_out
#include "caf/test/unit_test.hpp"

#include <atomic>
#include <thread>

#include "app/http_probe.hpp"
#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"
#include "app/webhook_client.hpp"
#include "integration/support/redis_process.hpp"
#include "tests/support/record_table.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

const std::string secret = "scale-out-secret";
const std::string path = "/webhooks/twenty";

struct instance {
  uint16_t webhook_port = free_port();
  std::unique_ptr<mcp_stdio_client> mcp;
};

struct fixture {
  redis_process redis;
  standin_process standin{{"--rate-short", "30/1000", "--no-rate-long"}};
  std::vector<instance> instances{3};

  fixture() {
    CAF_REQUIRE(!standin.url.empty());
    for (auto& i : instances) {
      i.mcp = std::make_unique<mcp_stdio_client>(std::vector<std::string>{
        TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url",
        standin.url, "--twenty-api-key", "standin-demo-key", "--webhook-port",
        std::to_string(i.webhook_port), "--webhook-secret", secret, "--redis-url",
        // Each instance is told Twenty's whole limit: the three spend it together over Redis.
        redis.url(), "--instances", "3", "--rate-short-limit", "30", "--rate-long-limit",
        "0"});
      CAF_REQUIRE(i.mcp->initialize());
    }
  }

  std::string read(mcp_stdio_client& c, const std::string& uri) {
    auto r = c.request("resources/read", R"({"uri":")" + uri + R"("})");
    CAF_REQUIRE(r.HasMember("result"));
    return r["result"]["contents"][0]["text"].GetString();
  }

  std::string first_id(mcp_stdio_client& c, const std::string& object) {
    auto r = c.call_tool("twenty_list_records", R"({"object":")" + object + R"(","limit":1})");
    CAF_REQUIRE(r.HasMember("structuredContent"));
    return std::string(records_of(r["structuredContent"])[0]["id"].GetString());
  }

  int64_t record_gets() {
    return standin.count("GET /rest/{object}/{id}") + standin.count("GET /rest/{object}");
  }

  static bool updated(mcp_stdio_client& c, const std::string& uri) {
    for (auto& line : c.notifications)
      if (line.find("notifications/resources/updated") != std::string::npos
          && line.find("\"" + uri + "\"") != std::string::npos)
        return true;
    return false;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(scale_out_tests, fixture)

CAF_TEST(a record cached by one instance is a cache hit on the others) {
  auto id = first_id(*instances[0].mcp, "companies");
  auto uri = "twenty://records/companies/" + id;
  auto before = record_gets();
  auto first = read(*instances[0].mcp, uri);
  CAF_CHECK_EQUAL(record_gets() - before, 1);
  std::this_thread::sleep_for(50ms); // the L2 store is asynchronous
  CAF_CHECK_EQUAL(read(*instances[1].mcp, uri), first);
  CAF_CHECK_EQUAL(read(*instances[2].mcp, uri), first);
  CAF_CHECK_EQUAL(record_gets() - before, 1);
}

CAF_TEST(a webhook delivered to one instance invalidates all three within 100 ms) {
  auto id = first_id(*instances[0].mcp, "people");
  auto uri = "twenty://records/people/" + id;
  for (auto& i : instances) {
    read(*i.mcp, uri); // cached everywhere
    CAF_REQUIRE(i.mcp->request("resources/subscribe", R"({"uri":")" + uri + R"("})")
                  .HasMember("result"));
  }
  // Changed in Twenty directly; the stand-in has no webhook, so the test delivers it.
  auto [status, body] = standin.http("PATCH", "/rest/people/" + id,
                                     R"({"jobTitle":"Scaled out"})");
  CAF_REQUIRE_EQUAL(status, 200);
  auto event = R"({"targetUrl":"x","eventName":"person.updated","objectMetadata":{"id":"m","nameSingular":"person"},"workspaceId":"w","webhookId":"h","eventDate":"2026-12-07T00:00:00.000Z","record":{"id":")"
               + id + R"("},"updatedFields":["jobTitle"]})";
  auto sent = std::chrono::steady_clock::now();
  CAF_REQUIRE_EQUAL(post_webhook(instances[1].webhook_port, path, event,
                                 signed_headers(secret, event))
                      .first,
                    200);
  // One reader per instance, so each notification is timed when its line arrives.
  std::vector<std::chrono::milliseconds> latency(3, std::chrono::milliseconds::max());
  std::vector<std::thread> readers;
  for (std::size_t k = 0; k < 3; ++k)
    readers.emplace_back([&, k] {
      auto& c = *instances[k].mcp;
      while (!updated(c, uri) && std::chrono::steady_clock::now() < sent + 5s)
        if (auto line = c.process().read_line(100ms))
          c.notifications.push_back(*line);
      if (updated(c, uri))
        latency[k] = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - sent);
    });
  for (auto& r : readers)
    r.join();
  for (std::size_t k = 0; k < 3; ++k) {
    CAF_MESSAGE("instance " << k << " notified after " << latency[k].count() << " ms");
    CAF_CHECK(latency[k] <= 100ms);
  }
  // Every instance's next read returns the new value (their L1 and the L2 were dropped).
  for (auto& i : instances)
    CAF_CHECK(read(*i.mcp, uri).find("Scaled out") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(instances sharing redis spend one twenty budget between them) {
  redis_process redis;
  standin_process standin{{"--rate-short", "20/1000", "--no-rate-long"}};
  CAF_REQUIRE(!standin.url.empty());
  std::vector<std::unique_ptr<mcp_stdio_client>> servers;
  for (int k = 0; k < 2; ++k) {
    // Both are told Twenty's whole limit, with the cache off so every call goes upstream.
    servers.push_back(std::make_unique<mcp_stdio_client>(std::vector<std::string>{
      TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url",
      standin.url, "--twenty-api-key", "standin-demo-key", "--redis-url", redis.url(),
      "--instances", "2", "--rate-short-limit", "20", "--rate-long-limit", "0",
      "--cache-ttl-ms", "0"}));
    CAF_REQUIRE(servers.back()->initialize());
  }
  standin.reset_stats();
  const int per_instance = 30; // together 60 calls: three seconds of Twenty's budget
  for (auto& s : servers)
    for (int i = 0; i < per_instance; ++i)
      s->process().write_line(
        R"({"jsonrpc":"2.0","id":"b)" + std::to_string(i)
        + R"(","method":"tools/call","params":{"name":"twenty_list_records","arguments":{"object":"people","fields":["id"],"limit":)"
        + std::to_string(1 + i) + "}}}");
  int ok = 0, failed = 0;
  for (auto& s : servers)
    for (int answered = 0; answered < per_instance;) {
      auto line = s->process().read_line(30s);
      CAF_REQUIRE(line.has_value());
      if (line->find("\"id\":\"b") == std::string::npos)
        continue;
      ++answered;
      (line->find("\"isError\":true") == std::string::npos ? ok : failed)++;
    }
  auto limited = standin.count("rateLimited");
  auto busiest = standin.count("requests"); // "busiestWindow":{"ms":1000,"requests":N}
  CAF_MESSAGE(ok << " calls answered, " << failed << " failed, Twenty answered 429 " << limited
                 << " times, at most " << busiest << " in one second");
  CAF_CHECK_EQUAL(ok, 2 * per_instance);
  // Each spending the whole limit on its own would draw about 20 refusals in the first second.
  CAF_CHECK_EQUAL(limited, 0);
  CAF_CHECK_LESS_OR_EQUAL(busiest, 20);
  CAF_CHECK_GREATER(busiest, 0);
}

CAF_TEST(redis stopped and restarted under load fails no tool call) {
  redis_process redis;
  standin_process standin;
  CAF_REQUIRE(!standin.url.empty());
  auto admin = free_port();
  mcp_stdio_client s{{TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn",
                      "--twenty-api-url", standin.url, "--twenty-api-key", "standin-demo-key",
                      "--redis-url", redis.url(), "--admin-port", std::to_string(admin),
                      // Short lifetimes keep the calls going through L2 and to Twenty.
                      "--cache-ttl-ms", "100"}};
  CAF_REQUIRE(s.initialize());
  auto redis_status = [&] {
    auto body = wait_http(admin, "/health").body;
    auto at = body.find("\"redis\":{\"status\":\"");
    return at == std::string::npos ? std::string("absent") : body.substr(at + 19, 7);
  };
  auto wait_for = [&](const std::string& status) {
    for (int i = 0; i < 100 && redis_status() != status; ++i)
      std::this_thread::sleep_for(100ms);
    return redis_status();
  };
  CAF_CHECK_EQUAL(redis_status(), "healthy");
  // One client calls without pause (a different page each time) for the whole outage.
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::string first_failure;
  std::thread load{[&] {
    for (int i = 0; !stop; ++i) {
      auto r = s.call_tool("twenty_list_records", R"({"object":"people","fields":["id"],"limit":)"
                                                    + std::to_string(1 + i % 40) + "}");
      bool good = r.IsObject() && r.HasMember("content") && !is_error_result(r);
      (good ? ok : failed)++;
      if (!good && first_failure.empty())
        first_failure = result_text(r).substr(0, 400);
    }
  }};
  std::this_thread::sleep_for(300ms);
  redis.stop();
  CAF_CHECK_EQUAL(wait_for("degrade"), "degrade");
  std::this_thread::sleep_for(300ms);
  CAF_REQUIRE(redis.start());
  CAF_CHECK_EQUAL(wait_for("healthy"), "healthy");
  std::this_thread::sleep_for(300ms);
  stop = true;
  load.join();
  CAF_MESSAGE(ok << " calls answered through the outage, " << failed << " failed "
                 << first_failure);
  CAF_CHECK_GREATER(ok.load(), 20);
  CAF_CHECK_EQUAL(failed.load(), 0);
}

// End to end with the real binaries: the stand-in delivers signed webhooks for writes made
// directly in it; the server's receiver verifies them, drops the cache and tells subscribed
// clients, whose next read returns the new value. Tampered deliveries change nothing. The
// server registers itself and manages webhooks over the route of the release the stand-in
// answers as (ctest app.webhooks@0.50: records at /rest/webhooks).
#define CAF_SUITE app.webhooks
#include "caf/test/unit_test.hpp"

#include <atomic>
#include <cstdlib>
#include <thread>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"
#include "app/webhook_client.hpp"
#include "tests/support/record_table.hpp"

using namespace tmcp;
using namespace tmcp::testing;
using namespace std::chrono_literals;

namespace {

const std::string secret = "e2e-webhook-secret";
const std::string path = "/webhooks/twenty";

// 0.50 keeps webhooks as records at /rest/webhooks (twenty-0.50/rest-webhooks-core.json).
bool webhooks_are_records() {
  auto r = std::getenv("TMCP_TWENTY_VERSION");
  return r && std::string(r) == "0.50";
}

std::string webhooks_route() {
  return webhooks_are_records() ? "/rest/webhooks" : "/rest/metadata/webhooks";
}

// The webhooks of a list answer of webhooks_route(): {data:{webhooks:[…]}} (0.50), a bare
// array (2.x) or {data:[…]} (newest).
std::vector<std::pair<std::string, std::string>> listed_webhooks(const std::string& body) {
  auto doc = json::parse(body);
  CAF_REQUIRE(doc);
  const json::value* list = &*doc;
  if (!doc->IsArray()) {
    list = json::find(*doc, "data");
    if (list && list->IsObject())
      list = json::find(*list, "webhooks");
  }
  CAF_REQUIRE(list && list->IsArray());
  std::vector<std::pair<std::string, std::string>> out; // targetUrl, secret
  for (auto& h : list->GetArray())
    out.emplace_back(h["targetUrl"].GetString(), h["secret"].GetString());
  return out;
}

struct fixture {
  standin_process standin;
  uint16_t webhook_port = free_port();
  std::unique_ptr<mcp_stdio_client> mcp;

  fixture() {
    CAF_REQUIRE(!standin.url.empty());
    mcp = std::make_unique<mcp_stdio_client>(std::vector<std::string>{
      TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url",
      standin.url, "--twenty-api-key", "standin-demo-key", "--webhook-port",
      std::to_string(webhook_port), "--webhook-secret", secret, "--webhook-max-body-bytes",
      "65536"});
    CAF_REQUIRE(mcp->initialize());
  }

  // Registers the server's receiver in the stand-in, as an operator would in Twenty.
  void register_webhook(const std::string& operations = R"(["*.*"])") {
    auto [status, body] = standin.http(
      "POST", webhooks_route(),
      R"({"targetUrl":"http://127.0.0.1:)" + std::to_string(webhook_port) + path
        + R"(","operations":)" + operations + R"(,"secret":")" + secret + R"("})");
    CAF_REQUIRE_EQUAL(status, 201);
  }

  std::string first_id(const std::string& object) {
    auto r = mcp->call_tool("twenty_list_records", R"({"object":")" + object + R"(","limit":1})");
    CAF_REQUIRE(r.HasMember("structuredContent"));
    return std::string(records_of(r["structuredContent"])[0]["id"].GetString());
  }

  std::string read(const std::string& uri) {
    auto r = mcp->request("resources/read", R"({"uri":")" + uri + R"("})");
    CAF_REQUIRE(r.HasMember("result"));
    return r["result"]["contents"][0]["text"].GetString();
  }

  void subscribe(const std::string& uri) {
    auto r = mcp->request("resources/subscribe", R"({"uri":")" + uri + R"("})");
    CAF_REQUIRE(r.HasMember("result"));
  }

  // resources/updated notifications received so far for `uri`.
  std::size_t updates_for(const std::string& uri) {
    std::size_t n = 0;
    for (auto& line : mcp->notifications)
      if (line.find("notifications/resources/updated") != std::string::npos
          && line.find("\"" + uri + "\"") != std::string::npos)
        ++n;
    return n;
  }

  // Waits until `uri` has had `n` updates; a ping keeps reading notifications meanwhile.
  bool wait_updates(const std::string& uri, std::size_t n, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (updates_for(uri) < n) {
      if (std::chrono::steady_clock::now() >= deadline)
        return false;
      mcp->request("ping", "{}");
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  std::string person_event(const std::string& id, const std::string& event = "person.updated") {
    return R"({"targetUrl":"x","eventName":")" + event
           + R"(","objectMetadata":{"id":"m","nameSingular":"person"},"workspaceId":"w","webhookId":"h","eventDate":")"
           + std::to_string(wall_ms()) + R"(","record":{"id":")" + id + R"("}})";
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(webhook_tests, fixture)

CAF_TEST(a write made directly in twenty reaches a subscribed client and the next read) {
  register_webhook();
  auto id = first_id("people");
  auto uri = "twenty://records/people/" + id;
  auto before = read(uri); // now cached
  CAF_CHECK(before.find("Changed directly in Twenty") == std::string::npos);
  subscribe(uri);
  auto [status, body] = standin.http("PATCH", "/rest/people/" + id,
                                     R"({"jobTitle":"Changed directly in Twenty"})");
  CAF_REQUIRE_EQUAL(status, 200);
  CAF_REQUIRE(wait_updates(uri, 1, 5s));
  CAF_CHECK(read(uri).find("Changed directly in Twenty") != std::string::npos);
}

CAF_TEST(a record created in twenty updates a subscribed collection) {
  register_webhook(R"(["company.created"])");
  auto uri = std::string("twenty://records/companies");
  CAF_CHECK(read(uri).find("Webhook Collection Co") == std::string::npos);
  subscribe(uri);
  auto [status, body] = standin.http("POST", "/rest/companies",
                                     R"({"name":"Webhook Collection Co"})");
  CAF_REQUIRE_EQUAL(status, 201);
  CAF_REQUIRE(wait_updates(uri, 1, 5s));
  CAF_CHECK(read(uri).find("Webhook Collection Co") != std::string::npos);
}

CAF_TEST(unsigned wrong stale replayed and oversized deliveries are refused and change nothing) {
  auto id = first_id("people");
  auto uri = "twenty://records/people/" + id;
  read(uri);
  subscribe(uri);
  auto gets = standin.count("GET /rest/{object}/{id}") + standin.count("GET /rest/{object}");
  auto body = person_event(id);
  CAF_CHECK_EQUAL(post_webhook(webhook_port, path, body, {}).first, 401);
  auto wrong = signed_headers("not-the-secret", body);
  CAF_CHECK_EQUAL(post_webhook(webhook_port, path, body, wrong).first, 401);
  auto stale = signed_headers(secret, body, wall_ms() - 301'000);
  CAF_CHECK_EQUAL(post_webhook(webhook_port, path, body, stale).first, 401);
  auto big = std::string(200'000, ' ') + body;
  CAF_CHECK_EQUAL(post_webhook(webhook_port, path, big, signed_headers(secret, big)).first, 413);
  // A valid delivery, then the very same request again (same nonce): the replay is refused.
  auto valid = signed_headers(secret, body);
  CAF_CHECK_EQUAL(post_webhook(webhook_port, path, body, valid).first, 200);
  CAF_REQUIRE(wait_updates(uri, 1, 5s));
  CAF_CHECK_EQUAL(post_webhook(webhook_port, path, body, valid).first, 401);
  std::this_thread::sleep_for(300ms);
  mcp->request("ping", "{}");
  CAF_CHECK_EQUAL(updates_for(uri), 1u);
  // Only the valid delivery dropped the cached record: one more upstream read, not more.
  read(uri);
  read(uri);
  auto after = standin.count("GET /rest/{object}/{id}") + standin.count("GET /rest/{object}");
  CAF_CHECK_EQUAL(after - gets, 1);
}

CAF_TEST(a duplicate delivery is processed once and deliveries under load answer within 5 s) {
  auto id = first_id("people");
  auto uri = "twenty://records/people/" + id;
  subscribe(uri);
  auto body = person_event(id);
  CAF_CHECK_EQUAL(post_webhook(webhook_port, path, body, signed_headers(secret, body)).first, 200);
  // Twenty's retry of the same job: same body, new timestamp and nonce.
  CAF_CHECK_EQUAL(post_webhook(webhook_port, path, body, signed_headers(secret, body)).first, 200);
  CAF_REQUIRE(wait_updates(uri, 1, 5s));
  // Load: 8 senders, 400 distinct signed events; every answer within Twenty's 5 s timeout.
  std::atomic<int> ok{0};
  std::atomic<int64_t> slowest{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t)
    senders.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto b = person_event(id, "person.updated") + std::string(t * 50 + i, ' ');
        auto start = std::chrono::steady_clock::now();
        auto status = post_webhook(webhook_port, path, b, signed_headers(secret, b)).first;
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
        if (status == 200)
          ++ok;
        int64_t prev = slowest;
        while (took > prev && !slowest.compare_exchange_weak(prev, took)) {
        }
      }
    });
  for (auto& s : senders)
    s.join();
  CAF_MESSAGE("slowest answer under load: " << slowest.load() << " ms");
  CAF_CHECK_EQUAL(ok.load(), 400);
  CAF_CHECK(slowest.load() < 5000);
  CAF_CHECK(wait_updates(uri, 401, 10s));
  std::this_thread::sleep_for(200ms);
  mcp->request("ping", "{}");
  CAF_CHECK_EQUAL(updates_for(uri), 401u);
}

CAF_TEST(a server with a public url registers its receiver once and reuses it after a restart) {
  auto port = free_port();
  auto url = "http://127.0.0.1:" + std::to_string(port) + path;
  auto start = [&] {
    auto client = std::make_unique<mcp_stdio_client>(std::vector<std::string>{
      TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url",
      standin.url, "--twenty-api-key", "standin-demo-key", "--webhook-port",
      std::to_string(port), "--webhook-public-url", url});
    CAF_REQUIRE(client->initialize());
    return client;
  };
  auto registrations = [&] {
    auto [status, body] = standin.http("GET", webhooks_route());
    CAF_REQUIRE_EQUAL(status, 200);
    std::vector<std::string> secrets;
    for (auto& [target, hook_secret] : listed_webhooks(body))
      if (target == url)
        secrets.emplace_back(hook_secret);
    return secrets;
  };
  for (int run = 0; run < 2; ++run) {
    CAF_MESSAGE("server run " << run + 1);
    mcp = start();
    auto secrets = registrations();
    CAF_REQUIRE_EQUAL(secrets.size(), 1u);
    CAF_CHECK_EQUAL(secrets[0].size(), 64u); // generated: 32 random bytes as hex
    // The registered secret is the one the receiver verifies with: a write in Twenty arrives.
    auto id = first_id("people");
    auto uri = "twenty://records/people/" + id;
    subscribe(uri);
    auto [status, body] = standin.http("PATCH", "/rest/people/" + id,
                                       R"({"jobTitle":"run )" + std::to_string(run) + R"("})");
    CAF_REQUIRE_EQUAL(status, 200);
    CAF_CHECK(wait_updates(uri, 1, 5s));
    mcp.reset();
  }
}

CAF_TEST(the webhook tool lists creates updates and deletes webhooks on the route of the release) {
  mcp = std::make_unique<mcp_stdio_client>(std::vector<std::string>{
    TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level", "warn", "--twenty-api-url",
    standin.url, "--twenty-api-key", "standin-demo-key", "--toolsets", "core,webhooks"});
  CAF_REQUIRE(mcp->initialize());
  auto tool = [&](const std::string& args) {
    auto r = mcp->call_tool("twenty_manage_webhooks", args);
    if (!r.IsObject() || is_error_result(r) || !r.HasMember("structuredContent"))
      CAF_FAIL("twenty_manage_webhooks " << args << " failed: " << json::stringify(r));
    json::document out;
    out.CopyFrom(r["structuredContent"], out.GetAllocator());
    return out;
  };
  const std::string route = webhooks_are_records() ? "records" : "metadata";
  auto listed = tool(R"({"action":"list"})");
  CAF_CHECK_EQUAL(std::string(listed["route"].GetString()), route);
  CAF_CHECK_EQUAL(listed["webhooks"].Size(), 0u);
  auto created = tool(
    R"({"action":"create","targetUrl":"https://hooks.example.com/crm","operations":["person.created"],"description":"e2e","secret":"tool-secret"})");
  CAF_CHECK_EQUAL(std::string(created["route"].GetString()), route);
  std::string id = created["webhook"]["id"].GetString();
  CAF_CHECK_EQUAL(std::string(created["webhook"]["targetUrl"].GetString()),
                  "https://hooks.example.com/crm");
  CAF_CHECK(created["webhook"]["hasSecret"].GetBool());
  // Twenty holds what the tool created, with the secret the tool never shows.
  auto [status, body] = standin.http("GET", webhooks_route());
  CAF_REQUIRE_EQUAL(status, 200);
  auto in_twenty = listed_webhooks(body);
  CAF_REQUIRE_EQUAL(in_twenty.size(), 1u);
  CAF_CHECK_EQUAL(in_twenty[0].second, "tool-secret");
  auto updated = tool(R"({"action":"update","id":")" + id
                      + R"(","operations":["person.*","company.created"]})");
  CAF_CHECK_EQUAL(updated["webhook"]["operations"].Size(), 2u);
  auto again = tool("{}");
  CAF_REQUIRE_EQUAL(again["webhooks"].Size(), 1u);
  CAF_CHECK_EQUAL(std::string(again["webhooks"][0]["operations"][1].GetString()),
                  "company.created");
  auto deleted = tool(R"({"action":"delete","id":")" + id + "\"}");
  CAF_CHECK_EQUAL(std::string(deleted["deleted"].GetString()), id);
  CAF_CHECK_EQUAL(tool("{}")["webhooks"].Size(), 0u);
  CAF_CHECK(listed_webhooks(standin.http("GET", webhooks_route()).second).empty());
}

CAF_TEST_FIXTURE_SCOPE_END()

// The hiredis client on its Asio thread, against a real redis-server on a loopback port:
// commands, pub/sub, the URL grammar, and what callers see while Redis is away and after it
// comes back.
#define CAF_SUITE integration.redis_client
#include "caf/test/unit_test.hpp"

#include <future>
#include <mutex>

#include "integration/redis_client.hpp"
#include "integration/support/redis_process.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::redis;

namespace {

reply call(client& c, std::vector<std::string> argv) {
  auto p = std::make_shared<std::promise<reply>>();
  c.command(std::move(argv), [p](reply r) { p->set_value(std::move(r)); });
  auto f = p->get_future();
  if (f.wait_for(5s) != std::future_status::ready) {
    CAF_FAIL("no answer within 5 s");
  }
  return f.get();
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

// What the client's callbacks saw; shared with them because the client outlives the test body
// (it is the fixture's) and still reports its state when the fixture shuts it down.
struct recorder {
  std::mutex mtx;
  std::vector<std::string> messages;
  std::vector<bool> states;
};

struct fixture {
  testing::redis_process server;
  std::shared_ptr<client> redis;

  fixture() {
    auto url = parse_redis_url(server.url());
    CAF_REQUIRE(url.has_value());
    client_options opts;
    opts.url = *url;
    opts.min_backoff = 20ms;
    opts.max_backoff = 200ms;
    redis = client::create(opts);
    CAF_REQUIRE(eventually([&] { return redis->up(); }));
  }
};

} // namespace

CAF_TEST(redis urls give host port database and password) {
  auto u = parse_redis_url("redis://:pw@10.0.0.5:6380/3");
  CAF_REQUIRE(u.has_value());
  CAF_CHECK_EQUAL(u->host, "10.0.0.5");
  CAF_CHECK_EQUAL(u->port, 6380);
  CAF_CHECK_EQUAL(u->db, 3);
  CAF_CHECK_EQUAL(u->password, "pw");
  auto plain = parse_redis_url("redis://cache");
  CAF_REQUIRE(plain.has_value());
  CAF_CHECK_EQUAL(plain->port, 6379);
  CAF_CHECK_EQUAL(plain->db, 0);
  auto v6 = parse_redis_url("redis://user:secret@[::1]:7000/");
  CAF_REQUIRE(v6.has_value());
  CAF_CHECK_EQUAL(v6->host, "::1");
  CAF_CHECK_EQUAL(v6->port, 7000);
  CAF_CHECK_EQUAL(v6->password, "secret");
  for (auto bad : {"http://x", "redis://", "redis://h:0", "redis://h:99999", "redis://h/x",
                   "redis://[::1"})
    CAF_CHECK(!parse_redis_url(bad).has_value());
}

CAF_TEST_FIXTURE_SCOPE(redis_tests, fixture)

CAF_TEST(commands get redis answers of every kind) {
  CAF_CHECK(call(*redis, {"SET", "k", std::string("v\0w", 3)}).ok());
  auto got = call(*redis, {"GET", "k"});
  CAF_CHECK(got.type == reply::kind::string);
  CAF_CHECK_EQUAL(got.str, std::string("v\0w", 3));
  CAF_CHECK(call(*redis, {"GET", "missing"}).type == reply::kind::nil);
  CAF_CHECK_EQUAL(call(*redis, {"INCRBY", "n", "41"}).integer, 41);
  auto arr = call(*redis, {"MGET", "k", "missing"});
  CAF_REQUIRE(arr.type == reply::kind::array);
  CAF_CHECK_EQUAL(arr.elements.size(), 2u);
  auto err = call(*redis, {"NOSUCHCOMMAND"});
  CAF_CHECK(err.type == reply::kind::error);
  CAF_CHECK(!err.ok());
}

CAF_TEST(published messages reach the subscriber) {
  auto log = std::make_shared<recorder>();
  auto& mtx = log->mtx;
  auto& got = log->messages;
  redis->subscribe("chan", [log](std::string m) {
    std::lock_guard<std::mutex> guard(log->mtx);
    log->messages.push_back(std::move(m));
  });
  // The subscription is live once a publish reaches one receiver.
  CAF_REQUIRE(eventually([&] { return call(*redis, {"PUBLISH", "chan", "hello"}).integer == 1; }));
  CAF_CHECK(eventually([&] {
    std::lock_guard<std::mutex> guard(mtx);
    return !got.empty() && got.back() == "hello";
  }));
}

CAF_TEST(while redis is away commands fail at once and after a restart everything is back) {
  auto log = std::make_shared<recorder>();
  auto& mtx = log->mtx;
  auto& got = log->messages;
  auto& states = log->states;
  redis->on_state([log](bool up) {
    std::lock_guard<std::mutex> guard(log->mtx);
    log->states.push_back(up);
  });
  redis->subscribe("chan", [log](std::string m) {
    std::lock_guard<std::mutex> guard(log->mtx);
    log->messages.push_back(std::move(m));
  });
  CAF_REQUIRE(eventually([&] { return call(*redis, {"PUBLISH", "chan", "a"}).integer == 1; }));
  server.stop();
  CAF_REQUIRE(eventually([&] { return !redis->up(); }));
  auto start = std::chrono::steady_clock::now();
  auto r = call(*redis, {"GET", "k"});
  CAF_CHECK(r.type == reply::kind::disconnected);
  CAF_CHECK(std::chrono::steady_clock::now() - start < 500ms);
  CAF_REQUIRE(server.start());
  CAF_REQUIRE(eventually([&] { return redis->up(); }));
  CAF_CHECK(call(*redis, {"SET", "k", "again"}).ok());
  // The subscription was renewed on the new connection.
  CAF_CHECK(eventually([&] { return call(*redis, {"PUBLISH", "chan", "b"}).integer == 1; }));
  CAF_CHECK(eventually([&] {
    std::lock_guard<std::mutex> guard(mtx);
    return !got.empty() && got.back() == "b";
  }));
  std::lock_guard<std::mutex> guard(mtx);
  CAF_CHECK(states.size() >= 3u); // up (at registration), down, up
}

CAF_TEST(shutdown answers pending commands and later ones) {
  redis->shutdown();
  CAF_CHECK(!redis->up());
  auto r = call(*redis, {"GET", "k"});
  CAF_CHECK(r.type == reply::kind::disconnected);
}

CAF_TEST_FIXTURE_SCOPE_END()

// The shared L2 cache against a real redis-server: a value stored by one instance is a hit
// for another, tags drop what they list, large values are compressed, no Redis is a miss.
#define CAF_SUITE integration.l2_cache
#include "caf/test/unit_test.hpp"

#include <future>

#include "integration/l2_cache.hpp"
#include "integration/support/redis_process.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::twenty;

namespace {

std::optional<std::string> get(l2_cache& c, const std::string& key) {
  auto p = std::make_shared<std::promise<std::optional<std::string>>>();
  c.get(key, [p](std::optional<std::string> v) { p->set_value(std::move(v)); });
  auto f = p->get_future();
  CAF_REQUIRE(f.wait_for(5s) == std::future_status::ready);
  return f.get();
}

struct fixture {
  testing::redis_process server;
  std::shared_ptr<redis::client> ra, rb;

  fixture() {
    redis::client_options opts;
    opts.url = *redis::parse_redis_url(server.url());
    ra = redis::client::create(opts);
    rb = redis::client::create(opts);
    for (int i = 0; i < 500 && !(ra->up() && rb->up()); ++i)
      std::this_thread::sleep_for(10ms);
    CAF_REQUIRE(ra->up() && rb->up());
  }

  // Puts are fire-and-forget: a GET on the same connection comes after them.
  void settle(l2_cache& c) { get(c, "settle"); }
};

} // namespace

CAF_TEST(values survive encoding raw or compressed and garbage decodes to nothing) {
  std::string small = "{\"id\":1}";
  std::string big(100000, 'a');
  // Locals and values: CAF_CHECK_EQUAL holds a reference, which into a temporary dangles.
  auto raw = l2_cache::encode(small, 4096);
  CAF_CHECK_EQUAL(raw[0], 'r');
  auto packed = l2_cache::encode(big, 4096);
  CAF_CHECK_EQUAL(packed[0], 'z');
  CAF_CHECK(packed.size() < 2000);
  CAF_CHECK_EQUAL(l2_cache::decode(packed).value_or(""), big);
  CAF_CHECK_EQUAL(l2_cache::decode(raw).value_or(""), small);
  CAF_CHECK(!l2_cache::decode("zjunk").has_value());
  CAF_CHECK(!l2_cache::decode("").has_value());
}

CAF_TEST_FIXTURE_SCOPE(l2_tests, fixture)

CAF_TEST(a value stored by one instance is a hit for another) {
  l2_cache a{ra, "t:ws", 5000ms};
  l2_cache b{rb, "t:ws", 5000ms};
  a.put("k1", "value-1", {"object:people"});
  a.put("big", std::string(50000, 'x'), {"object:companies"});
  settle(a);
  CAF_CHECK_EQUAL(get(b, "k1").value_or("-"), "value-1");
  CAF_CHECK_EQUAL(get(b, "big").value_or("-").size(), 50000u);
  CAF_CHECK(!get(b, "k2").has_value());
}

CAF_TEST(invalidating a tag drops what it lists and the star drops everything) {
  l2_cache a{ra, "t:ws", 5000ms};
  a.put("p1", "1", {"object:people", "record:people:1"});
  a.put("p2", "2", {"object:people"});
  a.put("c1", "3", {"object:companies"});
  a.invalidate({"record:people:1"});
  settle(a);
  CAF_CHECK(!get(a, "p1").has_value());
  CAF_CHECK(get(a, "p2").has_value());
  a.invalidate({"*"});
  settle(a);
  CAF_CHECK(!get(a, "p2").has_value());
  CAF_CHECK(!get(a, "c1").has_value());
}

CAF_TEST(entries expire after the ttl) {
  l2_cache a{ra, "t:ws", 100ms};
  a.put("short", "x", {});
  settle(a);
  CAF_CHECK(get(a, "short").has_value());
  std::this_thread::sleep_for(200ms);
  CAF_CHECK(!get(a, "short").has_value());
}

CAF_TEST(without redis every get is a miss at once) {
  l2_cache a{ra, "t:ws", 5000ms};
  server.stop();
  for (int i = 0; i < 500 && ra->up(); ++i)
    std::this_thread::sleep_for(10ms);
  a.put("k", "v", {});
  auto start = std::chrono::steady_clock::now();
  CAF_CHECK(!get(a, "k").has_value());
  CAF_CHECK(std::chrono::steady_clock::now() - start < 100ms);
}

CAF_TEST_FIXTURE_SCOPE_END()

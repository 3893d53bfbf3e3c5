#define CAF_SUITE actors.cache_actor
#define FAIL(msg) CAF_FAIL(msg)
#include "caf/test/dsl.hpp"

#include "actors/cache_actor.hpp"

using namespace tmcp;
using namespace tmcp::actors;
using namespace std::chrono_literals;

namespace {

using tags = std::vector<std::string>;

struct fixture : test_coordinator_fixture<> {
  cache_actor cache;

  fixture() {
    cache_limits limits;
    limits.max_bytes = 4096;
    limits.default_ttl = 5s;
    limits.max_entry_bytes = 1024;
    cache = sys.spawn(cache_actor_impl, limits);
    consume_messages();
  }

  ~fixture() override { caf::anon_send_exit(cache, caf::exit_reason::user_shutdown); }

  void store(const std::string& key, const std::string& value, tags ts) {
    self->send(cache, atom::store_v, key, value, std::move(ts));
    consume_messages();
  }

  void invalidate(const std::string& what) {
    self->send(cache, atom::invalidate_v, what);
    consume_messages();
  }

  // The cache sets no timers, so the fixture's run()-based request() is deterministic.
  cache_lookup lookup(const std::string& key) {
    return request<cache_lookup>(cache, atom::lookup_v, key);
  }

  std::string stats() { return request<std::string>(cache, atom::stats_v); }

  const cache_store& store_of() {
    return deref<cache_actor::stateful_base<cache_state>>(cache).state.cache->with_store(
      [](const cache_store& s) -> const cache_store& { return s; });
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(cache_actor_tests, fixture)

CAF_TEST(a stored value is returned by a later lookup) {
  self->send(cache, atom::store_v, std::string{"ws1|rec|people|a|d0"}, std::string{"{}"},
             tags{"object:people", "record:people:a"});
  expect((atom::store, std::string, std::string, tags),
         from(self).to(cache).with(_, "ws1|rec|people|a|d0", "{}", _));
  auto found = lookup("ws1|rec|people|a|d0");
  CAF_CHECK(found.hit);
  CAF_CHECK_EQUAL(found.value, "{}");
}

CAF_TEST(a lookup of an unknown key is a miss) {
  auto found = lookup("ws1|rec|people|nobody|d0");
  CAF_CHECK(!found.hit);
  CAF_CHECK(found.value.empty());
}

CAF_TEST(an entry expires when the virtual clock passes its ttl) {
  store("ws1|q|people|h1", "[1]", {"object:people"});
  advance_time(4999ms);
  CAF_CHECK(lookup("ws1|q|people|h1").hit);
  advance_time(1ms);
  CAF_CHECK(!lookup("ws1|q|people|h1").hit);
  CAF_CHECK(!store_of().contains("ws1|q|people|h1"));
  CAF_CHECK_EQUAL(store_of().stats().expirations, 1u);
}

CAF_TEST(a write invalidates every cached query of its object) {
  store("ws1|q|people|h1", "[1]", {"object:people"});
  store("ws1|q|people|h2", "[2]", {"object:people"});
  store("ws1|q|companies|h1", "[3]", {"object:companies"});
  invalidate("object:people");
  CAF_CHECK(!lookup("ws1|q|people|h1").hit);
  CAF_CHECK(!lookup("ws1|q|people|h2").hit);
  CAF_CHECK(lookup("ws1|q|companies|h1").hit);
  CAF_CHECK_EQUAL(store_of().stats().invalidations, 2u);
}

CAF_TEST(a workspace prefix drops only that workspace) {
  store("ws1|q|people|h1", "[1]", {"object:people"});
  store("ws2|q|people|h1", "[2]", {"object:people"});
  invalidate("ws1|*");
  CAF_CHECK(!lookup("ws1|q|people|h1").hit);
  CAF_CHECK(lookup("ws2|q|people|h1").hit);
}

CAF_TEST(the limits given at spawn bound the cache) {
  store("too-big", std::string(2000, 'x'), {});
  CAF_CHECK(!lookup("too-big").hit);
  // 4096 bytes hold a handful of 500-byte values; the oldest go first.
  for (int i = 0; i < 10; ++i)
    store("k" + std::to_string(i), std::string(500, 'v'), {"object:x"});
  CAF_CHECK(!lookup("k0").hit);
  CAF_CHECK(lookup("k9").hit);
  auto s = store_of().stats();
  CAF_CHECK_LESS_OR_EQUAL(s.bytes, 4096u);
  CAF_CHECK_GREATER(s.evictions, 0u);
  CAF_CHECK_EQUAL(s.rejected, 1u);
}

CAF_TEST(stats are answered as json) {
  store("k", "v", {"t"});
  lookup("k");
  lookup("missing");
  auto json = stats();
  CAF_CHECK_EQUAL(json, store_of().stats_json());
  CAF_CHECK_NOT_EQUAL(json.find(R"("hits":1,"misses":1,)"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(json.find(R"("entries":1,)"), std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()

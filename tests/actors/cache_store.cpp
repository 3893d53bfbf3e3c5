#define CAF_SUITE actors.cache_store
#include "caf/test/unit_test.hpp"

#include "actors/cache_store.hpp"

using namespace tmcp::actors;
using namespace std::chrono_literals;

namespace {

using tags = std::vector<std::string>;

const cache_store::time_point t0{std::chrono::hours(1)};

// A record entry of `people` as the gateway would build it.
std::string rec_key(const std::string& id) {
  return "ws1|rec|people|" + id + "|d0";
}

tags rec_tags(const std::string& id) {
  return {"object:people", "record:people:" + id};
}

} // namespace

CAF_TEST(a lookup of an absent key is a miss and of a stored key a hit) {
  cache_store c;
  CAF_CHECK(!c.get(rec_key("a"), t0));
  c.put(rec_key("a"), R"({"id":"a"})", rec_tags("a"), t0);
  auto v = c.get(rec_key("a"), t0 + 1s);
  CAF_REQUIRE(v.has_value());
  CAF_CHECK_EQUAL(*v, R"({"id":"a"})");
  auto s = c.stats();
  CAF_CHECK_EQUAL(s.hits, 1u);
  CAF_CHECK_EQUAL(s.misses, 1u);
  CAF_CHECK_EQUAL(s.entries, 1u);
  CAF_CHECK_EQUAL(s.bytes, cache_store::entry_cost(rec_key("a"), R"({"id":"a"})", rec_tags("a")));
}

CAF_TEST(an entry lives for the default ttl and its expired lookup removes it) {
  cache_store c{cache_limits{1 << 20, 30s, 1 << 16}};
  c.put("k", "v", {"t"}, t0);
  CAF_CHECK(c.get("k", t0 + 29999ms).has_value());
  CAF_CHECK(!c.get("k", t0 + 30s));
  CAF_CHECK(!c.contains("k"));
  auto s = c.stats();
  CAF_CHECK_EQUAL(s.expirations, 1u);
  CAF_CHECK_EQUAL(s.misses, 1u);
  CAF_CHECK_EQUAL(s.entries, 0u);
  CAF_CHECK_EQUAL(s.bytes, 0u);
  CAF_CHECK_EQUAL(c.tag_count(), 0u);
}

CAF_TEST(an explicit ttl overrides the default and a non positive one is not stored) {
  cache_store c;
  c.put("short", "v", {}, t0, 100ms);
  c.put("none", "v", {}, t0, 0ms);
  CAF_CHECK(!c.contains("none"));
  CAF_CHECK_EQUAL(c.stats().rejected, 1u);
  CAF_CHECK(c.get("short", t0 + 99ms).has_value());
  CAF_CHECK(!c.get("short", t0 + 100ms));
}

CAF_TEST(the least recently used entry is evicted first and a hit refreshes its position) {
  // Room for exactly three entries of equal cost.
  auto cost = cache_store::entry_cost("k1", "0123456789", {"object:x"});
  cache_store c{cache_limits{3 * cost, 30s, cost}};
  c.put("k1", "0123456789", {"object:x"}, t0);
  c.put("k2", "0123456789", {"object:x"}, t0);
  c.put("k3", "0123456789", {"object:x"}, t0);
  CAF_CHECK_EQUAL(c.stats().bytes, 3 * cost);
  CAF_CHECK(c.get("k1", t0).has_value()); // k2 is now the least recently used
  c.put("k4", "0123456789", {"object:x"}, t0);
  CAF_CHECK(!c.contains("k2"));
  CAF_CHECK(c.contains("k1"));
  CAF_CHECK(c.contains("k3"));
  CAF_CHECK(c.contains("k4"));
  c.put("k5", "0123456789", {"object:x"}, t0);
  CAF_CHECK(!c.contains("k3"));
  auto s = c.stats();
  CAF_CHECK_EQUAL(s.evictions, 2u);
  CAF_CHECK_EQUAL(s.entries, 3u);
  CAF_CHECK_EQUAL(s.bytes, 3 * cost);
}

CAF_TEST(one large entry evicts as many small ones as it needs) {
  auto small = cache_store::entry_cost("s1", "x", {});
  auto big = cache_store::entry_cost("big", std::string(2 * small, 'y'), {});
  cache_store c{cache_limits{big + small, 30s, big}};
  c.put("s1", "x", {}, t0);
  c.put("s2", "x", {}, t0);
  c.put("s3", "x", {}, t0);
  c.put("big", std::string(2 * small, 'y'), {}, t0);
  // Only the newest small entry still fits beside the big one.
  CAF_CHECK(c.contains("big"));
  CAF_CHECK(c.contains("s3"));
  CAF_CHECK(!c.contains("s1"));
  CAF_CHECK(!c.contains("s2"));
  CAF_CHECK_LESS_OR_EQUAL(c.stats().bytes, big + small);
}

CAF_TEST(an oversize entry is refused and drops the stale value it would replace) {
  cache_store c{cache_limits{1 << 20, 30s, 1024}};
  c.put("k", "old", {"object:people"}, t0);
  c.put("k", std::string(1024, 'z'), {"object:people"}, t0);
  CAF_CHECK(!c.contains("k"));
  CAF_CHECK(!c.get("k", t0));
  auto s = c.stats();
  CAF_CHECK_EQUAL(s.rejected, 1u);
  CAF_CHECK_EQUAL(s.entries, 0u);
  CAF_CHECK_EQUAL(s.bytes, 0u);
  CAF_CHECK_EQUAL(c.tag_count(), 0u);
}

CAF_TEST(replacing a key replaces its value tags and byte count) {
  cache_store c;
  c.put("k", "first", {"object:people", "record:people:1"}, t0);
  c.put("k", "second value", {"object:companies"}, t0);
  auto v = c.get("k", t0);
  CAF_REQUIRE(v.has_value());
  CAF_CHECK_EQUAL(*v, "second value");
  CAF_CHECK_EQUAL(c.stats().entries, 1u);
  CAF_CHECK_EQUAL(c.stats().bytes, cache_store::entry_cost("k", "second value",
                                                            {"object:companies"}));
  CAF_CHECK_EQUAL(c.invalidate("object:people"), 0u);
  CAF_CHECK_EQUAL(c.invalidate("object:companies"), 1u);
}

CAF_TEST(a write invalidates every cached query of its object) {
  cache_store c;
  c.put("ws1|q|people|h1", "[1]", {"object:people"}, t0);
  c.put("ws1|q|people|h2", "[2]", {"object:people"}, t0);
  c.put(rec_key("a"), "{}", rec_tags("a"), t0);
  c.put("ws1|q|companies|h1", "[3]", {"object:companies"}, t0);
  CAF_CHECK_EQUAL(c.invalidate("object:people"), 3u);
  CAF_CHECK(!c.contains("ws1|q|people|h1"));
  CAF_CHECK(!c.contains("ws1|q|people|h2"));
  CAF_CHECK(!c.contains(rec_key("a")));
  CAF_CHECK(c.contains("ws1|q|companies|h1"));
  CAF_CHECK_EQUAL(c.stats().invalidations, 3u);
  // The record tag went away with its only entry.
  CAF_CHECK_EQUAL(c.tag_count(), 1u);
}

CAF_TEST(a record tag drops only that record) {
  cache_store c;
  c.put(rec_key("a"), "{}", rec_tags("a"), t0);
  c.put(rec_key("b"), "{}", rec_tags("b"), t0);
  CAF_CHECK_EQUAL(c.invalidate("record:people:a"), 1u);
  CAF_CHECK(!c.contains(rec_key("a")));
  CAF_CHECK(c.contains(rec_key("b")));
  CAF_CHECK_EQUAL(c.invalidate("object:people"), 1u);
}

CAF_TEST(invalidating an exact key drops only that entry) {
  cache_store c;
  c.put(rec_key("a"), "{}", rec_tags("a"), t0);
  c.put(rec_key("a") + "x", "{}", rec_tags("a"), t0);
  CAF_CHECK_EQUAL(c.invalidate(rec_key("a")), 1u);
  CAF_CHECK(!c.contains(rec_key("a")));
  CAF_CHECK(c.contains(rec_key("a") + "x"));
  CAF_CHECK_EQUAL(c.invalidate("no such key"), 0u);
}

CAF_TEST(a key that is also a tag is dropped once) {
  cache_store c;
  c.put("same", "v", {"same"}, t0);
  CAF_CHECK_EQUAL(c.invalidate("same"), 1u);
  CAF_CHECK_EQUAL(c.stats().entries, 0u);
  CAF_CHECK_EQUAL(c.stats().invalidations, 1u);
}

CAF_TEST(invalidating a prefix drops every key that starts with it) {
  cache_store c;
  c.put("ws1|q|people|h1", "[]", {"object:people"}, t0);
  c.put("ws1|rec|people|a|d0", "{}", {"object:people"}, t0);
  c.put("ws2|q|people|h1", "[]", {"object:people"}, t0);
  CAF_CHECK_EQUAL(c.invalidate("ws1|*"), 2u);
  CAF_CHECK(c.contains("ws2|q|people|h1"));
  CAF_CHECK_EQUAL(c.invalidate("ws2|q|people|h1*"), 1u); // the whole key is a prefix too
  CAF_CHECK_EQUAL(c.stats().entries, 0u);
  CAF_CHECK_EQUAL(c.tag_count(), 0u);
}

CAF_TEST(a lone star clears the cache) {
  cache_store c;
  c.put("a", "1", {}, t0);
  c.put("b", "2", {"t"}, t0);
  CAF_CHECK_EQUAL(c.invalidate("*"), 2u);
  CAF_CHECK_EQUAL(c.stats().bytes, 0u);
}

CAF_TEST(invalidating a tag after its entries were evicted or expired drops nothing) {
  auto cost = cache_store::entry_cost("k1", "v", {"object:people"});
  cache_store c{cache_limits{cost, 30s, cost}};
  c.put("k1", "v", {"object:people"}, t0);
  c.put("k2", "v", {"object:other"}, t0); // evicts k1
  CAF_CHECK(!c.contains("k1"));
  CAF_CHECK_EQUAL(c.invalidate("object:people"), 0u);
  CAF_CHECK(!c.get("k2", t0 + 30s)); // expires k2
  CAF_CHECK_EQUAL(c.invalidate("object:other"), 0u);
  CAF_CHECK_EQUAL(c.tag_count(), 0u);
  CAF_CHECK_EQUAL(c.stats().invalidations, 0u);
  // The store is still usable and tags index new entries again.
  c.put("k3", "v", {"object:people"}, t0 + 31s);
  CAF_CHECK_EQUAL(c.invalidate("object:people"), 1u);
}

CAF_TEST(duplicate tags are indexed and counted once) {
  cache_store c;
  c.put("k", "v", {"t", "t", "u"}, t0);
  CAF_CHECK_EQUAL(c.stats().bytes, cache_store::entry_cost("k", "v", {"t", "u"}));
  CAF_CHECK_EQUAL(c.tag_count(), 2u);
  CAF_CHECK_EQUAL(c.invalidate("t"), 1u);
  CAF_CHECK_EQUAL(c.tag_count(), 0u);
}

CAF_TEST(stats json reports every counter) {
  auto cost = cache_store::entry_cost("a", "1", {"t"});
  cache_store c{cache_limits{cost, 10s, cost}};
  c.put("a", "1", {"t"}, t0);
  c.get("a", t0);                   // hit
  c.get("zz", t0);                  // miss
  c.put("b", "2", {"t"}, t0);       // evicts a
  c.get("b", t0 + 10s);             // expiration and miss
  c.put("c", "3", {"t"}, t0);
  c.invalidate("t");                // invalidation
  c.put("d", std::string(2 * cost, 'x'), {}, t0); // rejected
  c.put("e", "5", {"t"}, t0);
  auto expected = R"({"hits":1,"misses":2,"evictions":1,"expirations":1,"invalidations":1,)"
                  R"("rejected":1,"entries":1,"bytes":)"
                  + std::to_string(cost) + R"(,"max_bytes":)" + std::to_string(cost) + "}";
  CAF_CHECK_EQUAL(c.stats_json(), expected);
}

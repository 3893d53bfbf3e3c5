// The wire form of a change between instances: what one instance publishes another reads
// back unchanged; anything else is ignored.
#define CAF_SUITE actors.change_hub
#include "caf/test/unit_test.hpp"

#include "actors/change_hub.hpp"

using namespace tmcp;
using namespace tmcp::actors;

CAF_TEST(a change survives the trip between instances) {
  change_note n{{"object:people", "record:people:1", "*"},
                {"twenty://records/people/1", "twenty://records/people"},
                true,
                "inst-a",
                false};
  auto back = from_wire(to_wire(n));
  CAF_REQUIRE(back.has_value());
  CAF_CHECK(back->tags == n.tags);
  CAF_CHECK(back->uris == n.uris);
  CAF_CHECK(back->refresh_schema);
  CAF_CHECK_EQUAL(back->origin, "inst-a");
  CAF_CHECK(!back->applied_here);
}

CAF_TEST(messages that are not changes from a named instance are ignored) {
  for (auto junk : {"", "null", "[]", R"({"tags":[],"uris":[]})",
                    R"({"origin":"","tags":[],"uris":[]})",
                    R"({"origin":"x","tags":[1],"uris":[]})",
                    R"({"origin":"x","tags":"a","uris":[]})"})
    CAF_CHECK(!from_wire(junk).has_value());
}

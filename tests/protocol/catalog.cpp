#define CAF_SUITE protocol.catalog
#include "caf/test/unit_test.hpp"

#include "protocol/catalog.hpp"
#include "protocol/conformance/fixtures.hpp"

using namespace tmcp;

namespace {

std::optional<std::string> check(const catalog& c, const char* tool, const char* args) {
  auto doc = json::parse(args);
  return c.validate_arguments(*c.find_tool(tool), *doc);
}

} // namespace

CAF_TEST(uri templates bind one segment per variable) {
  uri_vars vars;
  CAF_CHECK(match_uri_template("test://template/{id}/data", "test://template/123/data", vars));
  CAF_CHECK_EQUAL(vars["id"], "123");
  CAF_CHECK(!match_uri_template("test://template/{id}/data", "test://template/1/2/data", vars));
  CAF_CHECK(!match_uri_template("test://template/{id}/data", "test://template//data", vars));
  CAF_CHECK(match_uri_template("twenty://records/{object}/{id}", "twenty://records/people/abc",
                               vars));
  CAF_CHECK_EQUAL(vars["object"], "people");
  CAF_CHECK_EQUAL(vars["id"], "abc");
}

CAF_TEST(a duplicate tool or a broken schema is refused at registration) {
  catalog c;
  CAF_CHECK(c.add_tool({"a", "", "d"}, nullptr).has_value());
  CAF_CHECK(!c.add_tool({"a", "", "d"}, nullptr).has_value());
  CAF_CHECK(!c.add_tool({"b", "", "d", "[1]"}, nullptr).has_value());
}

CAF_TEST(tools list keeps json schema 2020-12 keywords verbatim) {
  catalog c;
  conformance::register_fixtures(c);
  auto page = c.list_tools(nullptr);
  CAF_REQUIRE(page.has_value());
  CAF_CHECK(page->find(R"("$schema":"https://json-schema.org/draft/2020-12/schema")")
            != std::string::npos);
  CAF_CHECK(page->find(R"("$defs":{"address")") != std::string::npos);
  CAF_CHECK(page->find(R"("additionalProperties":false)") != std::string::npos);
}

CAF_TEST(arguments are validated through refs into defs) {
  catalog c;
  conformance::register_fixtures(c);
  CAF_CHECK(!check(c, "json_schema_2020_12_tool", R"({"name":"a","address":{"city":"b"}})"));
  auto bad = check(c, "json_schema_2020_12_tool", R"({"address":{"city":5}})");
  CAF_REQUIRE(bad.has_value());
  CAF_MESSAGE(*bad);
  CAF_CHECK(bad->find("address.city") != std::string::npos);
  auto unknown = check(c, "json_schema_2020_12_tool", R"({"nmae":"x"})");
  CAF_REQUIRE(unknown.has_value());
  CAF_MESSAGE(*unknown);
  CAF_CHECK(unknown->find("did you mean 'name'") != std::string::npos);
}

CAF_TEST(missing required arguments are named) {
  catalog c;
  conformance::register_fixtures(c);
  auto bad = check(c, "test_sampling", "{}");
  CAF_REQUIRE(bad.has_value());
  CAF_CHECK(bad->find("missing required 'prompt'") != std::string::npos);
}

CAF_TEST(tool entries carry the title once and annotations with the hints) {
  catalog c;
  tool_spec t{"t", "Title", "desc"};
  t.annotations.read_only = true;
  t.annotations.open_world = false;
  c.add_tool(t, nullptr);
  auto page = c.list_tools(nullptr);
  CAF_CHECK(page->find(R"("title":"Title")") != std::string::npos);
  CAF_CHECK(page->find(R"("annotations":{"readOnlyHint":true,"openWorldHint":false})")
            != std::string::npos);
}

// SEP-2243 Mcp-Param headers against the body: Base64 forms decoded strictly, literals kept,
// a header missing for a body value (or sent without one) refused.
#define CAF_SUITE protocol.param_headers
#include "caf/test/unit_test.hpp"

#include "protocol/param_headers.hpp"

using namespace tmcp;

namespace {

constexpr const char* schema = R"({"type":"object","properties":{)"
                               R"("region":{"type":"string","x-mcp-header":"Region"},)"
                               R"("count":{"type":"integer","x-mcp-header":"Count"},)"
                               R"("note":{"type":"string"}}})";

std::optional<std::string> check(const std::string& args,
                                 std::vector<std::pair<std::string, std::string>> headers) {
  auto doc = json::parse(args);
  CAF_REQUIRE(doc);
  return param_header_mismatch(schema, &*doc, headers);
}

} // namespace

CAF_TEST(headers that carry the body values in either form are accepted) {
  CAF_CHECK(!check(R"({"region":"Hello","count":3})",
                   {{"Region", "=?base64?SGVsbG8=?="}, {"count", " 3 "}}));
  CAF_CHECK(!check(R"({"region":"SGVsbG8="})", {{"REGION", "SGVsbG8="}}));
  // Without the closing ?= the value is a literal, not Base64.
  CAF_CHECK(!check(R"({"region":"=?base64?SGVsbG8="})", {{"Region", "=?base64?SGVsbG8="}}));
  CAF_CHECK(!check(R"({"note":"not routed"})", {}));
}

CAF_TEST(bad base64 a missing header and a differing value are refused with the reason) {
  auto padding = check(R"({"region":"Hello"})", {{"Region", "=?base64?SGVsbG8?="}});
  CAF_REQUIRE(padding);
  CAF_CHECK_NOT_EQUAL(padding->find("not valid Base64"), std::string::npos);
  CAF_CHECK(check(R"({"region":"Hello"})", {{"Region", "=?base64?SGVs!!!bG8=?="}}));
  auto missing = check(R"({"region":"Hello"})", {});
  CAF_REQUIRE(missing);
  CAF_CHECK_NOT_EQUAL(missing->find("Mcp-Param-Region is required"), std::string::npos);
  auto differs = check(R"({"count":4})", {{"Count", "5"}});
  CAF_REQUIRE(differs);
  CAF_CHECK_NOT_EQUAL(differs->find("differs"), std::string::npos);
  CAF_CHECK(check(R"({})", {{"Region", "x"}}));
}

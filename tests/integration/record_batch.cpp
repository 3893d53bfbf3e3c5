// Getting records by id in Twenty's REST shapes: the find-one route for one id, one id[in] list
// call for several, and the split of each answer into bare records.
#define CAF_SUITE integration.record_batch
#include "caf/test/unit_test.hpp"

#include "integration/record_batch.hpp"

using namespace tmcp::twenty;

namespace {

const std::string id1 = "11111111-1111-4111-8111-111111111111";
const std::string id2 = "22222222-2222-4222-8222-222222222222";
const std::string id3 = "33333333-3333-4333-8333-333333333333";

response ok(std::string body) {
  return response{200, std::move(body), {}, {}, {}, {}};
}

} // namespace

CAF_TEST(one id uses the find one route) {
  auto r = record_batch_request("companies", {id1}, 1);
  CAF_CHECK_EQUAL(r.target, "/rest/companies/" + id1 + "?depth=1");
  CAF_CHECK(r.method == verb::get);
  CAF_CHECK(r.idempotent);
}

CAF_TEST(several ids become one id in list call sized to them) {
  auto r = record_batch_request("people", {id1, id2, id3}, 0);
  CAF_CHECK_EQUAL(r.target, "/rest/people?filter=id%5Bin%5D%3A%5B" + id1 + "%2C" + id2 + "%2C"
                              + id3 + "%5D&limit=3&depth=0");
}

CAF_TEST(a find one answer yields the bare record without reshaping it) {
  auto body = R"({"data":{"company":{"id":")" + id1 + R"(","name":"A {b} \"c\"","x":[{"y":1}]}}})";
  auto out = split_record_batch("companies", {id1}, ok(body));
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_REQUIRE(out[0].has_value());
  CAF_CHECK_EQUAL(out[0]->body, R"({"id":")" + id1 + R"(","name":"A {b} \"c\"","x":[{"y":1}]})");
}

CAF_TEST(a spaced find one answer is still read) {
  auto out = split_record_batch("companies", {id1},
                                ok("{ \"data\" : { \"company\" : { \"id\" : \"" + id1 + "\" } } }\n"));
  CAF_REQUIRE(out[0].has_value());
  CAF_CHECK_EQUAL(out[0]->body, "{ \"id\" : \"" + id1 + "\" }");
}

CAF_TEST(a find one answer of another shape is an api error) {
  for (auto body : {R"({"data":{}})", R"({"data":{"a":[1]}})", "not json",
                    R"({"data":{"a":{"id":"x"}})"}) {
    auto out = split_record_batch("companies", {id1}, ok(body));
    CAF_REQUIRE_EQUAL(out.size(), 1u);
    CAF_CHECK(!out[0].has_value() && out[0].error().code == errc::twenty_api_error);
  }
}

CAF_TEST(a find one answer with more members is read by a parse) {
  auto out = split_record_batch("companies", {id1},
                                ok(R"({"data":{"a":{"id":"x"}},"more":{"b":{}}})"));
  CAF_REQUIRE(out[0].has_value());
  CAF_CHECK_EQUAL(out[0]->body, R"({"id":"x"})");
}

CAF_TEST(a list answer is split per id and a missing id is not found) {
  auto body = R"({"data":{"people":[{"id":")" + id2 + R"(","n":2},{"id":")" + id1
              + R"(","n":1}]},"totalCount":2})";
  auto out = split_record_batch("people", {id1, id2, id3}, ok(body));
  CAF_REQUIRE_EQUAL(out.size(), 3u);
  CAF_REQUIRE(out[0].has_value());
  CAF_CHECK_EQUAL(out[0]->body, R"({"id":")" + id1 + R"(","n":1})");
  CAF_REQUIRE(out[1].has_value());
  CAF_CHECK_EQUAL(out[1]->body, R"({"id":")" + id2 + R"(","n":2})");
  CAF_REQUIRE(!out[2].has_value());
  CAF_CHECK(out[2].error().code == errc::record_not_found);
  CAF_CHECK(out[2].error().message.find(id3) != std::string::npos);
}

CAF_TEST(a list answer of the wrong shape fails every id) {
  auto out = split_record_batch("people", {id1, id2}, ok(R"({"data":{"people":{}}})"));
  CAF_REQUIRE_EQUAL(out.size(), 2u);
  for (auto& o : out)
    CAF_CHECK(!o.has_value() && o.error().code == errc::twenty_api_error);
}

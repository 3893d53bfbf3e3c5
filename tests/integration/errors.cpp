// Twenty's error answers (REST bodies of old and new builds, GraphQL errors on 200, garbage)
// mapped to the error taxonomy with advice and Twenty's own text kept; if the Twenty stand-in
// was built, also its real answers fetched through the HTTP client.
#define CAF_SUITE integration.errors
#include "caf/test/unit_test.hpp"

#include <future>
#include <string>

#include "integration/http_client.hpp"
#include "integration/twenty_types.hpp"
#include "tests/integration/support/standin_process.hpp"

using namespace tmcp::twenty;

namespace {

bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

std::string rest_error(int status, const std::string& name, const std::string& message) {
  return R"({"statusCode":)" + std::to_string(status) + R"(,"error":")" + name
         + R"(","messages":[")" + message + R"("]})";
}

std::string gql_error(const std::string& code, const std::string& message) {
  return R"({"errors":[{"message":")" + message + R"(","extensions":{"code":")" + code
         + R"("}}],"data":null})";
}

} // namespace

CAF_TEST(a 401 maps to an invalid api key with advice) {
  auto e = classify(401, R"({"statusCode":401,"messages":["Token invalid."],"error":"UNAUTHENTICATED"})");
  CAF_CHECK_EQUAL(to_string(e.code), std::string("INVALID_API_KEY"));
  CAF_CHECK_EQUAL(e.http_status, 401);
  CAF_CHECK(contains(e.message, "TWENTY_API_KEY"));
  CAF_CHECK_EQUAL(e.upstream, "Token invalid.");
}

CAF_TEST(a 403 for a missing token maps to an invalid api key naming the key) {
  auto e = classify(403, rest_error(403, "FORBIDDEN_EXCEPTION", "Missing authentication token"));
  CAF_CHECK(e.code == errc::invalid_api_key);
  CAF_CHECK(contains(e.message, "TWENTY_API_KEY"));
  CAF_CHECK(contains(e.message, "no API key"));
  CAF_CHECK_EQUAL(e.upstream, "Missing authentication token");
}

CAF_TEST(a 403 for a revoked key says it was revoked) {
  auto e = classify(403, rest_error(403, "FORBIDDEN_EXCEPTION", "This API Key is revoked"));
  CAF_CHECK(e.code == errc::invalid_api_key);
  CAF_CHECK(contains(e.message, "revoked"));
  CAF_CHECK_EQUAL(e.upstream, "This API Key is revoked");
}

CAF_TEST(an old forbidden resource answer maps to an invalid api key) {
  auto e = classify(403, R"({"statusCode":403,"message":"Forbidden resource","error":"Forbidden"})");
  CAF_CHECK(e.code == errc::invalid_api_key);
  CAF_CHECK(contains(e.message, "TWENTY_API_KEY"));
  CAF_CHECK_EQUAL(e.upstream, "Forbidden resource");
}

CAF_TEST(a 403 about the role maps to insufficient permissions) {
  auto e = classify(403, rest_error(403, "PermissionsException", "Method not allowed for this role"));
  CAF_CHECK(e.code == errc::insufficient_permissions);
  CAF_CHECK(contains(e.message, "role"));
}

CAF_TEST(a bad request maps to invalid input and keeps the message) {
  auto msg = std::string("'filter' invalid for 'x'. eg: price[gte]:10");
  auto e = classify(400, rest_error(400, "BadRequestException", msg));
  CAF_CHECK(e.code == errc::invalid_input);
  CAF_CHECK_EQUAL(e.http_status, 400);
  CAF_CHECK_EQUAL(e.upstream, msg);
  CAF_CHECK(contains(e.message, "Fix"));
}

CAF_TEST(bad requests about a required field map to required field missing) {
  for (auto msg : {"Field 'name' is required", "name cannot be null",
                   "null value in column \\\"name\\\" violates not-null constraint",
                   "Property lastName is missing"}) {
    auto e = classify(400, rest_error(400, "BadRequestException", msg));
    CAF_CHECK_EQUAL(to_string(e.code), std::string("REQUIRED_FIELD_MISSING"));
    CAF_CHECK(!e.upstream.empty());
  }
}

CAF_TEST(a not null violation reported as a 500 also maps to required field missing) {
  auto e = classify(500, rest_error(500, "InternalServerErrorException",
                                    "null value in column \\\"title\\\" violates not-null constraint"));
  CAF_CHECK(e.code == errc::required_field_missing);
  CAF_CHECK_EQUAL(e.http_status, 500);
}

CAF_TEST(an unknown object maps to object not found and keeps did you mean) {
  auto e = classify(400, rest_error(400, "BadRequestException",
                                    "object 'company' not found. Did you mean 'companies'?"));
  CAF_CHECK_EQUAL(to_string(e.code), std::string("OBJECT_NOT_FOUND"));
  CAF_CHECK(contains(e.message, "'company'"));
  CAF_CHECK(contains(e.message, "Did you mean 'companies'?"));
  CAF_CHECK_EQUAL(e.upstream, "object 'company' not found. Did you mean 'companies'?");
  auto eg = classify(400, rest_error(400, "BadRequestException", "object 'foo' not found. eg: companies"));
  CAF_CHECK(eg.code == errc::object_not_found);
  CAF_CHECK(contains(eg.message, "eg: companies"));
}

CAF_TEST(a 404 and an old 400 record not found both map to record not found) {
  auto e404 = classify(404, rest_error(404, "NotFoundException", "Record not found"));
  CAF_CHECK(e404.code == errc::record_not_found);
  CAF_CHECK_EQUAL(e404.http_status, 404);
  auto e400 = classify(400, rest_error(400, "BadRequestException", "Record not found"));
  CAF_CHECK(e400.code == errc::record_not_found);
  CAF_CHECK_EQUAL(e400.upstream, "Record not found");
  auto bare = classify(404, "");
  CAF_CHECK(bare.code == errc::record_not_found);
}

CAF_TEST(a 409 and duplicate messages map to conflict) {
  auto e409 = classify(409, rest_error(409, "ConflictException", "Record already exists"));
  CAF_CHECK(e409.code == errc::conflict);
  auto dup = classify(400, rest_error(400, "BadRequestException",
                                      "Duplicate Domain Name. Please set a unique one."));
  CAF_CHECK(dup.code == errc::conflict);
  auto pg = classify(500, rest_error(500, "InternalServerErrorException",
                                     "duplicate key value violates unique constraint \\\"IDX_x\\\""));
  CAF_CHECK(pg.code == errc::conflict);
  CAF_CHECK(contains(pg.upstream, "unique constraint"));
}

CAF_TEST(an old 429 body maps to rate limit exceeded) {
  auto body = R"j({"statusCode":429,"error":"HttpException","messages":["Limit reached (100 tokens per 60000 ms)"]})j";
  auto e = classify(429, body);
  CAF_CHECK_EQUAL(to_string(e.code), std::string("RATE_LIMIT_EXCEEDED"));
  CAF_CHECK_EQUAL(e.upstream, "Limit reached (100 tokens per 60000 ms)");
  CAF_CHECK(contains(e.message, "Wait"));
}

CAF_TEST(a new 429 body maps to rate limit exceeded with its retry after) {
  auto body = R"({"statusCode":429,"error":"RATE_LIMITED","messages":["API rate limit exceeded"],)"
              R"("limitKind":"speed","scope":{"spenderType":"apiKey","spenderId":"k"},)"
              R"("limit":100,"remaining":0,"retryAfterSeconds":7})";
  auto e = classify(429, body);
  CAF_CHECK(e.code == errc::rate_limit_exceeded);
  CAF_CHECK(contains(e.message, "Wait 7 s"));
  CAF_CHECK_EQUAL(e.upstream, "API rate limit exceeded");
}

CAF_TEST(a 429 without a body uses the retry after header of the response) {
  response r;
  r.status = 429;
  r.retry_after_seconds = 3;
  auto e = classify(r);
  CAF_CHECK(e.code == errc::rate_limit_exceeded);
  CAF_CHECK(contains(e.message, "Wait 3 s"));
}

CAF_TEST(a 5xx maps to twenty api error) {
  for (int status : {500, 502, 503}) {
    auto e = classify(status, rest_error(status, "InternalServerErrorException", "boom"));
    CAF_CHECK(e.code == errc::twenty_api_error);
    CAF_CHECK_EQUAL(e.http_status, status);
    CAF_CHECK(contains(e.message, std::to_string(status)));
    CAF_CHECK_EQUAL(e.upstream, "boom");
  }
}

CAF_TEST(graphql error codes on a 200 map to the same taxonomy) {
  struct row {
    const char* code;
    const char* message;
    errc want;
  };
  row rows[] = {
    {"UNAUTHENTICATED", "Token invalid.", errc::invalid_api_key},
    {"FORBIDDEN", "Forbidden resource", errc::invalid_api_key},
    {"FORBIDDEN", "Permission denied for this role", errc::insufficient_permissions},
    {"BAD_USER_INPUT", "Invalid UUID", errc::invalid_input},
    {"BAD_USER_INPUT", "Field name is required", errc::required_field_missing},
    {"NOT_FOUND", "Record not found", errc::record_not_found},
    {"CONFLICT", "A record with this email already exists", errc::conflict},
    {"INTERNAL_SERVER_ERROR", "Something broke", errc::twenty_api_error},
    {"INTERNAL_SERVER_ERROR", "Limit reached (100 tokens per 1000 ms)",
     errc::rate_limit_exceeded},
    {"TOO_MANY_REQUESTS", "slow down", errc::rate_limit_exceeded},
  };
  for (auto& r : rows) {
    auto body = gql_error(r.code, r.message);
    auto e = graphql_error(body);
    CAF_REQUIRE(e.has_value());
    CAF_CHECK_EQUAL(std::string(to_string(e->code)), std::string(to_string(r.want)));
    CAF_CHECK_EQUAL(e->upstream, r.message);
    CAF_CHECK_EQUAL(e->http_status, 200);
    // classify sees the same GraphQL body the same way.
    CAF_CHECK_EQUAL(std::string(to_string(classify(200, body).code)),
                    std::string(to_string(r.want)));
  }
}

CAF_TEST(graphql errors keep every message and the first code decides) {
  auto body = R"({"errors":[{"message":"first","extensions":{"code":"NOT_FOUND"}},)"
              R"({"message":"second","extensions":{"code":"FORBIDDEN"}}]})";
  auto e = graphql_error(body);
  CAF_REQUIRE(e.has_value());
  CAF_CHECK(e->code == errc::record_not_found);
  CAF_CHECK_EQUAL(e->upstream, "first; second");
}

CAF_TEST(a graphql answer without errors is not an error) {
  CAF_CHECK(!graphql_error(R"({"data":{"companies":{"edges":[]}}})").has_value());
  CAF_CHECK(!graphql_error(R"({"data":null,"errors":[]})").has_value());
  CAF_CHECK(!graphql_error("not json").has_value());
  CAF_CHECK(!graphql_error("").has_value());
  CAF_CHECK(!graphql_error("[1,2]").has_value());
}

CAF_TEST(a graphql object error maps to object not found) {
  auto e = graphql_error(gql_error("BAD_USER_INPUT", "object 'foo' not found. eg: companies"));
  CAF_REQUIRE(e.has_value());
  CAF_CHECK(e->code == errc::object_not_found);
}

CAF_TEST(garbage bodies do not crash and keep the raw text) {
  auto html = classify(502, "<html><body>Bad Gateway</body></html>");
  CAF_CHECK(html.code == errc::twenty_api_error);
  CAF_CHECK_EQUAL(html.upstream, "<html><body>Bad Gateway</body></html>");
  auto empty = classify(500, "");
  CAF_CHECK(empty.code == errc::twenty_api_error);
  auto truncated = classify(400, R"({"statusCode":400,"messages":["cut)");
  CAF_CHECK(truncated.code == errc::invalid_input);
  auto big = classify(503, std::string(5000, 'x'));
  CAF_CHECK(big.upstream.size() < 600);
  auto wrong_types = classify(400, R"({"statusCode":"x","messages":[1,null,{}],"error":7})");
  CAF_CHECK(wrong_types.code == errc::invalid_input);
  auto weird_gql = graphql_error(R"({"errors":[1,"text",{"extensions":5}]})");
  CAF_REQUIRE(weird_gql.has_value());
  CAF_CHECK(weird_gql->code == errc::twenty_api_error);
  CAF_CHECK_EQUAL(weird_gql->upstream, "text");
  auto binary = classify(500, std::string("\0\xff\xfe{", 4));
  CAF_CHECK(binary.code == errc::twenty_api_error);
}

CAF_TEST(an unexpected status maps to twenty api error naming it) {
  auto e = classify(302, "");
  CAF_CHECK(e.code == errc::twenty_api_error);
  CAF_CHECK(contains(e.message, "302"));
}

CAF_TEST(the stand-in answers classify as expected when it is built) {
  tmcp::test::standin_process standin({"--empty", "--api-key", "good-key", "--rate-short", "5/60000",
                                 "--no-rate-long"});
  if (!standin.running()) {
    CAF_MESSAGE("twenty-standin not built: skipped");
    return;
  }
  auto fetch = [&](const std::string& key, const std::string& target) {
    client_options o;
    o.base_url = standin.url();
    o.api_key = key;
    auto client = http_client::create(o);
    CAF_REQUIRE(client.has_value());
    std::promise<outcome> p;
    request r;
    r.target = target;
    (*client)->send(r, [&p](outcome out) { p.set_value(std::move(out)); });
    auto f = p.get_future();
    CAF_REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    auto out = f.get();
    CAF_REQUIRE(out.has_value());
    return *out;
  };
  auto bad_key = fetch("wrong-key", "/rest/people");
  CAF_CHECK_EQUAL(bad_key.status, 401);
  CAF_CHECK(classify(bad_key).code == errc::invalid_api_key);
  auto no_key = fetch("", "/rest/people");
  CAF_CHECK_EQUAL(no_key.status, 403);
  CAF_CHECK(classify(no_key).code == errc::invalid_api_key);
  auto singular = fetch("good-key", "/rest/person");
  auto e = classify(singular);
  CAF_CHECK(e.code == errc::object_not_found);
  CAF_CHECK(contains(e.message, "people"));
  auto missing = fetch("good-key", "/rest/people/0b6f6a36-0d5c-4f0e-9b7a-2f7d1c7e0c11");
  CAF_CHECK(classify(missing).code == errc::record_not_found);
  // Five tokens a minute: within a few more calls the stand-in must answer 429.
  std::optional<response> limited;
  for (int i = 0; i < 8 && !limited; ++i)
    if (auto r = fetch("good-key", "/rest/people?limit=1"); r.status == 429)
      limited = r;
  CAF_REQUIRE(limited.has_value());
  auto rl = classify(*limited);
  CAF_CHECK(rl.code == errc::rate_limit_exceeded);
  CAF_CHECK(limited->retry_after_seconds.has_value());
  CAF_CHECK(!rl.upstream.empty());
}

#define CAF_SUITE app.health_report
#include "caf/test/unit_test.hpp"

#include "app/health_report.hpp"

using namespace tmcp;
using namespace tmcp::app;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

health_inputs all_answering() {
  health_inputs in;
  twenty_probe t;
  t.url = "https://crm.example.com";
  t.attempted = true;
  t.loaded = true;
  t.last_success = std::chrono::system_clock::now();
  in.twenty = t;
  for (const char* name : {"session_supervisor", "gateway", "cache", "schema"})
    in.actors.push_back({name, true, "{\"n\":1}"});
  return in;
}

} // namespace

CAF_TEST(every answering actor and a loaded schema make a healthy 200) {
  auto r = evaluate_health(all_answering());
  CAF_CHECK_EQUAL(r.status, "healthy");
  CAF_CHECK_EQUAL(r.http_status, 200);
  CAF_CHECK(has(r.body, R"("gateway":{"status":"healthy","stats":{"n":1}})"));
}

CAF_TEST(a schema never loaded makes an unhealthy 503 carrying the cause and its advice) {
  auto in = all_answering();
  in.twenty->loaded = false;
  in.twenty->last_failure = twenty::error{twenty::errc::invalid_api_key, 401,
                                          "Check TWENTY_API_KEY; retrying will not help.", ""};
  auto r = evaluate_health(in);
  CAF_CHECK_EQUAL(r.status, "unhealthy");
  CAF_CHECK_EQUAL(r.http_status, 503);
  CAF_CHECK(has(r.body, R"("code":"INVALID_API_KEY","http_status":401)"));
  CAF_CHECK(has(r.body, "retrying will not help"));
}

CAF_TEST(the release the schema was read from is reported) {
  auto in = all_answering();
  in.twenty->release = "0.x (relationDefinition metadata, like 0.50)";
  in.twenty->relations = "relationDefinition";
  auto r = evaluate_health(in);
  CAF_CHECK(has(r.body, R"x("release":{"family":"0.x (relationDefinition metadata, like 0.50)","relations":"relationDefinition"})x"));
  CAF_CHECK(!has(evaluate_health(all_answering()).body, "\"release\""));
}

CAF_TEST(a failed refresh after a good load is degraded not unhealthy) {
  auto in = all_answering();
  in.twenty->last_failure = twenty::error{twenty::errc::network_error, 0, "Could not connect", ""};
  auto r = evaluate_health(in);
  CAF_CHECK_EQUAL(r.status, "degraded");
  CAF_CHECK_EQUAL(r.http_status, 200);
  CAF_CHECK(has(r.body, "serving the schema loaded at"));
}

CAF_TEST(an actor that does not answer is unhealthy) {
  auto in = all_answering();
  in.actors[1].answered = false;
  auto r = evaluate_health(in);
  CAF_CHECK_EQUAL(r.http_status, 503);
  CAF_CHECK(has(r.body, R"("gateway":{"status":"unhealthy","detail")"));
}

CAF_TEST(the first load under way and a missing workspace are degraded) {
  auto in = all_answering();
  in.twenty->attempted = false;
  in.twenty->loaded = false;
  CAF_CHECK_EQUAL(evaluate_health(in).status, "degraded");
  in.twenty.reset();
  CAF_CHECK_EQUAL(evaluate_health(in).status, "degraded");
  in.conformance = true;
  CAF_CHECK_EQUAL(evaluate_health(in).status, "healthy");
}

CAF_TEST(extra components count toward the overall status) {
  auto in = all_answering();
  in.extras.push_back({"webhooks", "unhealthy", R"({"status":"unhealthy"})"});
  auto r = evaluate_health(in);
  CAF_CHECK_EQUAL(r.status, "unhealthy");
  CAF_CHECK(has(r.body, R"("webhooks":{"status":"unhealthy"})"));
}

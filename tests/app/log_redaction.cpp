#define CAF_SUITE app.log_redaction
#include "caf/test/unit_test.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "app/log_redaction.hpp"

using namespace tmcp::app;

CAF_TEST(configured secrets and bearer tokens never reach a sink) {
  add_secret("tw-key-0123456789");
  add_secret("abc"); // too short to redact safely: ignored
  std::ostringstream out;
  auto inner = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger log("redaction-test", redacting(inner));
  log.set_pattern("%v");
  log.warn("key tw-key-0123456789 twice tw-key-0123456789; header Authorization: Bearer "
           "eyJhbGciOi.eyJzdWIi.sig-_x and bearer opaque-token/123=");
  log.warn("abc stays");
  auto text = out.str();
  CAF_CHECK(text.find("tw-key-0123456789") == std::string::npos);
  CAF_CHECK(text.find("eyJhbGciOi") == std::string::npos);
  CAF_CHECK(text.find("opaque-token") == std::string::npos);
  CAF_CHECK(text.find("key [REDACTED] twice [REDACTED];") != std::string::npos);
  CAF_CHECK(text.find("Bearer [REDACTED] and bearer [REDACTED]") != std::string::npos);
  CAF_CHECK(text.find("abc stays") != std::string::npos);
}

CAF_TEST(redaction leaves text without secrets unchanged) {
  CAF_CHECK_EQUAL(redact("schema version 3: 9 objects"), "schema version 3: 9 objects");
  CAF_CHECK_EQUAL(redact("Bearer"), "Bearer");
}

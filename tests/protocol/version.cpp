#define CAF_SUITE protocol.version
#include "caf/test/unit_test.hpp"

#include "protocol/mcp_version.hpp"

using namespace tmcp;

CAF_TEST(a supported version is echoed) {
  CAF_CHECK_EQUAL(negotiate_version("2025-03-26"), "2025-03-26");
  CAF_CHECK_EQUAL(negotiate_version("2025-06-18"), "2025-06-18");
  CAF_CHECK_EQUAL(negotiate_version("2025-11-25"), "2025-11-25");
}

CAF_TEST(an unsupported version is answered with the latest) {
  CAF_CHECK_EQUAL(negotiate_version("2024-11-05"), "2025-11-25");
  CAF_CHECK_EQUAL(negotiate_version("2099-01-01"), "2025-11-25");
  CAF_CHECK_EQUAL(negotiate_version(""), "2025-11-25");
}

CAF_TEST(versions compare chronologically) {
  CAF_CHECK(version_at_least("2025-11-25", "2025-06-18"));
  CAF_CHECK(!version_at_least("2025-03-26", "2025-11-25"));
  CAF_CHECK(is_supported_version("2025-06-18"));
  CAF_CHECK(!is_supported_version("2026-07-28"));
}

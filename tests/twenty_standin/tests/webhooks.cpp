#define CAF_SUITE standin.webhooks
#include "caf/test/unit_test.hpp"
CAF_TEST(placeholder) { CAF_CHECK(true); }

#define CAF_SUITE standin.rate_limit
#include "caf/test/unit_test.hpp"
CAF_TEST(placeholder) { CAF_CHECK(true); }

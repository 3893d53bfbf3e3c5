#define CAF_SUITE standin.http
#include "caf/test/unit_test.hpp"
CAF_TEST(placeholder) { CAF_CHECK(true); }

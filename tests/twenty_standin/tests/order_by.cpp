#define CAF_SUITE standin.order_by
#include "caf/test/unit_test.hpp"
CAF_TEST(placeholder) { CAF_CHECK(true); }

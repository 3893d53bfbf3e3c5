#define CAF_SUITE standin.paging
#include "caf/test/unit_test.hpp"
CAF_TEST(placeholder) { CAF_CHECK(true); }

// The CAF test runner's engine and main(); exactly one per test binary.
#define CAF_TEST_NO_MAIN_GUARD_DUMMY
#include "caf/test/unit_test_impl.hpp"

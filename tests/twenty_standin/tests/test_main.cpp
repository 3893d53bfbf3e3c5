// The one TU with the CAF test engine and main().
#define CAF_SUITE standin.main
#include "caf/test/unit_test_impl.hpp"

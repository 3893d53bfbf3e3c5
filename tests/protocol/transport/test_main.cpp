// The engine and main() of tmcp-transport-tests: the only TU that includes the impl header.
#define CAF_SUITE transport.main
#include "caf/test/unit_test_impl.hpp"

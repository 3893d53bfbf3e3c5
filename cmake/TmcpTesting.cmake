# tmcp_add_test_suites(<target> <suite>...): one ctest entry per CAF_SUITE, as CAF's caf_add_test_suites.
# A run that executes no test fails (the runner exits 0 on an empty filter).
function(tmcp_add_test_suites target)
  foreach(suite IN LISTS ARGN)
    add_test(NAME ${suite} COMMAND ${target} -n -v 4 -r 120 -s "^${suite}$")
    set_tests_properties(${suite} PROPERTIES FAIL_REGULAR_EXPRESSION "tests:[ ]+0[^0-9]")
  endforeach()
endfunction()

# tmcp_add_test_suites(<target> <suite>...): one ctest entry per CAF_SUITE, as CAF's caf_add_test_suites.
# A run that executes no test fails (the runner exits 0 on an empty filter).
function(tmcp_add_test_suites target)
  foreach(suite IN LISTS ARGN)
    add_test(NAME ${suite} COMMAND ${target} -n -v 4 -r 120 -s "^${suite}$")
    set_tests_properties(${suite} PROPERTIES FAIL_REGULAR_EXPRESSION "tests:[ ]+0[^0-9]")
  endforeach()
endfunction()

# tmcp_add_test_binary(<target> <dir> LIBS <libs>...): one test binary from every .cpp in <dir>
# (plus the shared test main); each file's `#define CAF_SUITE x` becomes a ctest entry `x`.
function(tmcp_add_test_binary target dir)
  cmake_parse_arguments(arg "" "" "LIBS;EXTRA_SOURCES" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  add_executable(${target} ${PROJECT_SOURCE_DIR}/tests/support/test_main.cpp ${sources}
                           ${arg_EXTRA_SOURCES})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${target} PRIVATE ${arg_LIBS} CAF::test)
  set(suites "")
  foreach(src IN LISTS sources)
    file(STRINGS ${src} lines REGEX "^#define CAF_SUITE ")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^#define CAF_SUITE ([^ ]+).*" "\\1" suite "${line}")
      list(APPEND suites ${suite})
    endforeach()
  endforeach()
  tmcp_add_test_suites(${target} ${suites})
endfunction()

# Server test binaries, one per library, registered one ctest entry per suite.
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/protocol ${CMAKE_CURRENT_BINARY_DIR}/protocol)
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/protocol/transport/CMakeLists.txt)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/protocol/transport ${CMAKE_CURRENT_BINARY_DIR}/protocol/transport)
endif()
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/actors ${CMAKE_CURRENT_BINARY_DIR}/actors)
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/app ${CMAKE_CURRENT_BINARY_DIR}/app)

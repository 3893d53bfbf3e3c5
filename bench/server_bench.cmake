# Benchmarks that need the server's dependencies (Beast, RapidJSON); included when the server is built.
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/mcp_load ${CMAKE_CURRENT_BINARY_DIR}/mcp_load)
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/twenty_tools ${CMAKE_CURRENT_BINARY_DIR}/twenty_tools)

// Query-string building for Twenty REST targets.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tmcp::twenty {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view s);

// "/rest/people" + {{"limit","5"},{"filter","a[eq]:1"}} -> "/rest/people?limit=5&filter=a%5Beq%5D%3A1";
// empty values are left out.
std::string with_query(std::string path,
                       const std::vector<std::pair<std::string, std::string>>& params);

// 8-4-4-4-12 hex digits, as Twenty checks record ids.
bool is_uuid(std::string_view s);

} // namespace tmcp::twenty

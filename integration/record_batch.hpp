// Twenty's REST shapes for getting records by id, as pure functions: the upstream call for one
// or several ids (`GET /rest/{plural}/{id}`, or one `GET /rest/{plural}?filter=id[in]:[...]`),
// and the split of its answer into one bare record per id. The gateway collapses concurrent gets
// with these; nothing here knows about actors or I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "integration/twenty_types.hpp"

namespace tmcp::twenty {

// The call that fetches `ids` (unique, at least one) of `plural` at `depth`: the find-one route
// for a single id, else one id[in] list call with `limit` = the number of ids.
request record_batch_request(const std::string& plural, const std::vector<std::string>& ids,
                             int depth);

// One outcome per id, in the order of `ids`: the bare record JSON (status 200), record_not_found
// for an id the answer lacks, or twenty_api_error for an answer of the wrong shape. `answer` is
// a 2xx answer to record_batch_request(plural, ids, depth).
std::vector<outcome> split_record_batch(const std::string& plural,
                                        const std::vector<std::string>& ids,
                                        const response& answer);

// The record inside a find-one answer `{"data":{"<singular>":{...}}}`, found by scanning (no
// parse: the tool parses the record once); nullopt when the answer has any other shape.
std::optional<std::string_view> find_one_record(std::string_view body);

} // namespace tmcp::twenty

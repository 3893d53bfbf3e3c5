// Lists and searches answer as one table: the columns once, then one row of values per record.
// Field names no longer repeat on every record, which is most of what an agent reads in a page.
// Plain C++ and RapidJSON; no I/O.
#pragma once

#include <string>
#include <vector>

#include "protocol/json.hpp"

namespace tmcp::twenty {

// Moves `records` (agent views, integration/record_view.hpp) into `out` as "columns" and
// "rows". Columns: id first, then every field in the order it first appears; a nested object
// (a related record, a composite) becomes dotted columns (company.name, name.firstName) unless
// that field is not an object on some record. With `order` (the agent's `fields`), the columns
// of those fields come in that order, right after id. A row holds the values in column order,
// null where the record has none.
void add_record_table(json::value& out, json::value& records, json::allocator& a,
                      const std::vector<std::string>& order = {});

} // namespace tmcp::twenty

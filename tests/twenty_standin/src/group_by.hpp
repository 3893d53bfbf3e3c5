// Grouping and aggregates shared by REST `/rest/{object}/groupBy` and GraphQL
// `<plural>GroupBy` / connection aggregate fields: values at field paths, date buckets,
// Twenty's aggregate operations over a set of rows.
#pragma once

#include "store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace standin {

struct aggregate_spec {
  std::string name;               // the answer's key: totalCount, sumAmountAmountMicros
  std::string op;                 // totalCount, countEmpty, ..., min, max, avg, sum
  std::vector<std::string> path;  // field (or FK column), then a composite subfield; empty for totalCount
};

// The aggregate fields Twenty's GraphQL offers on `o` (getAvailableAggregationsFromObjectFields):
// totalCount; countUniqueValues/countEmpty/countNotEmpty/percentageEmpty/percentageNotEmpty of
// every non-relation field; min/max of DATE_TIME; min/max/avg/sum of NUMBER; the same of a
// CURRENCY's amountMicros (`sumAmountAmountMicros`). Nullopt for any other name.
std::optional<aggregate_spec> graphql_aggregate(const object_def& o, std::string_view name);

const json_value* value_at(const json_value& rec, const std::vector<std::string>& path);
// Null, "", [] or an object whose values are all empty (a composite with nothing set).
bool is_empty_value(const json_value* v);

// The aggregate's value over `rows` (percentages as fractions 0..1; null where SQL gives NULL).
void write_aggregate_value(json_writer& w, const aggregate_spec& a, const std::vector<row*>& rows);

// A group-by time zone: a fixed offset, or an IANA name whose offset depends on the instant.
struct time_zone {
  int fixed_minutes = 0;  // east of UTC
  std::string iana;       // empty = fixed
};

// "UTC", "Etc/UTC", "GMT", "+hh:mm", "-hh:mm", or an IANA name the system's zoneinfo knows
// ("Europe/Paris"), as Postgres accepts them; nullopt otherwise.
std::optional<time_zone> parse_time_zone(std::string_view tz);

// Minutes east of UTC in `zone` at the UTC instant `utc_ms`.
int offset_minutes_at(const time_zone& zone, std::int64_t utc_ms);

// An ISO date-time truncated in a zone to the first day of its DAY/WEEK (Monday)/MONTH/
// QUARTER/YEAR, as "YYYY-MM-DD"; the text itself when it is not a date.
std::string truncate_date(const std::string& iso, const std::string& granularity,
                          const time_zone& zone = {});

}  // namespace standin

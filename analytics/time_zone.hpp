// Time zones for date buckets: UTC, fixed offsets ("+02:00") and IANA names read from the
// system's zoneinfo files (TZif, with the POSIX rule of their footer for later years), so a
// month bucket in Europe/Berlin starts at local midnight as Postgres' DATE_TRUNC(.., tz) does.
// Plain C++; the files are read once, when a zone is loaded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/expected.hpp"

namespace tmcp::analytics {

class time_zone {
public:
  // UTC.
  time_zone() = default;

  // "UTC", "Etc/UTC", "Z", "+05:30", "-08:00", or an IANA name such as "Europe/Berlin".
  // `zoneinfo_dir` is where the TZif files live.
  static expected<time_zone, std::string> load(std::string_view name,
                                              const std::string& zoneinfo_dir
                                              = "/usr/share/zoneinfo");

  const std::string& name() const { return name_; }

  // Seconds east of UTC in effect at the UTC instant `utc_seconds`.
  int32_t offset_at(int64_t utc_seconds) const;

  // A zone given by a POSIX TZ rule (e.g. "CET-1CEST,M3.5.0,M10.5.0/3"); public for tests.
  static expected<time_zone, std::string> from_posix_rule(std::string_view rule);

private:
  struct transition {
    int64_t at;     // UTC seconds
    int32_t offset; // in effect from `at` on
  };
  struct dst_rule {
    bool present = false;
    int32_t std_offset = 0, dst_offset = 0;
    // Mm.w.d/time, for the start and end of daylight time (local time of the change).
    int start_month = 0, start_week = 0, start_day = 0, start_time = 0;
    int end_month = 0, end_week = 0, end_day = 0, end_time = 0;
  };

  int32_t rule_offset(int64_t utc_seconds) const;

  std::string name_ = "UTC";
  std::vector<transition> transitions_; // sorted by `at`
  int32_t initial_offset_ = 0;          // before the first transition
  int32_t fixed_offset_ = 0;            // without a rule
  dst_rule rule_;                        // after the last transition
  bool has_rule_ = false;
};

// Civil dates for bucketing, in the proleptic Gregorian calendar.
struct civil_date {
  int year = 1970;
  int month = 1; // 1..12
  int day = 1;   // 1..31
};

int64_t days_from_civil(civil_date d);
civil_date civil_from_days(int64_t days);

// "2026-03-31T22:00:00.000Z", "2026-03-31" (midnight UTC), offsets such as "+02:00": UTC
// seconds; false when the text is not an ISO-8601 date or date-time.
bool parse_iso_instant(std::string_view text, int64_t& utc_seconds);

} // namespace tmcp::analytics

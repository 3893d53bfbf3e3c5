// Activity analysis of one record (a company, a person, an opportunity): the records linked to
// it as a timeline, each one a touch at its creation; the cadence (median gap between touches),
// the last touch, and the open items that are overdue or coming up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/json.hpp"

namespace tmcp::analytics {

struct activity_item {
  std::string object, id, title;
  std::optional<int64_t> at;  // creation (UTC seconds): the touch
  std::optional<int64_t> due; // a due date (tasks)
  std::string status;         // a status or stage value
  bool done = false;          // the status is the final one (DONE): never overdue
  std::optional<double> amount; // in units
  std::string currency;
};

// Which keys of an object's records say what (the caller reads them from the schema); empty:
// the object has none.
struct activity_keys {
  std::string label;       // name, title; a composite (full name) is joined
  std::string due;         // dueAt
  std::string status;      // status, stage
  std::string done_status; // the status value of a finished item (DONE)
  std::string amount;      // a currency field
};

// From a REST record: the touch is createdAt.
activity_item activity_from_record(const std::string& object, const json::value& record,
                                   const activity_keys& keys);

struct activity_params {
  int64_t now = 0;         // UTC seconds
  std::size_t limit = 20;  // timeline entries and open items listed (all counted)
};

// "2026-03-01T12:00:00.000Z".
std::string iso_instant(int64_t utc_seconds);

// Median gap in days between consecutive touches (one decimal); none for fewer than 2.
std::optional<double> cadence_days(std::vector<int64_t> touches);

// {"counts":{object:n},"touches":N,"firstTouch","lastTouch","daysSinceLastTouch",
//  "cadence":{"medianGapDays","meanGapDays","gaps"}|null,"touchesLast30Days","touchesLast90Days",
//  "touchesPerMonth":[{"month":"YYYY-MM-01","touches":n}],
//  "overdueCount":N,"overdue":[{object,id,title,dueAt,daysOverdue,status}],
//  "upcomingCount":N,"upcoming":[{object,id,title,dueAt,dueInDays,status}],
//  "timelineCount":N,"timeline":[{"at",object,id,title,"status"?,"dueAt"?,"amount"?}]
//  (newest first)}
void write_activity(const std::vector<activity_item>& items, const activity_params& p,
                    json::value& out, json::allocator& a);

} // namespace tmcp::analytics

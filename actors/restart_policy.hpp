// How the supervisors restart a crashed child: at once the first time, then after a delay that
// grows while it keeps crashing (100 ms doubling up to 5 s); a row of crashes ends after a
// minute without one.
#pragma once

#include <algorithm>
#include <chrono>

namespace tmcp::actors {

// Crashes of one child in a row (crashes more than a minute apart start a new row).
struct crash_row {
  int crashes = 0;
  std::chrono::steady_clock::time_point last{};
  bool restart_pending = false;

  // Counts a crash at `now`; the delay before the restart.
  std::chrono::milliseconds crashed(std::chrono::steady_clock::time_point now);
};

// No delay for the first crash of a row, then 100 ms doubling up to 5 s.
inline std::chrono::milliseconds restart_delay(int crashes_in_row) {
  if (crashes_in_row <= 1)
    return std::chrono::milliseconds{0};
  auto ms = 100LL << std::min(crashes_in_row - 2, 6);
  return std::chrono::milliseconds{std::min(ms, 5000LL)};
}

inline std::chrono::milliseconds crash_row::crashed(std::chrono::steady_clock::time_point now) {
  if (crashes > 0 && now - last > std::chrono::seconds(60))
    crashes = 0;
  ++crashes;
  last = now;
  return restart_delay(crashes);
}

} // namespace tmcp::actors

// Deterministic demo workspace: members, companies, people, opportunities, tasks, notes, targets.
#pragma once

#include "store.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace standin {

struct seed_options {
  std::uint64_t seed = 42;
  std::size_t opportunities = 0;               // 0: the small demo workspace (80)
  std::int64_t anchor_ms = 1767225600000LL;    // 2026-01-01T00:00:00.000Z; dates spread around it
};

// Fills the store; returns the number of rows created per object (nameSingular -> count).
std::map<std::string, std::size_t> seed_workspace(store& db, const seed_options& opt);

}  // namespace standin

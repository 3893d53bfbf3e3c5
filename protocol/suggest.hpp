// "Did you mean" suggestions for names an agent got slightly wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tmcp {

// Optimal string alignment distance, case-insensitive (a swap of two letters is one edit).
std::size_t edit_distance(std::string_view a, std::string_view b);

// Names longer than this get no suggestion (a bound on the work a hostile name can cause).
inline constexpr std::size_t max_suggestable_length = 128;

// The closest candidate within a distance that scales with the name's length, if any.
std::optional<std::string> closest_match(std::string_view name,
                                         const std::vector<std::string>& candidates);

} // namespace tmcp

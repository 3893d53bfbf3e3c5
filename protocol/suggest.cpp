#include "protocol/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace tmcp {

// Optimal string alignment distance, case-insensitive: a swap of two neighbouring letters
// ("emial") is one edit, the most common typo.
// Three rolling rows: memory linear in |b|, not |a|*|b|.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lc = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  std::vector<std::size_t> two(b.size() + 1), one(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    one[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = lc(a[i - 1]) == lc(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({one[j] + 1, cur[j - 1] + 1, one[j - 1] + cost});
      if (i > 1 && j > 1 && lc(a[i - 1]) == lc(b[j - 2]) && lc(a[i - 2]) == lc(b[j - 1]))
        cur[j] = std::min(cur[j], two[j - 2] + 1);
    }
    std::swap(two, one);
    std::swap(one, cur);
  }
  return one[b.size()];
}

std::optional<std::string> closest_match(std::string_view name,
                                         const std::vector<std::string>& candidates) {
  // Nobody mistypes a name this long; comparing it would cost |name| x |candidate| per call.
  if (name.size() > max_suggestable_length)
    return std::nullopt;
  std::optional<std::string> best;
  auto best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    // A candidate that contains the name (or vice versa) is a good guess too.
    bool contains = !name.empty()
                    && (c.find(name) != std::string::npos || name.find(c) != std::string_view::npos);
    // The distance is at least the length difference: skip hopeless candidates cheaply.
    auto gap = name.size() > c.size() ? name.size() - c.size() : c.size() - name.size();
    if (!contains && gap >= best_d)
      continue;
    auto d = edit_distance(name, c);
    if (contains && d > 1)
      d = std::min<std::size_t>(d, best_d - 1);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

} // namespace tmcp

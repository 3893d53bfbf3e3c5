#include "protocol/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace tmcp {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      auto ca = std::tolower(static_cast<unsigned char>(a[i - 1]));
      auto cb = std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca == cb ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest_match(std::string_view name,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  auto best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    auto d = edit_distance(name, c);
    // A candidate that contains the name (or vice versa) is a good guess too.
    bool contains = !name.empty()
                    && (c.find(name) != std::string::npos || name.find(c) != std::string_view::npos);
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

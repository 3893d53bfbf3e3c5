#include "analytics/stats.hpp"

#include <algorithm>
#include <cmath>

namespace tmcp::analytics {

double median(std::vector<double> xs) {
  if (xs.empty())
    return 0;
  auto mid = xs.begin() + static_cast<std::ptrdiff_t>(xs.size() / 2);
  std::nth_element(xs.begin(), mid, xs.end());
  double upper = *mid;
  if (xs.size() % 2 == 1)
    return upper;
  double lower = *std::max_element(xs.begin(), mid);
  return (lower + upper) / 2;
}

robust_stats robust(const std::vector<double>& xs) {
  robust_stats s;
  s.median = median(xs);
  std::vector<double> dev;
  dev.reserve(xs.size());
  double sum = 0;
  for (double x : xs) {
    dev.push_back(std::fabs(x - s.median));
    sum += dev.back();
  }
  s.mad = median(dev);
  if (s.mad > 0)
    s.scale = 1.4826 * s.mad;
  else if (!xs.empty())
    s.scale = 1.2533 * sum / static_cast<double>(xs.size());
  return s;
}

double robust_z(double x, const robust_stats& s) {
  return s.scale > 0 ? (x - s.median) / s.scale : 0;
}

} // namespace tmcp::analytics

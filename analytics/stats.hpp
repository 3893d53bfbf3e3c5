// Robust statistics for anomaly detection and scoring: median, median absolute deviation and
// the modified z-score of Iglewicz and Hoaglin.
#pragma once

#include <vector>

namespace tmcp::analytics {

// The median (mean of the two middle values for an even count); 0 for no values.
double median(std::vector<double> xs);

struct robust_stats {
  double median = 0;
  double mad = 0;   // median of |x - median|
  double scale = 0; // the spread a z-score divides by; 0 when every value is the median
};

// The scale is 1.4826 * MAD (a standard deviation for normal data); when more than half the
// values are equal (MAD = 0), 1.2533 * the mean absolute deviation instead.
robust_stats robust(const std::vector<double>& xs);

// (x - median) / scale; 0 when the scale is 0.
double robust_z(double x, const robust_stats& s);

} // namespace tmcp::analytics

// Small PNG charts for analytics results: trend lines over buckets, the pipeline funnel (one
// bar per stage), and histograms. Drawn with cairo's image surface and its toy text API (the
// default sans font); 640x360 RGB by default, a few kilobytes each.
#pragma once

#include <string>
#include <vector>

#include "protocol/expected.hpp"

namespace tmcp::charts {

struct chart_size {
  int width = 640;
  int height = 360;
};

struct line_series {
  std::string name; // in the legend; one unnamed series has no legend
  std::vector<double> values; // one per label
};

// Lines over the shared x labels (buckets in order); a y axis from 0 (or the minimum, when
// negative) with round ticks.
expected<std::string, std::string> line_chart(const std::string& title,
                                              const std::vector<std::string>& labels,
                                              const std::vector<line_series>& lines,
                                              chart_size size = {});

struct funnel_stage {
  std::string name;  // NEW, SCREENING, ...
  double value = 0;  // the bar's length: a count
  std::string note;  // beside the bar: "12 · 340k USD"
};

// One horizontal bar per stage in pipeline order, centred and as long as its value relative to
// the largest, the way a sales funnel is drawn.
expected<std::string, std::string> funnel_chart(const std::string& title,
                                                const std::vector<funnel_stage>& stages,
                                                chart_size size = {});

// Vertical bars, one per bin, labelled underneath.
expected<std::string, std::string> histogram(const std::string& title,
                                             const std::vector<std::string>& bins,
                                             const std::vector<double>& counts,
                                             chart_size size = {});

// 1234 -> "1.2k", 3400000 -> "3.4M", 12 -> "12", 0.5 -> "0.5".
std::string compact_number(double v);

} // namespace tmcp::charts

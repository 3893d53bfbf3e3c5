#include "analytics/charts/png_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include <cairo.h>

namespace tmcp::charts {

namespace {

struct rgb {
  double r, g, b;
};

// Colour-blind-safe (Okabe-Ito) line colours, then the neutrals of the frame.
constexpr rgb palette[] = {{0.0, 0.447, 0.698}, {0.835, 0.369, 0.0}, {0.0, 0.62, 0.451},
                           {0.8, 0.475, 0.655}, {0.337, 0.706, 0.914}, {0.902, 0.624, 0.0}};
constexpr rgb ink{0.15, 0.15, 0.15};
constexpr rgb grid{0.88, 0.88, 0.88};
constexpr rgb muted{0.45, 0.45, 0.45};

constexpr int max_bars = 40;
constexpr int max_points = 1000;

// Margins of the plot area inside the image.
constexpr double left = 56, right = 16, top = 40, bottom = 44;

void set(cairo_t* cr, const rgb& c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

struct canvas {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface{
    nullptr, cairo_surface_destroy};
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr{nullptr, cairo_destroy};
  double w = 0, h = 0;
};

expected<canvas, std::string> open(const std::string& title, chart_size size) {
  if (size.width < 160 || size.height < 120 || size.width > 2000 || size.height > 2000)
    return make_unexpected(std::string("a chart is between 160x120 and 2000x2000 pixels"));
  canvas c;
  // RGB24: no alpha channel, so the PNG is smaller (colour type 2).
  c.surface.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, size.width, size.height));
  if (cairo_surface_status(c.surface.get()) != CAIRO_STATUS_SUCCESS)
    return make_unexpected(std::string("cairo could not create the image: ")
                           + cairo_status_to_string(cairo_surface_status(c.surface.get())));
  c.cr.reset(cairo_create(c.surface.get()));
  c.w = size.width;
  c.h = size.height;
  auto cr = c.cr.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, 15);
  set(cr, ink);
  cairo_move_to(cr, 12, 24);
  cairo_show_text(cr, title.c_str());
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11);
  return c;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

expected<std::string, std::string> finish(canvas& c) {
  c.cr.reset();
  cairo_surface_flush(c.surface.get());
  std::string png;
  auto st = cairo_surface_write_to_png_stream(c.surface.get(), append, &png);
  if (st != CAIRO_STATUS_SUCCESS)
    return make_unexpected(std::string("cairo could not write the PNG: ")
                           + cairo_status_to_string(st));
  return png;
}

// Text drawn with its anchor: align 0 left, 0.5 centre, 1 right; the baseline at y.
void text(cairo_t* cr, const std::string& s, double x, double y, double align) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  cairo_move_to(cr, x - align * ext.x_advance, y);
  cairo_show_text(cr, s.c_str());
}

// Labels longer than `max_px` lose characters at the end, marked with "…".
std::string fit(cairo_t* cr, std::string s, double max_px) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  if (ext.x_advance <= max_px)
    return s;
  while (!s.empty()) {
    s.pop_back();
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80)
      s.pop_back(); // never cut a UTF-8 sequence in half
    cairo_text_extents(cr, (s + "…").c_str(), &ext);
    if (ext.x_advance <= max_px)
      return s + "…";
  }
  return s;
}

// A round step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over `span`.
double nice_step(double span, int ticks) {
  if (span <= 0)
    return 1;
  double raw = span / ticks;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag)
      return m * mag;
  return 10 * mag;
}

struct y_axis {
  double lo = 0, hi = 1;
};

// Horizontal grid lines and their labels; returns the axis' range. Counts (`whole`) get
// whole-number ticks: no "0.2 deals".
y_axis draw_y_axis(cairo_t* cr, const canvas& c, double lo, double hi, bool whole) {
  if (hi <= lo)
    hi = lo + 1;
  double step = nice_step(hi - lo, 5);
  if (whole)
    step = std::max(step, 1.0);
  y_axis ax{std::floor(lo / step) * step, std::ceil(hi / step) * step};
  double plot_h = c.h - top - bottom;
  cairo_set_line_width(cr, 1);
  for (double v = ax.lo; v <= ax.hi + step / 2; v += step) {
    double y = std::round(c.h - bottom - (v - ax.lo) / (ax.hi - ax.lo) * plot_h) + 0.5;
    set(cr, grid);
    cairo_move_to(cr, left, y);
    cairo_line_to(cr, c.w - right, y);
    cairo_stroke(cr);
    set(cr, muted);
    text(cr, compact_number(std::abs(v) < step / 1e6 ? 0 : v), left - 6, y + 4, 1);
  }
  return ax;
}

// Labels under the x positions, every k-th one so that they never overlap.
void draw_x_labels(cairo_t* cr, const canvas& c, const std::vector<std::string>& labels,
                   const std::vector<double>& xs) {
  if (labels.empty())
    return;
  double widest = 0;
  for (auto& l : labels) {
    cairo_text_extents_t ext;
    cairo_text_extents(cr, l.c_str(), &ext);
    widest = std::max(widest, ext.x_advance);
  }
  double slot = labels.size() > 1 ? (xs.back() - xs.front()) / (labels.size() - 1) : c.w;
  std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(
                                                 std::ceil((widest + 8) / std::max(slot, 1.0))));
  set(cr, muted);
  for (std::size_t i = 0; i < labels.size(); i += every)
    text(cr, fit(cr, labels[i], slot * every - 4), xs[i], c.h - bottom + 16, 0.5);
}

} // namespace

std::string compact_number(double v) {
  char buf[32];
  double a = std::abs(v);
  if (a >= 1e9)
    std::snprintf(buf, sizeof buf, "%.1fB", v / 1e9);
  else if (a >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1fM", v / 1e6);
  else if (a >= 1e4)
    std::snprintf(buf, sizeof buf, "%.0fk", v / 1e3);
  else if (a >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else if (a == std::floor(a))
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  // "1.0k" reads better as "1k".
  auto dot = s.find(".0");
  if (dot != std::string::npos && dot + 2 < s.size() && !std::isdigit(static_cast<unsigned char>(s[dot + 2])))
    s.erase(dot, 2);
  return s;
}

expected<std::string, std::string> line_chart(const std::string& title,
                                              const std::vector<std::string>& labels,
                                              const std::vector<line_series>& lines,
                                              chart_size size) {
  if (labels.empty() || lines.empty())
    return make_unexpected(std::string("a line chart needs at least one point and one line"));
  if (labels.size() > max_points)
    return make_unexpected("a line chart shows at most " + std::to_string(max_points) + " points");
  double lo = 0, hi = 0;
  for (auto& l : lines) {
    if (l.values.size() != labels.size())
      return make_unexpected("line '" + l.name + "' has " + std::to_string(l.values.size())
                             + " values for " + std::to_string(labels.size()) + " labels");
    for (double v : l.values) {
      if (!std::isfinite(v))
        return make_unexpected("line '" + l.name + "' has a value that is not a number");
      lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  auto c = open(title, size);
  if (!c)
    return make_unexpected(c.error());
  auto cr = c->cr.get();
  bool whole = true;
  for (auto& l : lines)
    for (double v : l.values)
      whole = whole && v == std::floor(v);
  auto ax = draw_y_axis(cr, *c, lo, hi, whole);
  double plot_w = c->w - left - right, plot_h = c->h - top - bottom;
  // One point: drawn in the middle; more: spread from edge to edge, half a slot in.
  std::vector<double> xs;
  double slot = plot_w / labels.size();
  for (std::size_t i = 0; i < labels.size(); ++i)
    xs.push_back(left + slot * (i + 0.5));
  draw_x_labels(cr, *c, labels, xs);
  auto y_of = [&](double v) { return c->h - bottom - (v - ax.lo) / (ax.hi - ax.lo) * plot_h; };
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (std::size_t s = 0; s < lines.size(); ++s) {
    set(cr, palette[s % std::size(palette)]);
    cairo_set_line_width(cr, 2.5);
    for (std::size_t i = 0; i < xs.size(); ++i)
      (i ? cairo_line_to : cairo_move_to)(cr, xs[i], y_of(lines[s].values[i]));
    cairo_stroke(cr);
    if (xs.size() <= 60)
      for (std::size_t i = 0; i < xs.size(); ++i) {
        cairo_arc(cr, xs[i], y_of(lines[s].values[i]), 3.5, 0, 2 * M_PI);
        cairo_fill(cr);
      }
  }
  // The legend, right-aligned in the title row, when there is more than one unnamed line.
  if (lines.size() > 1 || !lines[0].name.empty()) {
    double x = c->w - right;
    for (std::size_t s = lines.size(); s-- > 0;) {
      cairo_text_extents_t ext;
      cairo_text_extents(cr, lines[s].name.c_str(), &ext);
      x -= ext.x_advance;
      set(cr, ink);
      text(cr, lines[s].name, x, 24, 0);
      set(cr, palette[s % std::size(palette)]);
      cairo_rectangle(cr, x - 16, 17, 11, 8);
      cairo_fill(cr);
      x -= 28;
    }
  }
  return finish(*c);
}

expected<std::string, std::string> funnel_chart(const std::string& title,
                                                const std::vector<funnel_stage>& stages,
                                                chart_size size) {
  if (stages.empty())
    return make_unexpected(std::string("a funnel needs at least one stage"));
  if (stages.size() > static_cast<std::size_t>(max_bars))
    return make_unexpected("a funnel shows at most " + std::to_string(max_bars) + " stages");
  double hi = 0;
  for (auto& s : stages) {
    if (!std::isfinite(s.value) || s.value < 0)
      return make_unexpected("stage '" + s.name + "' has no count of zero or more");
    hi = std::max(hi, s.value);
  }
  auto c = open(title, size);
  if (!c)
    return make_unexpected(c.error());
  auto cr = c->cr.get();
  // Stage names on the left, the notes on the right, the bars centred in between.
  double name_w = 0, note_w = 0;
  for (auto& s : stages) {
    cairo_text_extents_t ext;
    cairo_text_extents(cr, s.name.c_str(), &ext);
    name_w = std::max(name_w, ext.x_advance);
    cairo_text_extents(cr, s.note.c_str(), &ext);
    note_w = std::max(note_w, ext.x_advance);
  }
  name_w = std::min(name_w, c->w * 0.25);
  note_w = std::min(note_w, c->w * 0.3);
  double x0 = 12 + name_w + 10, x1 = c->w - right - note_w - 10;
  double row = (c->h - top - 12) / stages.size();
  double bar_h = std::min(row * 0.75, 36.0);
  for (std::size_t i = 0; i < stages.size(); ++i) {
    double cy = top + row * (i + 0.5);
    double len = hi > 0 ? (x1 - x0) * stages[i].value / hi : 0;
    set(cr, palette[0]);
    cairo_rectangle(cr, (x0 + x1 - len) / 2, cy - bar_h / 2, std::max(len, 1.0), bar_h);
    cairo_fill(cr);
    set(cr, ink);
    text(cr, fit(cr, stages[i].name, name_w), 12 + name_w, cy + 4, 1);
    set(cr, muted);
    text(cr, fit(cr, stages[i].note, note_w), x1 + 10, cy + 4, 0);
  }
  return finish(*c);
}

expected<std::string, std::string> histogram(const std::string& title,
                                             const std::vector<std::string>& bins,
                                             const std::vector<double>& counts,
                                             chart_size size) {
  if (bins.empty() || bins.size() != counts.size())
    return make_unexpected(std::string("a histogram needs one count per bin, at least one bin"));
  if (bins.size() > static_cast<std::size_t>(max_bars))
    return make_unexpected("a histogram shows at most " + std::to_string(max_bars) + " bins");
  double hi = 0;
  for (double v : counts) {
    if (!std::isfinite(v) || v < 0)
      return make_unexpected(std::string("a histogram's counts are zero or more"));
    hi = std::max(hi, v);
  }
  auto c = open(title, size);
  if (!c)
    return make_unexpected(c.error());
  auto cr = c->cr.get();
  auto ax = draw_y_axis(cr, *c, 0, hi, true);
  double plot_w = c->w - left - right, plot_h = c->h - top - bottom;
  double slot = plot_w / bins.size();
  std::vector<double> xs;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    double x = left + slot * i, bar = counts[i] / (ax.hi - ax.lo) * plot_h;
    set(cr, palette[0]);
    cairo_rectangle(cr, x + slot * 0.1, c->h - bottom - bar, slot * 0.8, bar);
    cairo_fill(cr);
    xs.push_back(x + slot / 2);
  }
  draw_x_labels(cr, *c, bins, xs);
  return finish(*c);
}

} // namespace tmcp::charts

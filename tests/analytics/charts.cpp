// PNG charts: each decodes (cairo's own PNG reader) as an image of the asked size, with ink
// where the data is and none where it is not; bad input is refused with a reason.
#define CAF_SUITE analytics.charts
#include "caf/test/unit_test.hpp"

#include <cairo.h>

#include "analytics/charts/png_chart.hpp"
#include "support/png_header.hpp"

using namespace tmcp;
using namespace tmcp::charts;

namespace {

// A decoded PNG: width, height and 0x00RRGGBB pixels.
struct image {
  int width = 0, height = 0;
  std::vector<uint32_t> px;

  uint32_t at(int x, int y) const { return px[static_cast<std::size_t>(y) * width + x]; }

  // Pixels in [x0,x1) x [y0,y1) that are not white; `colour` counts only that colour.
  int inked(int x0, int y0, int x1, int y1, uint32_t colour = 0) const {
    int n = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x)
        n += colour ? at(x, y) == colour : at(x, y) != 0xFFFFFF;
    return n;
  }
};

struct reader {
  const std::string* bytes;
  std::size_t at = 0;
};

image decode(const std::string& png) {
  reader r{&png};
  auto read = [](void* closure, unsigned char* data, unsigned int length) {
    auto* rd = static_cast<reader*>(closure);
    if (rd->at + length > rd->bytes->size())
      return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, rd->bytes->data() + rd->at, length);
    rd->at += length;
    return CAIRO_STATUS_SUCCESS;
  };
  auto* s = cairo_image_surface_create_from_png_stream(read, &r);
  CAF_REQUIRE_EQUAL(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  image img{cairo_image_surface_get_width(s), cairo_image_surface_get_height(s), {}};
  auto stride = cairo_image_surface_get_stride(s);
  auto* data = cairo_image_surface_get_data(s);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      img.px.push_back(reinterpret_cast<uint32_t*>(data + y * stride)[x] & 0xFFFFFF);
  cairo_surface_destroy(s);
  return img;
}

constexpr uint32_t blue = 0x0072B2; // the first line and every bar

} // namespace

CAF_TEST(a line chart is a 640x360 RGB PNG with the line inside the plot area) {
  auto png = line_chart("opportunities per month", {"2026-01", "2026-02", "2026-03", "2026-04"},
                        {{"", {3, 9, 0, 5}}});
  CAF_REQUIRE(png.has_value());
  auto header = testing::read_png_header(*png);
  CAF_REQUIRE(header.has_value());
  CAF_CHECK_EQUAL(header->width, 640u);
  CAF_CHECK_EQUAL(header->height, 360u);
  CAF_CHECK_EQUAL(header->bit_depth, 8);
  CAF_CHECK_EQUAL(header->colour_type, 2); // RGB, no alpha: smaller
  CAF_CHECK_LESS(png->size(), 30000u);
  auto img = decode(*png);
  CAF_REQUIRE_EQUAL(img.width, 640);
  CAF_REQUIRE_EQUAL(img.height, 360);
  // The line is drawn in the plot area; the peak (9, second of four slots) near the top, the
  // zero (third slot) on the bottom axis.
  CAF_CHECK_GREATER(img.inked(56, 40, 624, 316, blue), 500);
  double slot = (640 - 56 - 16) / 4.0;
  int peak_x = static_cast<int>(56 + slot * 1.5), zero_x = static_cast<int>(56 + slot * 2.5);
  CAF_CHECK_GREATER(img.inked(peak_x - 4, 40, peak_x + 4, 120, blue), 0);
  CAF_CHECK_EQUAL(img.inked(zero_x - 4, 40, zero_x + 4, 250, blue), 0);
  CAF_CHECK_GREATER(img.inked(zero_x - 4, 300, zero_x + 4, 320, blue), 0);
  // The title is drawn top left.
  CAF_CHECK_GREATER(img.inked(10, 8, 200, 30), 50);
}

CAF_TEST(several lines get a legend and their own colours) {
  auto png = line_chart("amount per quarter", {"2026 Q1", "2026 Q2"},
                        {{"EUR", {10, 20}}, {"USD", {400, 300}}});
  CAF_REQUIRE(png.has_value());
  auto img = decode(*png);
  CAF_CHECK_GREATER(img.inked(56, 40, 624, 316, blue), 100);
  CAF_CHECK_GREATER(img.inked(56, 40, 624, 316, 0xD55E00), 100); // the second colour
  CAF_CHECK_GREATER(img.inked(400, 10, 640, 30, 0xD55E00), 20);  // its legend swatch
}

CAF_TEST(a funnel draws each stage as long as its count) {
  auto png = funnel_chart("Pipeline by stage",
                          {{"NEW", 40, "40 · 1.2M USD"}, {"MEETING", 10, "10"}, {"LOST", 0, "0"}});
  CAF_REQUIRE(png.has_value());
  auto img = decode(*png);
  CAF_REQUIRE_EQUAL(img.width, 640);
  // Three rows between y=40 and y=348; each bar's blue pixels are proportional to its count.
  double row = (360 - 40 - 12) / 3.0;
  auto band = [&](int i) {
    return img.inked(0, static_cast<int>(40 + row * i), 640, static_cast<int>(40 + row * (i + 1)),
                     blue);
  };
  CAF_CHECK_GREATER(band(0), 3 * band(1));
  CAF_CHECK_GREATER(band(1), 0);
  CAF_CHECK_LESS(band(2), band(1) / 10);
}

CAF_TEST(a histogram has a bar per bin and none where the count is zero) {
  std::vector<std::string> bins{"0-9", "10-19", "20-29", "30-39"};
  auto png = histogram("Scores", bins, {5, 0, 12, 1});
  CAF_REQUIRE(png.has_value());
  auto img = decode(*png);
  double slot = (640 - 56 - 16) / 4.0;
  auto bar = [&](int i) {
    return img.inked(static_cast<int>(56 + slot * i), 40, static_cast<int>(56 + slot * (i + 1)),
                     316, blue);
  };
  CAF_CHECK_GREATER(bar(2), bar(0));
  CAF_CHECK_GREATER(bar(0), bar(3));
  CAF_CHECK_GREATER(bar(3), 0);
  CAF_CHECK_EQUAL(bar(1), 0);
}

CAF_TEST(other sizes are honoured and absurd ones refused) {
  auto png = histogram("small", {"a"}, {1}, {320, 200});
  CAF_REQUIRE(png.has_value());
  auto header = testing::read_png_header(*png);
  CAF_REQUIRE(header.has_value());
  CAF_CHECK_EQUAL(header->width, 320u);
  CAF_CHECK_EQUAL(header->height, 200u);
  auto huge = histogram("huge", {"a"}, {1}, {100000, 100000});
  CAF_REQUIRE(!huge.has_value());
  CAF_CHECK(huge.error().find("2000x2000") != std::string::npos);
}

CAF_TEST(bad data is refused with a reason) {
  auto mismatch = line_chart("t", {"a", "b"}, {{"USD", {1}}});
  CAF_REQUIRE(!mismatch.has_value());
  CAF_CHECK_EQUAL(mismatch.error(), "line 'USD' has 1 values for 2 labels");
  CAF_CHECK(!line_chart("t", {}, {}).has_value());
  CAF_CHECK(!line_chart("t", {"a"}, {{"x", {std::nan("")}}}).has_value());
  CAF_CHECK(!funnel_chart("t", {}).has_value());
  CAF_CHECK(!funnel_chart("t", {{"NEW", -1, ""}}).has_value());
  CAF_CHECK(!histogram("t", {"a", "b"}, {1}).has_value());
  CAF_CHECK(!histogram("t", std::vector<std::string>(41, "x"), std::vector<double>(41, 1))
               .has_value());
}

CAF_TEST(a header that is not a PNG is not read as one) {
  auto png = histogram("t", {"a"}, {1});
  CAF_REQUIRE(png.has_value());
  auto broken = *png;
  broken[20] ^= 1; // the height, so the IHDR's CRC no longer matches
  CAF_CHECK(!testing::read_png_header(broken).has_value());
  CAF_CHECK(!testing::read_png_header("GIF89a").has_value());
}

CAF_TEST(numbers on axes and notes are compact) {
  CAF_CHECK_EQUAL(compact_number(0), "0");
  CAF_CHECK_EQUAL(compact_number(12), "12");
  CAF_CHECK_EQUAL(compact_number(0.5), "0.5");
  CAF_CHECK_EQUAL(compact_number(1000), "1k");
  CAF_CHECK_EQUAL(compact_number(1234), "1.2k");
  CAF_CHECK_EQUAL(compact_number(45000), "45k");
  CAF_CHECK_EQUAL(compact_number(3400000), "3.4M");
  CAF_CHECK_EQUAL(compact_number(-2000000), "-2M");
}

CAF_TEST(counts get whole number grid lines and fractions finer ones) {
  // Grid lines are one light grey pixel row across the plot; counted down the right edge.
  auto grid_lines = [](const std::vector<double>& values) {
    auto png = line_chart("t", {"a", "b"}, {{"", values}});
    CAF_REQUIRE(png.has_value());
    auto img = decode(*png);
    int n = 0;
    for (int y = 30; y < 330; ++y) {
      auto p = img.at(620, y);
      auto r = p >> 16, g = (p >> 8) & 0xFF, b = p & 0xFF;
      n += r == g && g == b && r >= 0xD8 && r <= 0xE8;
    }
    return n;
  };
  CAF_CHECK_EQUAL(grid_lines({0, 1}), 2);     // 0 and 1, not 0, 0.2, ... 1
  CAF_CHECK_EQUAL(grid_lines({0, 0.5}), 6);   // 0, 0.1, ... 0.5
}

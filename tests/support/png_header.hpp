// Reads a PNG's signature and IHDR chunk (width, height, bit depth, colour type), checking the
// chunk's CRC: enough to tell a real PNG of the expected size from anything else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tmcp::testing {

struct png_header {
  uint32_t width = 0, height = 0;
  int bit_depth = 0, colour_type = 0;
};

inline uint32_t png_crc(const unsigned char* p, std::size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k)
      c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

inline std::optional<png_header> read_png_header(const std::string& bytes) {
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  auto u = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 33 || std::string(bytes, 0, 8) != std::string(reinterpret_cast<const char*>(sig), 8))
    return std::nullopt;
  auto be32 = [&](std::size_t at) {
    return (uint32_t{u[at]} << 24) | (uint32_t{u[at + 1]} << 16) | (uint32_t{u[at + 2]} << 8)
           | uint32_t{u[at + 3]};
  };
  if (be32(8) != 13 || bytes.compare(12, 4, "IHDR") != 0 || png_crc(u + 12, 17) != be32(29))
    return std::nullopt;
  return png_header{be32(16), be32(20), u[24], u[25]};
}

} // namespace tmcp::testing

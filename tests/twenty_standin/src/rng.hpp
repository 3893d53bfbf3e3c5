// Deterministic pseudo-random numbers (splitmix64) and UUID v4 strings from a seed.
#pragma once

#include <cstdint>
#include <string>

namespace standin {

class rng {
public:
  explicit rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

  // Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) { return next() % n; }

  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }

  // RFC 4122 version-4 layout with the variant bits set.
  std::string uuid_v4() {
    std::uint64_t hi = next(), lo = next();
    hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
    lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    static constexpr char hex[] = "0123456789abcdef";
    std::string s(36, '-');
    int pos = 0;
    auto put = [&](std::uint64_t v, int nibbles) {
      for (int i = nibbles - 1; i >= 0; --i) {
        if (pos == 8 || pos == 13 || pos == 18 || pos == 23)
          ++pos;
        s[pos++] = hex[(v >> (i * 4)) & 0xF];
      }
    };
    put(hi, 16);
    put(lo, 16);
    return s;
  }

  // 2*n lowercase hex chars.
  std::string hex_bytes(int n) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i) {
      auto b = next() & 0xFF;
      s += hex[b >> 4];
      s += hex[b & 0xF];
    }
    return s;
  }

private:
  std::uint64_t state_;
};

}  // namespace standin

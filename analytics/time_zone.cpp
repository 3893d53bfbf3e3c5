#include "analytics/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

namespace tmcp::analytics {

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

// "[+-]hh[:mm[:ss]]" at `i` (signs optional); seconds.
bool read_hms(std::string_view s, std::size_t& i, int32_t& out) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    sign = s[i++] == '-' ? -1 : 1;
  int32_t parts[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    auto start = i;
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      v = v * 10 + (s[i++] - '0');
    if (i == start)
      return false;
    parts[p] = v;
    if (p < 2 && i < s.size() && s[i] == ':')
      ++i;
    else
      break;
  }
  out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

// A zone abbreviation: letters, or anything between < and >.
bool skip_abbreviation(std::string_view s, std::size_t& i) {
  auto start = i;
  if (i < s.size() && s[i] == '<') {
    auto close = s.find('>', i);
    if (close == std::string_view::npos)
      return false;
    i = close + 1;
    return true;
  }
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])))
    ++i;
  return i - start >= 3;
}

// "Mm.w.d[/time]"; only this form appears in the footers of the IANA files.
bool read_rule_date(std::string_view s, std::size_t& i, int& month, int& week, int& day,
                    int& time) {
  if (i >= s.size() || s[i] != 'M')
    return false;
  ++i;
  int vals[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    auto start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      vals[p] = vals[p] * 10 + (s[i++] - '0');
    if (i == start)
      return false;
    if (p < 2) {
      if (i >= s.size() || s[i] != '.')
        return false;
      ++i;
    }
  }
  month = vals[0];
  week = vals[1];
  day = vals[2];
  time = 7200; // 02:00 local when not given
  if (i < s.size() && s[i] == '/') {
    ++i;
    int32_t t = 0;
    if (!read_hms(s, i, t))
      return false;
    time = t;
  }
  return month >= 1 && month <= 12 && week >= 1 && week <= 5 && day >= 0 && day <= 6;
}

// The local midnight (as days since the epoch) of rule date Mm.w.d in `year`.
int64_t rule_day(int year, int month, int week, int day) {
  auto first = days_from_civil({year, month, 1});
  int dow = static_cast<int>(((first + 4) % 7 + 7) % 7); // 1970-01-01 was a Thursday
  int d = 1 + (day - dow + 7) % 7 + (week - 1) * 7;
  while (d > days_in_month(year, month))
    d -= 7;
  return first + d - 1;
}

uint32_t be32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

int64_t be64(const unsigned char* p) {
  return static_cast<int64_t>((uint64_t(be32(p)) << 32) | be32(p + 4));
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-'
           || c == '+';
  });
}

} // namespace

int64_t days_from_civil(civil_date d) {
  // Howard Hinnant's days_from_civil.
  int y = d.year - (d.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

civil_date civil_from_days(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

bool parse_iso_instant(std::string_view s, int64_t& out) {
  civil_date d;
  if (s.size() < 10 || !digits(s, 0, 4, d.year) || s[4] != '-' || !digits(s, 5, 2, d.month)
      || s[7] != '-' || !digits(s, 8, 2, d.day))
    return false;
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month))
    return false;
  int64_t secs = days_from_civil(d) * 86400;
  std::size_t i = 10;
  if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
    int h = 0, m = 0, sec = 0;
    if (!digits(s, i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':'
        || !digits(s, i + 4, 2, m))
      return false;
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, sec))
        return false;
      i += 3;
      if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
          ++i;
      }
    }
    if (h > 23 || m > 59 || sec > 60)
      return false;
    secs += h * 3600 + m * 60 + sec;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int32_t off = 0;
    if (!read_hms(s, i, off))
      return false;
    secs -= off;
  }
  if (i != s.size())
    return false;
  out = secs;
  return true;
}

expected<time_zone, std::string> time_zone::from_posix_rule(std::string_view s) {
  time_zone z;
  z.name_ = std::string(s);
  std::size_t i = 0;
  int32_t std_off = 0;
  if (!skip_abbreviation(s, i) || !read_hms(s, i, std_off))
    return make_unexpected("malformed POSIX time zone rule '" + std::string(s) + "'");
  // POSIX offsets count west of UTC; ours count east.
  z.fixed_offset_ = -std_off;
  z.initial_offset_ = z.fixed_offset_;
  if (i == s.size())
    return z;
  if (!skip_abbreviation(s, i))
    return make_unexpected("malformed POSIX time zone rule '" + std::string(s) + "'");
  int32_t dst_off = std_off - 3600;
  if (i < s.size() && s[i] != ',')
    if (!read_hms(s, i, dst_off))
      return make_unexpected("malformed POSIX time zone rule '" + std::string(s) + "'");
  auto& r = z.rule_;
  r.std_offset = -std_off;
  r.dst_offset = -dst_off;
  if (i >= s.size() || s[i] != ',' || !read_rule_date(s, ++i, r.start_month, r.start_week,
                                                       r.start_day, r.start_time)
      || i >= s.size() || s[i] != ','
      || !read_rule_date(s, ++i, r.end_month, r.end_week, r.end_day, r.end_time) || i != s.size())
    return make_unexpected("unsupported POSIX time zone rule '" + std::string(s)
                           + "' (only Mm.w.d dates are read)");
  r.present = true;
  z.has_rule_ = true;
  return z;
}

expected<time_zone, std::string> time_zone::load(std::string_view name,
                                                 const std::string& zoneinfo_dir) {
  if (name == "UTC" || name == "Etc/UTC" || name == "Z" || name == "GMT" || name == "Etc/GMT")
    return time_zone{};
  if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
    std::size_t i = 0;
    int32_t off = 0;
    if (!read_hms(name, i, off) || i != name.size() || off < -14 * 3600 || off > 14 * 3600)
      return make_unexpected("invalid UTC offset '" + std::string(name)
                             + "'; write it like +02:00 or -05:30");
    time_zone z;
    z.name_ = std::string(name);
    z.fixed_offset_ = off;
    z.initial_offset_ = off;
    return z;
  }
  auto unknown = make_unexpected("unknown time zone '" + std::string(name)
                                 + "'; use an IANA name such as Europe/Berlin, UTC, or an "
                                   "offset such as +02:00");
  if (!valid_zone_name(name))
    return unknown;
  std::ifstream in(zoneinfo_dir + "/" + std::string(name), std::ios::binary);
  if (!in)
    return unknown;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bytes = reinterpret_cast<const unsigned char*>(data.data());
  auto size = data.size();
  if (size < 44 || data.compare(0, 4, "TZif") != 0)
    return unknown;
  // Counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  auto counts = [&](std::size_t at, uint32_t c[6]) {
    for (int k = 0; k < 6; ++k)
      c[k] = be32(bytes + at + 20 + 4 * k);
  };
  uint32_t c[6];
  counts(0, c);
  auto block = [&](uint32_t cnt[6], std::size_t time_size) {
    return cnt[3] * time_size + cnt[3] + cnt[4] * 6 + cnt[5] + cnt[2] * (time_size + 4) + cnt[1]
           + cnt[0];
  };
  std::size_t at = 44;
  std::size_t time_size = 4;
  if (data[4] >= '2') {
    // Version 2+: skip the 32-bit block, read the 64-bit one.
    at += block(c, 4);
    if (at + 44 > size)
      return unknown;
    counts(at, c);
    at += 44;
    time_size = 8;
  }
  if (at + block(c, time_size) > size || c[4] == 0)
    return unknown;
  time_zone z;
  z.name_ = std::string(name);
  auto times = bytes + at;
  auto idx = times + c[3] * time_size;
  auto types = idx + c[3];
  auto type_offset = [&](std::size_t t) {
    return static_cast<int32_t>(be32(types + 6 * std::min<std::size_t>(t, c[4] - 1)));
  };
  z.initial_offset_ = type_offset(0);
  z.fixed_offset_ = z.initial_offset_;
  for (uint32_t k = 0; k < c[3]; ++k) {
    int64_t t = time_size == 8 ? be64(times + 8 * k)
                               : static_cast<int32_t>(be32(times + 4 * k));
    z.transitions_.push_back({t, type_offset(idx[k])});
  }
  if (!z.transitions_.empty())
    z.fixed_offset_ = z.transitions_.back().offset;
  // The footer's POSIX rule covers the years after the last transition.
  std::size_t footer = at + block(c, time_size);
  if (time_size == 8 && footer < size && data[footer] == '\n') {
    auto end = data.find('\n', footer + 1);
    auto rule = std::string_view(data).substr(footer + 1, end == std::string::npos
                                                            ? std::string::npos
                                                            : end - footer - 1);
    if (!rule.empty()) {
      auto parsed = from_posix_rule(rule);
      if (parsed) {
        z.rule_ = parsed->rule_;
        z.has_rule_ = parsed->has_rule_;
        if (!z.has_rule_)
          z.fixed_offset_ = parsed->fixed_offset_;
      }
    }
  }
  return z;
}

int32_t time_zone::rule_offset(int64_t t) const {
  const auto& r = rule_;
  int year = civil_from_days((t + r.std_offset) / 86400 - ((t + r.std_offset) % 86400 < 0)).year;
  int64_t start = rule_day(year, r.start_month, r.start_week, r.start_day) * 86400
                  + r.start_time - r.std_offset;
  int64_t end = rule_day(year, r.end_month, r.end_week, r.end_day) * 86400 + r.end_time
                - r.dst_offset;
  bool dst = start < end ? (t >= start && t < end) : (t < end || t >= start);
  return dst ? r.dst_offset : r.std_offset;
}

int32_t time_zone::offset_at(int64_t t) const {
  if (transitions_.empty())
    return has_rule_ ? rule_offset(t) : fixed_offset_;
  if (t < transitions_.front().at)
    return initial_offset_;
  if (t >= transitions_.back().at && has_rule_)
    return rule_offset(t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t,
                             [](int64_t v, const transition& tr) { return v < tr.at; });
  return std::prev(it)->offset;
}

} // namespace tmcp::analytics

#include "json_util.hpp"

#include <rapidjson/error/en.h>

#include <chrono>
#include <cstdio>
#include <cctype>

namespace standin {

std::string to_json(const json_value& v) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

bool parse_json(std::string_view text, rapidjson::Document& doc, std::string* err) {
  doc.Parse(text.data(), text.size());
  if (!doc.HasParseError())
    return true;
  if (err)
    *err = std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at offset "
           + std::to_string(doc.GetErrorOffset());
  return false;
}

std::string get_string(const json_value& obj, const char* key, std::string def) {
  if (!obj.IsObject())
    return def;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString())
    return def;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

namespace {

// Howard Hinnant's civil-from-days algorithms: exact for the proleptic Gregorian calendar.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

bool read_int(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size())
    return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string iso_time(std::int64_t ms) {
  std::int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
  std::int64_t rem = ms - days * 86400000;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(y),
                m, d, static_cast<int>(rem / 3600000), static_cast<int>(rem / 60000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

std::optional<std::int64_t> parse_iso_time(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!read_int(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !read_int(s, 5, 2, mo) || s[7] != '-'
      || !read_int(s, 8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > 31)
    return std::nullopt;
  size_t p = 10;
  std::int64_t offset_min = 0;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    if (!read_int(s, p + 1, 2, h) || p + 3 >= s.size() || s[p + 3] != ':'
        || !read_int(s, p + 4, 2, mi))
      return std::nullopt;
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!read_int(s, p + 1, 2, sec))
        return std::nullopt;
      p += 3;
      if (p < s.size() && s[p] == '.') {
        size_t q = p + 1;
        int digits = 0;
        while (q < s.size() && std::isdigit(static_cast<unsigned char>(s[q]))) {
          if (digits < 3)
            ms = ms * 10 + (s[q] - '0');
          ++digits;
          ++q;
        }
        for (int i = digits; i < 3; ++i)
          ms *= 10;
        p = q;
      }
    }
    if (p < s.size() && s[p] == 'Z') {
      ++p;
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
      int oh, om;
      if (!read_int(s, p + 1, 2, oh) || !read_int(s, p + 4, 2, om))
        return std::nullopt;
      offset_min = (s[p] == '+' ? 1 : -1) * (oh * 60 + om);
      p += 6;
    }
  }
  if (p != s.size())
    return std::nullopt;
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return days * 86400000 + (h * 3600 + mi * 60 + sec) * 1000LL + ms - offset_min * 60000;
}

std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool is_rfc4122_uuid(std::string_view s) {
  // The version nibble is 1..8: the nil UUID and random hex are refused.
  return is_uuid(s) && s[14] >= '1' && s[14] <= '8';
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36)
    return false;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

namespace {
constexpr char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
int b64_index(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8)
                 | static_cast<unsigned char>(in[i + 2]);
    out += b64_chars[v >> 18];
    out += b64_chars[(v >> 12) & 63];
    out += b64_chars[(v >> 6) & 63];
    out += b64_chars[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size())
      v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += b64_chars[v >> 18];
    out += b64_chars[(v >> 12) & 63];
    out += i + 1 < in.size() ? b64_chars[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=')
      break;
    int v = b64_index(c);
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1]))
               && std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

query_params parse_query(std::string_view qs) {
  query_params out;
  size_t pos = 0;
  while (pos <= qs.size() && !qs.empty()) {
    size_t amp = qs.find('&', pos);
    auto part = qs.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!part.empty()) {
      size_t eq = part.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(url_decode(part), "");
      else
        out.emplace_back(url_decode(part.substr(0, eq)), url_decode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos)
      break;
    pos = amp + 1;
  }
  return out;
}

std::optional<std::string> query_get(const query_params& q, std::string_view key) {
  for (auto& [k, v] : q)
    if (k == key)
      return v;
  return std::nullopt;
}

std::string capitalize(std::string_view s) {
  std::string out(s);
  if (!out.empty())
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace standin

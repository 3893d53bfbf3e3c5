// JSON, time, id and URL helpers shared by every stand-in module (no I/O).
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace standin {

using json_value = rapidjson::Value;
using json_alloc = rapidjson::MemoryPoolAllocator<>;
using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Serializes a value compactly, like JSON.stringify.
std::string to_json(const json_value& v);

// Parses text into doc; on failure returns false and fills err.
bool parse_json(std::string_view text, rapidjson::Document& doc, std::string* err = nullptr);

// Builds a string value owned by alloc.
inline json_value str_value(std::string_view s, json_alloc& a) {
  return json_value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// Writes a number as JavaScript prints it: integral values without ".0".
inline void write_number(json_writer& w, double d) {
  if (d == static_cast<double>(static_cast<long long>(d)) && d > -9e15 && d < 9e15)
    w.Int64(static_cast<std::int64_t>(d));
  else
    w.Double(d);
}

// FindMember with a remembered position: records of one object share their key order, so the
// hint usually hits and a full-table scan avoids ~20 string compares per row.
inline const json_value* find_member(const json_value& obj, const std::string& key, int& hint) {
  if (!obj.IsObject()) return nullptr;
  if (hint >= 0 && static_cast<rapidjson::SizeType>(hint) < obj.MemberCount()) {
    auto m = obj.MemberBegin() + hint;
    if (m->name.GetStringLength() == key.size() && key.compare(0, key.size(), m->name.GetString(), key.size()) == 0)
      return &m->value;
  }
  auto it = obj.FindMember(rapidjson::StringRef(key.data(), key.size()));
  if (it == obj.MemberEnd()) return nullptr;
  hint = static_cast<int>(it - obj.MemberBegin());
  return &it->value;
}

// Reads a string member, or def when absent / not a string.
std::string get_string(const json_value& obj, const char* key, std::string def = {});

// "2026-01-01T10:00:00.000Z"
std::string iso_time(std::int64_t epoch_ms);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.mmm]]" with optional Z or +hh:mm.
std::optional<std::int64_t> parse_iso_time(std::string_view s);
std::int64_t wall_clock_ms();

// An RFC 4122 UUID (version 1..8), as Twenty checks relation ids it stores.
bool is_rfc4122_uuid(std::string_view s);
bool is_uuid(std::string_view s);
std::string base64_encode(std::string_view in);
std::optional<std::string> base64_decode(std::string_view in);

// Percent-decoding as Express/qs does it ('+' is a space).
std::string url_decode(std::string_view s);
using query_params = std::vector<std::pair<std::string, std::string>>;
query_params parse_query(std::string_view qs);
// First value of key, or nullopt.
std::optional<std::string> query_get(const query_params& q, std::string_view key);

std::string capitalize(std::string_view s);
std::string to_lower(std::string_view s);

}  // namespace standin

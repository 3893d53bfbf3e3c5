#include "protocol/json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_set>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/json_limits.hpp"

namespace tmcp::json {

namespace {

// Forwards SAX events to the document, refusing to open a level past `max_depth`.
class depth_guard {
public:
  depth_guard(document& d, std::size_t max_depth) : d_(d), max_(max_depth) {}

  bool too_deep() const { return too_deep_; }
  bool infinite() const { return infinite_; }
  bool surrogate() const { return surrogate_; }

  bool Null() { return d_.Null(); }
  bool Bool(bool b) { return d_.Bool(b); }
  bool Int(int i) { return d_.Int(i); }
  bool Uint(unsigned i) { return d_.Uint(i); }
  bool Int64(int64_t i) { return d_.Int64(i); }
  bool Uint64(uint64_t i) { return d_.Uint64(i); }
  // RapidJSON 1.1.0 lets some overflowing numbers through as infinity (-922e308), which
  // no writer can put back into JSON.
  bool Double(double x) {
    if (std::isfinite(x))
      return d_.Double(x);
    infinite_ = true;
    return false;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return d_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return no_lone_surrogate(s, n) && d_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return no_lone_surrogate(s, n) && d_.Key(s, n, copy);
  }
  bool StartObject() { return open() && d_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return d_.EndObject(n);
  }
  bool StartArray() { return open() && d_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return d_.EndArray(n);
  }

private:
  // RapidJSON 1.1.0 decodes a lone \udc00 escape into a UTF-8 surrogate (ED B0 80), which
  // is not UTF-8 (found by fuzz_json). Raw surrogates were refused by the encoding check, so
  // any 0xED followed by 0xA0-0xBF here came from an escape.
  bool no_lone_surrogate(const char* s, rapidjson::SizeType n) {
    for (auto p = static_cast<const char*>(std::memchr(s, 0xED, n)); p;
         p = static_cast<const char*>(std::memchr(p + 1, 0xED, n - (p + 1 - s)))) {
      if (p + 1 < s + n && static_cast<unsigned char>(p[1]) >= 0xA0) {
        surrogate_ = true;
        return false;
      }
    }
    return true;
  }

  bool open() {
    if (++depth_ <= max_)
      return true;
    too_deep_ = true;
    return false;
  }

  document& d_;
  std::size_t max_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  bool infinite_ = false;
  bool surrogate_ = false;
};

std::string_view key_of(const value& m) {
  return std::string_view(m.GetString(), m.GetStringLength());
}

// The first member name that repeats in any object of `v`; recursion is bounded by the
// parse depth limit. Small objects compare pairwise, big ones hash: linear either way.
const value* duplicate_key(const value& v) {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray())
      if (auto d = duplicate_key(e))
        return d;
    return nullptr;
  }
  if (!v.IsObject())
    return nullptr;
  auto n = v.MemberCount();
  auto begin = v.MemberBegin();
  if (n <= 16) {
    for (auto i = begin; i != v.MemberEnd(); ++i)
      for (auto j = begin; j != i; ++j)
        if (key_of(i->name) == key_of(j->name))
          return &i->name;
  } else {
    std::unordered_set<std::string_view> seen;
    seen.reserve(n);
    for (auto i = begin; i != v.MemberEnd(); ++i)
      if (!seen.insert(key_of(i->name)).second)
        return &i->name;
  }
  for (auto i = begin; i != v.MemberEnd(); ++i)
    if (auto d = duplicate_key(i->value))
      return d;
  return nullptr;
}

bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Length of the valid UTF-8 sequence starting at s[i], 0 when it is invalid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto c0 = b(i);
  if (c0 < 0x80)
    return 1;
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    len = 2;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    len = 3;
    if (c0 == 0xE0)
      lo = 0xA0; // no overlongs
    if (c0 == 0xED)
      hi = 0x9F; // no surrogates
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    len = 4;
    if (c0 == 0xF0)
      lo = 0x90;
    if (c0 == 0xF4)
      hi = 0x8F; // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size() || b(i + 1) < lo || b(i + 1) > hi)
    return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF)
      return 0;
  return len;
}

} // namespace

expected<document, parse_error> parse_limited(std::string_view text, const limits& lim) {
  auto fail = [](parse_errc code, std::string msg) {
    return make_unexpected(parse_error{code, std::move(msg)});
  };
  if (text.size() > lim.max_bytes)
    return fail(parse_errc::too_large, "the JSON text has " + std::to_string(text.size())
                                         + " bytes, more than the limit of "
                                         + std::to_string(lim.max_bytes));
  document d;
  // A bare MemoryStream: RapidJSON's EncodedInputStream drops any leading 0xEF, 0xBB or 0xBF
  // byte on its own as a "BOM" (found by fuzz_json), accepting "\xBB9" as 9.
  rapidjson::MemoryStream is(text.data(), text.size());
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool infinite = false;
  bool surrogate = false;
  // Iterative: the parser keeps its own heap stack instead of recursing per level.
  // Text that is valid UTF-8 as a whole needs no per-string check, which costs RapidJSON more
  // than the parse; invalid text takes the checking parse for its precise error.
  const bool valid_utf8 = is_valid_utf8(text);
  auto generate = [&](document& target) {
    depth_guard guard(target, lim.max_depth);
    rapidjson::Reader reader;
    constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
    if (valid_utf8)
      result = reader.Parse<flags>(is, guard);
    else
      result = reader.Parse<flags | rapidjson::kParseValidateEncodingFlag>(is, guard);
    too_deep = guard.too_deep();
    infinite = guard.infinite();
    surrogate = guard.surrogate();
    return !result.IsError();
  };
  d.Populate(generate);
  if (too_deep)
    return fail(parse_errc::too_deep, "nesting deeper than " + std::to_string(lim.max_depth)
                                        + " levels at offset "
                                        + std::to_string(result.Offset()));
  if (surrogate)
    return fail(parse_errc::syntax, std::string(rapidjson::GetParseError_En(
                                      rapidjson::kParseErrorStringUnicodeSurrogateInvalid))
                                      + " at offset " + std::to_string(result.Offset()));
  if (infinite)
    return fail(parse_errc::syntax, std::string(rapidjson::GetParseError_En(
                                      rapidjson::kParseErrorNumberTooBig))
                                      + " at offset " + std::to_string(result.Offset()));
  if (result.IsError())
    return fail(parse_errc::syntax, std::string(rapidjson::GetParseError_En(result.Code()))
                                      + " at offset " + std::to_string(result.Offset()));
  // The parser stops after the root value (and at a NUL byte): anything left is an error.
  auto end = is.Tell();
  while (end < text.size() && is_json_space(text[end]))
    ++end;
  if (end != text.size())
    return fail(parse_errc::syntax,
                "unexpected bytes after the JSON value at offset " + std::to_string(end));
  if (lim.unique_keys)
    if (auto dup = duplicate_key(d))
      return fail(parse_errc::duplicate_key,
                  "duplicate member name " + quote(key_of(*dup)) + " in an object");
  return d;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    // ASCII fast path, eight bytes at a time: most of every message.
    if (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080u) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    auto n = utf8_sequence(s, i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

std::string to_valid_utf8(std::string_view s) {
  if (is_valid_utf8(s))
    return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  for (std::size_t i = 0; i < s.size();) {
    auto n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string stringify(const value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<document> parse(std::string_view text, std::string* error) {
  auto d = parse_limited(text, upstream_limits);
  if (!d) {
    if (error)
      *error = d.error().message;
    return std::nullopt;
  }
  return std::move(*d);
}

std::string quote(std::string_view s) {
  // Quoted text is often the client's own bad input: never echo invalid UTF-8 back.
  if (!is_valid_utf8(s))
    return quote(to_valid_utf8(s));
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

const value* find(const value& obj, const char* key) {
  if (!obj.IsObject())
    return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> get_string(const value& obj, const char* key) {
  auto v = find(obj, key);
  if (!v || !v->IsString())
    return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<int64_t> get_int(const value& obj, const char* key) {
  auto v = find(obj, key);
  if (!v || !v->IsInt64())
    return std::nullopt;
  return v->GetInt64();
}

std::optional<bool> get_bool(const value& obj, const char* key) {
  auto v = find(obj, key);
  if (!v || !v->IsBool())
    return std::nullopt;
  return v->GetBool();
}

document clone(const value& src) {
  document d;
  d.CopyFrom(src, d.GetAllocator());
  return d;
}

const char* type_name(const value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "boolean";
    case rapidjson::kObjectType: return "object";
    case rapidjson::kArrayType: return "array";
    case rapidjson::kStringType: return "string";
    case rapidjson::kNumberType: return "number";
  }
  return "unknown";
}

} // namespace tmcp::json

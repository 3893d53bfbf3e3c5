// Small RapidJSON helpers shared by the protocol core; no I/O, no logging.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace tmcp::json {

using value = rapidjson::Value;
using document = rapidjson::Document;
using allocator = rapidjson::Document::AllocatorType;

// Serializes any value to compact JSON text.
std::string stringify(const value& v);

// Parses text into a fresh document; nullopt with a message on failure.
std::optional<document> parse(std::string_view text, std::string* error = nullptr);

// Quotes and escapes a string as a JSON string literal.
std::string quote(std::string_view s);

// Member lookups that tolerate a missing member or a non-object parent.
const value* find(const value& obj, const char* key);
std::optional<std::string> get_string(const value& obj, const char* key);
std::optional<int64_t> get_int(const value& obj, const char* key);
std::optional<bool> get_bool(const value& obj, const char* key);

// Builds a string value copied into the allocator.
inline value str(std::string_view s, allocator& a) {
  return value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// Deep-copies `src` into a new document.
document clone(const value& src);

// A short, human description of a JSON type ("string", "object", ...), for error messages.
const char* type_name(const value& v);

} // namespace tmcp::json

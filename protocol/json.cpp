#include "protocol/json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tmcp::json {

std::string stringify(const value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<document> parse(std::string_view text, std::string* error) {
  document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) {
    if (error)
      *error = std::string(rapidjson::GetParseError_En(d.GetParseError())) + " at offset "
               + std::to_string(d.GetErrorOffset());
    return std::nullopt;
  }
  return d;
}

std::string quote(std::string_view s) {
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

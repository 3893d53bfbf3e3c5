#include "protocol/param_headers.hpp"

#include <cctype>

#include "protocol/base64.hpp"

namespace tmcp {

namespace {

bool same_name(const std::string& a, const std::string& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The header's value: `=?base64?...?=` decoded (strictly: padded, alphabet only), anything else
// literal, surrounding whitespace dropped (RFC 9110 5.5).
std::optional<std::string> header_value(std::string v) {
  auto first = v.find_first_not_of(" \t");
  auto last = v.find_last_not_of(" \t");
  v = first == std::string::npos ? std::string() : v.substr(first, last - first + 1);
  const std::string pre = "=?base64?", post = "?=";
  if (v.size() < pre.size() + post.size() || v.compare(0, pre.size(), pre) != 0
      || v.compare(v.size() - post.size(), post.size(), post) != 0)
    return v;
  auto inner = v.substr(pre.size(), v.size() - pre.size() - post.size());
  if (inner.size() % 4 != 0)
    return std::nullopt;
  return base64_decode(inner);
}

// The body value as its header carries it: strings as they are, other values as JSON text.
std::string as_header(const json::value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : json::stringify(v);
}

} // namespace

std::optional<std::string>
param_header_mismatch(const std::string& input_schema, const json::value* arguments,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  auto schema = json::parse(input_schema);
  auto props = schema ? json::find(*schema, "properties") : nullptr;
  if (!props || !props->IsObject())
    return std::nullopt;
  for (const auto& p : props->GetObject()) {
    auto marked = json::get_string(p.value, "x-mcp-header");
    if (!marked)
      continue;
    std::string header = "Mcp-Param-" + *marked;
    auto body = arguments && arguments->IsObject() ? json::find(*arguments, p.name.GetString())
                                                   : nullptr;
    if (body && body->IsNull())
      body = nullptr;
    const std::string* sent = nullptr;
    for (const auto& [name, value] : headers)
      if (same_name(name, *marked))
        sent = &value;
    if (!body && !sent)
      continue;
    if (!sent)
      return header + " is required: the body sets arguments." + p.name.GetString();
    if (!body)
      return header + " is sent but the body has no arguments." + p.name.GetString();
    auto value = header_value(*sent);
    if (!value)
      return header + " is not valid Base64 inside =?base64?...?=";
    if (*value != as_header(*body))
      return header + " '" + *value + "' differs from arguments." + p.name.GetString() + " '"
             + as_header(*body) + "'";
  }
  return std::nullopt;
}

} // namespace tmcp

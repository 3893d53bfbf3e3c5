#include "sse_reply.hpp"

#include <rapidjson/document.h>

#include <vector>

namespace mcp_bench {
namespace {

std::string check_message(const std::string& json, std::int64_t expected_id, bool& is_response) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  is_response = false;
  if (doc.HasParseError() || !doc.IsObject())
    return "unparsable JSON";
  auto id = doc.FindMember("id");
  if (id == doc.MemberEnd() || doc.HasMember("method"))
    return {};  // a notification or server request before the response: skip it
  is_response = true;
  auto ver = doc.FindMember("jsonrpc");
  if (ver == doc.MemberEnd() || !ver->value.IsString() || std::string_view(ver->value.GetString()) != "2.0")
    return "missing jsonrpc 2.0";
  if (!id->value.IsInt64() || id->value.GetInt64() != expected_id)
    return "id mismatch";
  if (doc.HasMember("error"))
    return "error reply";
  auto result = doc.FindMember("result");
  if (result == doc.MemberEnd() || !result->value.IsObject())
    return "no result object";
  return {};
}

}  // namespace

// The data payloads of all SSE events, in order (multi-line data joined with '\n').
std::vector<std::string> sse_data_payloads(std::string_view body) {
  std::vector<std::string> out;
  std::string data;
  bool has_data = false;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    auto eol = body.find('\n', pos);
    auto line = body.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty()) {  // event boundary
      if (has_data)
        out.push_back(data);
      data.clear();
      has_data = false;
    } else if (line.compare(0, 5, "data:") == 0) {
      auto v = line.substr(5);
      if (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
      if (has_data)
        data += '\n';
      data.append(v.data(), v.size());
      has_data = true;
    }
    if (eol == std::string_view::npos)
      break;
    pos = eol + 1;
  }
  if (has_data)
    out.push_back(data);
  return out;
}

std::string check_reply(std::string_view content_type, std::string_view body,
                        std::int64_t expected_id) {
  bool is_response = false;
  if (content_type.find("application/json") != std::string_view::npos) {
    auto reason = check_message(std::string(body), expected_id, is_response);
    return !reason.empty() ? reason : is_response ? std::string{} : "no response";
  }
  if (content_type.find("text/event-stream") == std::string_view::npos)
    return "unexpected content type";
  for (const auto& payload : sse_data_payloads(body)) {
    if (payload.empty())
      continue;  // priming event
    auto reason = check_message(payload, expected_id, is_response);
    if (!reason.empty() || is_response)
      return reason;
  }
  return "no response in stream";
}

}  // namespace mcp_bench

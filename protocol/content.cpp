#include "protocol/content.hpp"

#include "protocol/json.hpp"

namespace tmcp {

namespace {
std::string q(std::string_view s) {
  return json::quote(s);
}
} // namespace

std::string text_content(std::string_view text) {
  return "{\"type\":\"text\",\"text\":" + q(text) + "}";
}

std::string image_content(std::string_view base64, std::string_view mime_type) {
  return "{\"type\":\"image\",\"data\":" + q(base64) + ",\"mimeType\":" + q(mime_type) + "}";
}

std::string audio_content(std::string_view base64, std::string_view mime_type) {
  return "{\"type\":\"audio\",\"data\":" + q(base64) + ",\"mimeType\":" + q(mime_type) + "}";
}

std::string embedded_text_resource(std::string_view uri, std::string_view mime_type,
                                   std::string_view text) {
  return "{\"type\":\"resource\",\"resource\":{\"uri\":" + q(uri) + ",\"mimeType\":"
         + q(mime_type) + ",\"text\":" + q(text) + "}}";
}

std::string resource_link(std::string_view uri, std::string_view name,
                          std::string_view mime_type) {
  std::string out = "{\"type\":\"resource_link\",\"uri\":" + q(uri) + ",\"name\":" + q(name);
  if (!mime_type.empty())
    out += ",\"mimeType\":" + q(mime_type);
  return out + "}";
}

std::string tool_result::str() const {
  std::string out = "{\"content\":[";
  for (std::size_t i = 0; i < content_.size(); ++i) {
    if (i)
      out += ',';
    out += content_[i];
  }
  if (content_.empty() && !structured_.empty())
    out += text_content(structured_);
  out += ']';
  if (!structured_.empty())
    out += ",\"structuredContent\":" + structured_;
  if (is_error_)
    out += ",\"isError\":true";
  out += '}';
  return out;
}

std::string tool_error(std::string_view message) {
  return tool_result().text(message).error().str();
}

std::string read_text_result(std::string_view uri, std::string_view mime_type,
                             std::string_view text) {
  return "{\"contents\":[{\"uri\":" + q(uri) + ",\"mimeType\":" + q(mime_type) + ",\"text\":"
         + q(text) + "}]}";
}

std::string read_blob_result(std::string_view uri, std::string_view mime_type,
                             std::string_view base64) {
  return "{\"contents\":[{\"uri\":" + q(uri) + ",\"mimeType\":" + q(mime_type) + ",\"blob\":"
         + q(base64) + "}]}";
}

std::string prompt_message(std::string_view role, std::string content_block) {
  return "{\"role\":" + q(role) + ",\"content\":" + content_block + "}";
}

} // namespace tmcp

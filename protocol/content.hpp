// Builders for MCP content blocks and the results that carry them (tools/call, prompts/get,
// resources/read).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tmcp {

// Content blocks as JSON text.
std::string text_content(std::string_view text);
std::string image_content(std::string_view base64, std::string_view mime_type);
std::string audio_content(std::string_view base64, std::string_view mime_type);
std::string embedded_text_resource(std::string_view uri, std::string_view mime_type,
                                   std::string_view text);
std::string resource_link(std::string_view uri, std::string_view name,
                          std::string_view mime_type = {});

class tool_result {
public:
  tool_result& add(std::string block) {
    content_.push_back(std::move(block));
    return *this;
  }
  tool_result& text(std::string_view t) { return add(text_content(t)); }
  // structuredContent; when no text block was added, its JSON is also sent as text for
  // clients that do not read structured output.
  tool_result& structured(std::string json) {
    structured_ = std::move(json);
    return *this;
  }
  tool_result& error(bool is_error = true) {
    is_error_ = is_error;
    return *this;
  }
  std::string str() const;

private:
  std::vector<std::string> content_;
  std::string structured_;
  bool is_error_ = false;
};

// A failed tool call: isError with one text block telling the agent what went wrong.
std::string tool_error(std::string_view message);

// resources/read result with one text or blob entry.
std::string read_text_result(std::string_view uri, std::string_view mime_type,
                             std::string_view text);
std::string read_blob_result(std::string_view uri, std::string_view mime_type,
                             std::string_view base64);

// One prompts/get message.
std::string prompt_message(std::string_view role, std::string content_block);

} // namespace tmcp

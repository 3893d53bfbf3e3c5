#include "app/log_redaction.hpp"

#include <mutex>
#include <vector>

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>

namespace tmcp::app {

namespace {

constexpr std::size_t min_secret_size = 6;
constexpr std::string_view marker = "[REDACTED]";

std::mutex secrets_mtx;
std::vector<std::string>& secrets() {
  static std::vector<std::string> all;
  return all;
}

void replace_all(std::string& text, const std::string& secret) {
  for (auto at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + marker.size()))
    text.replace(at, secret.size(), marker);
}

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'
         || c == '~' || c == '+' || c == '/' || c == '=';
}

// "Bearer abc.def" -> "Bearer [REDACTED]", whatever the case of "bearer".
void redact_bearer(std::string& text) {
  static const std::string word = "bearer ";
  for (std::size_t i = 0; i + word.size() < text.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < word.size() && match; ++k)
      match = std::tolower(static_cast<unsigned char>(text[i + k])) == word[k];
    if (!match)
      continue;
    auto start = i + word.size();
    auto end = start;
    while (end < text.size() && token_char(text[end]))
      ++end;
    if (end > start && text.compare(start, end - start, marker) != 0)
      text.replace(start, end - start, marker);
    i = start;
  }
}

class redacting_sink : public spdlog::sinks::sink {
public:
  explicit redacting_sink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}

  void log(const spdlog::details::log_msg& msg) override {
    auto text = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(text.data(), text.size());
    inner_->log(copy);
  }

  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> f) override {
    inner_->set_formatter(std::move(f));
  }

private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
};

} // namespace

void add_secret(const std::string& secret) {
  if (secret.size() < min_secret_size)
    return;
  std::lock_guard<std::mutex> guard{secrets_mtx};
  for (const auto& s : secrets())
    if (s == secret)
      return;
  secrets().push_back(secret);
}

std::string redact(std::string_view text) {
  std::string out(text);
  {
    std::lock_guard<std::mutex> guard{secrets_mtx};
    for (const auto& s : secrets())
      replace_all(out, s);
  }
  redact_bearer(out);
  return out;
}

std::shared_ptr<spdlog::sinks::sink> redacting(std::shared_ptr<spdlog::sinks::sink> inner) {
  return std::make_shared<redacting_sink>(std::move(inner));
}

} // namespace tmcp::app

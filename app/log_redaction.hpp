// The one redaction point of the logs: every spdlog sink sits behind a redacting sink that
// replaces configured secrets (Twenty keys, webhook secrets, auth tokens, passwords in URLs)
// and any "Bearer <token>" with [REDACTED] before a line is written anywhere.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/sinks/sink.h>

namespace tmcp::app {

// Registers a secret to redact from every later log line (values shorter than 6 characters
// are ignored: they would mangle ordinary words). Thread-safe.
void add_secret(const std::string& secret);

// `text` with every registered secret and bearer token replaced.
std::string redact(std::string_view text);

// Wraps `inner` so everything it writes has passed through redact().
std::shared_ptr<spdlog::sinks::sink> redacting(std::shared_ptr<spdlog::sinks::sink> inner);

} // namespace tmcp::app

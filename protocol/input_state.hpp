// The requestState of 2026-07-28 input_required results: the answers a request has gathered
// so far, bound to its method and target, with an expiry, signed with HMAC-SHA256 under the
// server's key so a client cannot forge or alter it. Any instance with the key can resume it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "protocol/expected.hpp"
#include "protocol/request_context.hpp"

namespace tmcp {

struct input_state {
  std::string method; // "tools/call", "prompts/get", ...
  std::string target; // params.name or params.uri
  input_answers answers;
  int64_t expires_ms = 0; // Unix time in milliseconds
};

// `<base64url payload>.<hex HMAC>`.
std::string seal_input_state(const input_state& s, const std::string& key);

// Checks the signature, then the expiry against `now_ms`; the error says which failed.
expected<input_state, std::string> open_input_state(const std::string& sealed,
                                                    const std::string& key, int64_t now_ms);

// Where an era without server->client requests (2026-07-28, tasks) sends request_client: one
// input under `key`, its answer (or error) handed to `done`.
input_reply single_input(std::string key, client_reply done);

// A fresh random key (32 bytes from the OS's CSPRNG, hex-encoded).
std::string random_state_key();

} // namespace tmcp

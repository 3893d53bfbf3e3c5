// A small blocking HTTP/1.1 client for the transport tests: every operation runs on its own
// io_context with a deadline, so a misbehaving server fails a check instead of hanging.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tmcp::test {

struct test_request {
  std::string method = "POST";
  std::string target = "/mcp";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Replaces (or adds) a header.
  test_request& set(const std::string& name, const std::string& value);
  test_request& erase(const std::string& name);
};

// A POST as the MCP client sends it: Host 127.0.0.1:port, JSON content, both Accept types.
test_request post_request(uint16_t port, std::string body, const std::string& session_id = "",
                          const std::string& version = "");

// A GET or DELETE with Host and the session header (empty = absent).
test_request stream_request(uint16_t port, std::string method, const std::string& session_id);

struct test_response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = false;
  bool chunked = false;

  // The header's value, or "" when absent (case-insensitive name).
  std::string header(const std::string& name) const;
};

class test_client {
public:
  explicit test_client(uint16_t port,
                       std::chrono::milliseconds deadline = std::chrono::seconds{5});
  ~test_client();

  bool connected() const;

  // Sends a request; false on error or timeout.
  bool send(const test_request& req);

  // Sends bytes as they are (pipelined or hand-framed requests).
  bool send_raw(const std::string& bytes);

  // Reads one whole response (a chunked SSE body until its last chunk).
  std::optional<test_response> receive();

  // send + receive.
  std::optional<test_response> exchange(const test_request& req);

  // Reads only the header of the next response; then read_body_until for a stream.
  std::optional<test_response> receive_header();

  // Reads body bytes of the response begun by receive_header until `needle` appears;
  // returns the body so far (empty optional on error or timeout).
  std::optional<std::string> read_body_until(const std::string& needle);

  // Reads the rest of that response until its end; returns the whole body.
  std::optional<std::string> read_body_to_end();

  // True once the server has closed the connection (a read sees EOF or a reset).
  bool server_closed();

  // Closes the socket abruptly, as a client that goes away.
  void close();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace tmcp::test

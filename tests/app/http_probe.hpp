// Plain blocking HTTP for end-to-end tests of the server's non-MCP routes (health, metrics,
// auth): one request per connection, every response header kept.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tmcp::testing {

struct http_answer {
  int status = 0; // 0: no answer (the body then holds the error)
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
};

inline http_answer http_call(uint16_t port, const std::string& method, const std::string& target,
                             const std::vector<std::pair<std::string, std::string>>& headers = {},
                             const std::string& body = {}) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  boost::system::error_code ec;
  stream.expires_after(std::chrono::seconds(20));
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  http_answer out;
  if (ec) {
    out.body = ec.message();
    return out;
  }
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers)
    req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  if (!ec)
    http::read(stream, buf, res, ec);
  if (ec) {
    out.body = ec.message();
    return out;
  }
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  return out;
}

// A loopback port nobody listens on right now (bound, read, released).
inline uint16_t free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a{ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return a.local_endpoint().port();
}

// Polls until `port` answers GET `target` or the deadline passes.
inline http_answer wait_http(uint16_t port, const std::string& target,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  http_answer a;
  while (std::chrono::steady_clock::now() < deadline) {
    a = http_call(port, "GET", target);
    if (a.status != 0)
      return a;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return a;
}

} // namespace tmcp::testing

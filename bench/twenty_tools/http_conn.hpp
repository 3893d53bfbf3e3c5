// One keep-alive HTTP/1.1 connection on its own strand; reconnects lazily after a close or error.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace twenty_bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;

struct endpoint {
  std::string host;
  std::string port;
  std::string target;  // path of the MCP endpoint; "/" for the stand-in
};

// "http://host:port/path" -> endpoint; nullopt for anything else (plain http on loopback only).
std::optional<endpoint> parse_url(const std::string& url);

class http_conn : public std::enable_shared_from_this<http_conn> {
public:
  using done_fn = std::function<void(beast::error_code, http_response&)>;

  http_conn(net::io_context& ioc, tcp::resolver::results_type addrs, std::chrono::milliseconds timeout);

  // Sends one request (callable from any thread; one at a time); done runs on the strand.
  void send(http_request req, done_fn done);

  std::uint64_t connects() const { return connects_; }

private:
  void connect_then_write();
  void write_request();
  void finish(beast::error_code ec);

  beast::tcp_stream stream_;
  tcp::resolver::results_type addrs_;
  std::chrono::milliseconds timeout_;
  beast::flat_buffer buffer_;
  http_request req_;
  std::optional<http::response_parser<http::string_body>> parser_;
  done_fn done_;
  bool connected_ = false;
  std::uint64_t connects_ = 0;
};

// Resolves host:port once (numeric loopback addresses in practice).
tcp::resolver::results_type resolve(net::io_context& ioc, const endpoint& ep);

}  // namespace twenty_bench

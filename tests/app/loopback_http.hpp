// One plain HTTP/1.1 request to a loopback port, for the end-to-end tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tmcp::testing {

using header_list = std::vector<std::pair<std::string, std::string>>;

// {status, body}; status 0 and the error text when no answer arrived (10 s at most).
inline std::pair<int, std::string> loopback_request(const std::string& port,
                                                    const std::string& method,
                                                    const std::string& target,
                                                    const std::string& body,
                                                    const header_list& headers) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver{ioc};
  beast::tcp_stream stream{ioc};
  stream.expires_after(std::chrono::seconds(10));
  boost::system::error_code ec;
  stream.connect(resolver.resolve("127.0.0.1", port, ec), ec);
  if (ec)
    return {0, ec.message()};
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + port);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  for (auto& [k, v] : headers)
    req.set(k, v);
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res, ec);
  if (ec && !res.result_int())
    return {0, ec.message()};
  return {static_cast<int>(res.result_int()), res.body()};
}

} // namespace tmcp::testing

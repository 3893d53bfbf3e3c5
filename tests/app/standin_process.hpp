// Starts the Twenty stand-in as a child process on a free loopback port and talks to its admin
// endpoints (stats, faults) over plain HTTP.
#pragma once

#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "app/child_process.hpp"
#include "protocol/json.hpp"

namespace tmcp::testing {

class standin_process {
public:
  explicit standin_process(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{TMCP_STANDIN_BINARY, "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc_ = std::make_unique<child_process>(argv);
    auto line = proc_->read_line(std::chrono::seconds(20));
    if (line) {
      auto at = line->find("http://");
      if (at != std::string::npos)
        url = line->substr(at);
    }
    auto colon = url.rfind(':');
    if (colon != std::string::npos)
      port = url.substr(colon + 1);
  }

  // One plain HTTP request to the stand-in; returns {status, body}.
  std::pair<int, std::string> http(const std::string& method, const std::string& target,
                                   const std::string& body = {},
                                   const std::string& api_key = "standin-demo-key") {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::resolver resolver{ioc};
    beast::tcp_stream stream{ioc};
    boost::system::error_code ec;
    stream.connect(resolver.resolve("127.0.0.1", port, ec), ec);
    if (ec)
      return {0, ec.message()};
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + port);
    if (!api_key.empty())
      req.set(http::field::authorization, "Bearer " + api_key);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req, ec);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res, ec);
    if (ec)
      return {0, ec.message()};
    return {static_cast<int>(res.result_int()), res.body()};
  }

  // The stand-in's request counter for one route ("GET /rest/{object}/{id}"), 0 if absent.
  int64_t count(const std::string& route) {
    auto [status, body] = http("GET", "/_standin/stats", "", "");
    auto doc = json::parse(body);
    if (!doc)
      return -1;
    return find_count(*doc, route);
  }

  std::string stats() { return http("GET", "/_standin/stats", "", "").second; }
  void reset_stats() { http("POST", "/_standin/reset-stats", "{}", ""); }

  std::string url;
  std::string port;

private:
  static int64_t find_count(const json::value& v, const std::string& route) {
    if (v.IsObject()) {
      for (const auto& m : v.GetObject()) {
        if (route == m.name.GetString() && m.value.IsInt64())
          return m.value.GetInt64();
        auto inner = find_count(m.value, route);
        if (inner > 0)
          return inner;
      }
    }
    return 0;
  }

  std::unique_ptr<child_process> proc_;
};

} // namespace tmcp::testing

// One MCP session over Streamable HTTP on its own keep-alive TCP connection (Beast async, own strand).
#pragma once

#include "latency_stats.hpp"
#include "options.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mcp_bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

// Shared by all sessions of one load run.
struct run_plan {
  clock_type::time_point deadline;
  std::uint64_t max_requests = 0;
  std::atomic<std::uint64_t> issued{0};  // requests started by all sessions
  std::vector<std::string> mix;
};

class mcp_client : public std::enable_shared_from_this<mcp_client> {
public:
  // Completion: empty string on success, else a reason.
  using done_fn = std::function<void(const std::string& error)>;

  mcp_client(net::io_context& ioc, const endpoint& ep, tcp::resolver::results_type addrs,
             double timeout_s, int index, bool modern = false);

  // Legacy: connects, sends initialize (expects an Mcp-Session-Id) and notifications/initialized
  // (expects 202). Modern (2026-07-28): nothing to set up, every request stands alone.
  void open(done_fn done);
  // Drops the TCP connection; the MCP session stays alive on the server.
  void close_connection(done_fn done);
  // Closed loop over plan.mix until the deadline or the global request cap; never fails as a whole.
  void run_loop(run_plan& plan, done_fn done);
  // DELETE of the session (reconnects when the connection was closed); expects 200.
  void delete_session(done_fn done);

  // Read only after the loop completed.
  const stats_by_method& stats() const { return stats_; }
  const std::string& session_id() const { return session_id_; }
  std::uint64_t reconnects() const { return reconnects_; }

private:
  using response = http::response<http::string_body>;
  using reply_fn = std::function<void(beast::error_code, response&)>;

  void send(http::verb verb, std::string body, reply_fn on_reply);
  void connect_then_write();
  void write_request();
  void on_read(beast::error_code ec);
  void on_initialize(beast::error_code ec, response& res, done_fn done);
  void next_request(run_plan& plan, done_fn done);
  void on_loop_reply(run_plan& plan, done_fn done, const std::string& method, std::int64_t id,
                     clock_type::time_point started, beast::error_code ec, response& res);
  std::string request_body(const std::string& method, std::int64_t id) const;
  bool modern_ = false;
  std::string method_header_; // Mcp-Method (and Mcp-Name) of the next modern request

  beast::tcp_stream stream_;
  tcp::resolver::results_type addrs_;
  const endpoint& ep_;
  std::chrono::milliseconds timeout_;
  int index_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
  reply_fn on_reply_;
  bool connected_ = false;
  std::string session_id_;
  std::int64_t next_id_ = 1;
  std::size_t mix_pos_ = 0;
  int consecutive_failures_ = 0;
  std::uint64_t reconnects_ = 0;
  stats_by_method stats_;
};

}  // namespace mcp_bench

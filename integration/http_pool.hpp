// Internals of http_client: the shared core (I/O threads, the bounded keep-alive pool, the FIFO
// of waiting requests) and one connection (one socket, one strand, one request at a time).
// Only http_client.cpp and http_connection.cpp include this.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "integration/http_client.hpp"
#include "integration/http_url.hpp"

namespace tmcp::twenty::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

// One send(): it waits in the queue, runs on a connection, and on a stale keep-alive connection
// moves once to a fresh one. `done` runs exactly once, even if the I/O threads die first.
struct exchange {
  request req;
  std::function<void(outcome)> done;
  steady::time_point deadline;
  bool retried = false;
  // Only while queued; touched only on the core's queue strand.
  std::unique_ptr<net::steady_timer> queue_timer;
  std::atomic<bool> finished{false};

  ~exchange();
  void finish(outcome o);
};

using exchange_ptr = std::shared_ptr<exchange>;
class connection;
using connection_ptr = std::shared_ptr<connection>;

error network_error(std::string message);

struct client_core {
  client_core(client_options o, base_url u);

  client_options opts;
  base_url url;
  // Before ioc: SSL streams destroyed with the io_context's handlers still use it.
  std::optional<ssl::context> tls;
  net::io_context ioc;
  // Serializes the queue timers of waiting requests.
  net::strand<net::io_context::executor_type> queue_strand;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;
  std::vector<std::thread> threads;
  std::mutex run_mu;
  std::condition_variable run_cv;
  int running = 0;

  // The pool, under mu.
  mutable std::mutex mu;
  bool stopping = false;
  std::size_t open = 0;
  std::vector<connection_ptr> idle; // back = most recently used
  std::deque<exchange_ptr> waiters;
  std::map<uint64_t, std::weak_ptr<connection>> live;
  uint64_t next_id = 0;

  std::atomic<uint64_t> requests{0}, opened{0}, reused{0}, network_errors{0}, retries{0},
    timeouts{0}, stale_replaced{0};
  std::atomic<std::size_t> in_flight{0};

  void start_threads(const std::shared_ptr<client_core>& self, int n);
  // Hands `ex` to an idle or new connection, or queues it; false when shutting down.
  bool submit(const exchange_ptr& ex);
  // From a connection's strand, after a keep-alive answer: serve a waiter or go idle.
  void release(const connection_ptr& c);
  // From a connection's strand: it is closed for good; its slot serves the next waiter.
  void discard(connection& c);
  // From a stale connection's strand: replace it with a fresh connection running `ex`
  // (`after_failure`: a retry after a failed attempt, not a check before sending).
  void retry_fresh(connection& stale, const exchange_ptr& ex, bool after_failure = true);
  // From an idle connection's strand when its idle timer fires.
  void idle_expired(const connection_ptr& c, uint64_t gen);
  void complete(const exchange_ptr& ex, outcome o);
  client_stats stats() const;
  void shutdown();

private:
  connection_ptr make_connection_locked();
  void start_waiter_locked(std::vector<std::pair<connection_ptr, exchange_ptr>>& out,
                           const connection_ptr& c);
  void queue_locked(const exchange_ptr& ex);
  void cancel_queue_timer(const exchange_ptr& ex);
};

class connection : public std::enable_shared_from_this<connection> {
public:
  connection(client_core& core, uint64_t id);

  uint64_t id() const { return id_; }

  // Runs `ex` on this connection (posted onto its strand).
  void start(exchange_ptr ex, bool reused);
  // On the strand: closes the connection if it is still idle (same gen) after idle_timeout.
  void arm_idle(uint64_t gen);
  // Posts a close onto the strand; an exchange in progress fails with `reason`.
  void close_async(std::string reason);
  // On the strand: closes the socket and cancels every pending operation.
  void close_now();

  // Bumped each time the connection leaves the idle list; guarded by the core's mutex.
  uint64_t idle_gen = 0;

private:
  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*plain_);
  }

  void run(exchange_ptr ex, bool reused);
  // True when the peer already closed (or reset) this idle connection, seen without blocking.
  bool peer_gone();
  void build_request();
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results);
  void on_connect(beast::error_code ec, tcp::endpoint);
  void on_handshake(beast::error_code ec);
  void write();
  void on_write(beast::error_code ec, std::size_t written);
  void read();
  void on_read(beast::error_code ec, std::size_t);
  void succeed();
  void fail(beast::error_code ec, bool may_retry);
  std::string describe(beast::error_code ec) const;

  client_core& core_;
  uint64_t id_;
  net::strand<net::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  net::steady_timer deadline_timer_;
  net::steady_timer idle_timer_;
  exchange_ptr ex_;
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> parser_;
  const char* stage_ = "connecting";
  std::string closing_reason_;
  uint64_t gen_ = 0; // per exchange: a late deadline handler of an earlier one ignores itself
  bool reused_ = false;
  bool connected_ = false;
  bool timed_out_ = false;
};

} // namespace tmcp::twenty::detail

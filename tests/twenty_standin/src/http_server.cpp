#include "http_server.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

namespace standin {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Delivers webhook jobs on worker threads with a blocking Beast client: 5 s timeout, retries.
class webhook_sender {
public:
  webhook_sender(stats& st, const server_settings& s) : stats_(st), settings_(s), rng_(std::random_device{}()) {
    for (int i = 0; i < 2; ++i) workers_.emplace_back([this] { work(); });
  }
  ~webhook_sender() { stop(); }

  void submit(std::vector<webhook_job> jobs) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& j : jobs) queue_.push_back(std::move(j));
    }
    cv_.notify_all();
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

private:
  void work() {
    for (;;) {
      webhook_job job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      bool ok = false;
      for (int attempt = 0; attempt <= settings_.webhook_retries && !ok; ++attempt) {
        if (attempt > 0) {
          std::unique_lock<std::mutex> lock(mu_);
          auto wait = std::chrono::milliseconds(settings_.webhook_backoff_ms << (attempt - 1));
          if (cv_.wait_for(lock, wait, [&] { return stopping_; })) return;
        }
        ok = deliver(job);
      }
      stats_.count_webhook(ok);
    }
  }

  std::string nonce() {
    std::lock_guard<std::mutex> lock(mu_);
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 16; ++i) {
      auto b = rng_() & 0xFF;
      s += hex[b >> 4];
      s += hex[b & 0xF];
    }
    return s;
  }

  bool deliver(const webhook_job& job) {
    // Only http:// targets: the stand-in delivers to loopback test receivers.
    const std::string prefix = "http://";
    if (job.url.rfind(prefix, 0) != 0) return false;
    std::string rest = job.url.substr(prefix.size());
    auto slash = rest.find('/');
    std::string hostport = rest.substr(0, slash), target = slash == std::string::npos ? "/" : rest.substr(slash);
    auto colon = hostport.rfind(':');
    std::string host = hostport.substr(0, colon), port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
    try {
      net::io_context ioc;
      tcp::resolver resolver(ioc);
      beast::tcp_stream stream(ioc);
      const auto timeout = std::chrono::milliseconds(settings_.webhook_timeout_ms);
      beast::error_code ec;
      auto results = resolver.resolve(host, port, ec);
      if (ec) return false;
      stream.expires_after(timeout);
      stream.connect(results, ec);
      if (ec) return false;
      http::request<http::string_body> req{http::verb::post, target, 11};
      req.set(http::field::host, hostport);
      req.set(http::field::user_agent, "Twenty-Webhook");
      for (auto& [k, v] : webhook_headers(job, wall_clock_ms(), nonce())) req.set(k, v);
      req.body() = job.body;
      req.prepare_payload();
      // One deadline for the whole exchange, as axios' timeout.
      stream.expires_after(timeout);
      http::write(stream, req, ec);
      if (ec) return false;
      beast::flat_buffer buffer;
      http::response<http::string_body> res;
      http::read(stream, buffer, res, ec);
      if (ec) return false;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return res.result_int() >= 200 && res.result_int() < 300;
    } catch (const std::exception&) {
      return false;
    }
  }

  stats& stats_;
  server_settings settings_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<webhook_job> queue_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
  std::mt19937_64 rng_;
};

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket&& socket, app& a, webhook_sender& sender)
    : stream_(std::move(socket)), timer_(stream_.get_executor()), app_(a), sender_(sender) {}

  void run() {
    // We need to be executing within a strand to perform async operations.
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&session::do_read, shared_from_this()));
  }

private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(32 * 1024 * 1024);
    stream_.expires_after(std::chrono::seconds(120));  // idle keep-alive connections
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return close();
    auto req = parser_->release();
    http_request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.body = std::move(req.body());
    for (auto& h : req) r.headers.emplace_back(std::string(h.name_string()), std::string(h.value()));
    keep_alive_ = req.keep_alive();
    auto out = app_.handle(r);
    if (!out.webhooks.empty()) sender_.submit(std::move(out.webhooks));
    stream_.expires_never();
    if (out.fault.kind == fault_kind::reset) return reset();
    if (out.fault.kind == fault_kind::stall) {
      // Hold the request past the client's deadline, then drop the connection.
      timer_.expires_after(std::chrono::milliseconds(out.fault.stall_ms));
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->reset(); });
      return;
    }
    build(out.response);
    if (out.fault.latency_ms > 0) {
      timer_.expires_after(std::chrono::milliseconds(out.fault.latency_ms));
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
      return;
    }
    write();
  }

  void build(const http_response& r) {
    res_ = {};
    res_.result(static_cast<unsigned>(r.status));
    res_.version(11);
    res_.set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res_.set(k, v);
    res_.body() = r.body;
    res_.keep_alive(keep_alive_);
    res_.prepare_payload();
  }

  void write() {
    http::async_write(stream_, res_, beast::bind_front_handler(&session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (!keep_alive_) return close();
    do_read();
  }

  void reset() {
    beast::error_code ec;
    stream_.socket().set_option(net::socket_base::linger(true, 0), ec);
    stream_.socket().close(ec);
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  bool keep_alive_ = true;
  app& app_;
  webhook_sender& sender_;
};

}  // namespace

struct http_server::impl {
  impl(app& a, server_settings s)
    : app_(a), settings_(s), ioc_(s.threads), acceptor_(net::make_strand(ioc_)), sender_(a.counters(), s) {}

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor_.is_open()) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<session>(std::move(socket), app_, sender_)->run();
      }
      accept();
    });
  }

  app& app_;
  server_settings settings_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  webhook_sender sender_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

http_server::http_server(app& a, server_settings s) : impl_(std::make_unique<impl>(a, s)) {}

http_server::~http_server() { stop(); }

bool http_server::start(std::string* err) {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->settings_.host, ec);
  if (ec) { if (err) *err = "bad host: " + ec.message(); return false; }
  tcp::endpoint ep{address, impl_->settings_.port};
  auto& acc = impl_->acceptor_;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) { if (err) *err = "listen failed: " + ec.message(); return false; }
  impl_->port_ = acc.local_endpoint().port();
  impl_->accept();
  for (int i = 0; i < impl_->settings_.threads; ++i)
    impl_->threads_.emplace_back([this] { impl_->ioc_.run(); });
  return true;
}

std::uint16_t http_server::port() const { return impl_->port_; }

void http_server::stop() {
  if (!impl_ || impl_->stopped_) return;
  impl_->stopped_ = true;
  net::post(impl_->acceptor_.get_executor(), [this] {
    beast::error_code ec;
    impl_->acceptor_.close(ec);
  });
  impl_->ioc_.stop();
  for (auto& t : impl_->threads_) t.join();
  impl_->sender_.stop();
}

void http_server::wait_for_signal() {
  net::io_context ioc;
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
  ioc.run();
}

}  // namespace standin

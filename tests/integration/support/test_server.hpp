// A small scriptable HTTP/1.1 server on 127.0.0.1 (ephemeral port) for the HTTP client tests:
// blocking Beast I/O, one thread per connection, a handler deciding each answer (respond,
// delay, stall, close without answering, close after answering), plain or TLS (given a
// certificate and key file; it records the SNI name it got). Header-only because every
// .cpp in tests/integration/ is a test file.
#pragma once

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace tmcp::test {

namespace srv {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
} // namespace srv

struct seen_request {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers; // lower-case names
  int connection = 0;                         // 1-based, in accept order
  int nth_on_connection = 0;                  // 1-based

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
  bool has_header(const std::string& lower_name) const {
    return headers.count(lower_name) != 0;
  }
};

struct reply {
  enum kind { respond, stall, close_without_answer, reset_without_answer } act = respond;
  int status = 200;
  std::string body = R"({"data":{}})";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};
  // Answer as keep-alive but close the socket right after, like a server whose idle timer
  // fired: the client only notices on its next request.
  bool close_silently_after = false;

  static reply of(kind k) {
    reply r;
    r.act = k;
    return r;
  }
};

class test_server {
public:
  using handler = std::function<reply(const seen_request&)>;

  explicit test_server(handler h, const std::string& cert_file = "",
                       const std::string& key_file = "")
    : handler_(std::move(h)), acceptor_(ioc_) {
    if (!cert_file.empty()) {
      tls_.emplace(srv::ssl::context::tls_server);
      tls_->use_certificate_chain_file(cert_file);
      tls_->use_private_key_file(key_file, srv::ssl::context::pem);
    }
    srv::tcp::endpoint ep{srv::net::ip::make_address("127.0.0.1"), 0};
    acceptor_.open(ep.protocol());
    acceptor_.set_option(srv::net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~test_server() { stop(); }

  uint16_t port() const { return port_; }
  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  int accepted() const { return accepted_; }
  int max_concurrent() const { return max_concurrent_; }
  int closed() const { return closed_; }
  int tls_failures() const { return tls_failures_; }
  std::string sni() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sni_;
  }

  std::vector<seen_request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_)
        return;
      stopping_ = true;
      for (auto fd : open_fds_)
        ::shutdown(fd, SHUT_RDWR); // wakes sessions blocked in read
    }
    cv_.notify_all();
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR); // wakes accept()
    if (accept_thread_.joinable())
      accept_thread_.join();
    std::vector<std::thread> sessions;
    {
      std::lock_guard<std::mutex> lock(mu_);
      sessions.swap(sessions_);
    }
    for (auto& t : sessions)
      t.join();
  }

private:
  void accept_loop() {
    for (;;) {
      auto sock = std::make_shared<srv::tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*sock, ec);
      std::lock_guard<std::mutex> lock(mu_);
      if (ec || stopping_)
        return;
      int id = ++accepted_;
      ++active_;
      max_concurrent_ = std::max(max_concurrent_.load(), active_.load());
      open_fds_.push_back(sock->native_handle());
      sessions_.emplace_back([this, sock, id] { session(sock, id); });
    }
  }

  void session(std::shared_ptr<srv::tcp::socket> sock, int id) {
    bool reset = false;
    if (tls_) {
      srv::ssl::stream<srv::tcp::socket&> s(*sock, *tls_);
      boost::system::error_code ec;
      s.handshake(srv::ssl::stream_base::server, ec);
      if (ec) {
        ++tls_failures_;
      } else {
        if (auto name = SSL_get_servername(s.native_handle(), TLSEXT_NAMETYPE_host_name)) {
          std::lock_guard<std::mutex> lock(mu_);
          sni_ = name;
        }
        reset = serve(s, id);
      }
    } else {
      reset = serve(*sock, id);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), sock->native_handle()),
                      open_fds_.end());
    }
    boost::system::error_code ignored;
    if (reset)
      sock->set_option(srv::net::socket_base::linger(true, 0), ignored); // close sends RST
    else
      sock->shutdown(srv::tcp::socket::shutdown_both, ignored);
    sock->close(ignored);
    --active_;
    ++closed_;
  }

  // Serves requests until the connection ends; true when it should end with a reset.
  template <class Stream>
  bool serve(Stream& sock, int id) {
    srv::beast::flat_buffer buf;
    for (int nth = 1;; ++nth) {
      srv::http::request<srv::http::string_body> req;
      boost::system::error_code ec;
      srv::http::read(sock, buf, req, ec);
      if (ec)
        break;
      seen_request seen{std::string(req.method_string()), std::string(req.target()), req.body(),
                        {}, id, nth};
      for (auto& f : req) {
        std::string name(f.name_string());
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        seen.headers[name] = std::string(f.value());
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(seen);
      }
      auto r = handler_(seen);
      if (r.act == reply::stall) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stopping_; });
        break;
      }
      if (r.act == reply::close_without_answer)
        break;
      if (r.act == reply::reset_without_answer)
        return true;
      if (r.delay.count() > 0) {
        std::unique_lock<std::mutex> lock(mu_);
        if (cv_.wait_for(lock, r.delay, [this] { return stopping_; }))
          break;
      }
      srv::http::response<srv::http::string_body> res{static_cast<srv::http::status>(r.status),
                                                      11};
      res.set(srv::http::field::content_type, "application/json");
      for (auto& [k, v] : r.headers)
        res.set(k, v);
      res.body() = r.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      srv::http::write(sock, res, ec);
      if (ec || !req.keep_alive() || r.close_silently_after)
        break;
    }
    return false;
  }

  handler handler_;
  srv::net::io_context ioc_;
  std::optional<srv::ssl::context> tls_;
  srv::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::thread> sessions_;
  std::vector<int> open_fds_;
  std::vector<seen_request> requests_;
  std::string sni_;
  std::atomic<int> accepted_{0}, active_{0}, max_concurrent_{0}, closed_{0}, tls_failures_{0};
};

} // namespace tmcp::test

#include "protocol/transport/webhook_server.hpp"

#include <array>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <spdlog/spdlog.h>

#include "protocol/json.hpp"
#include "protocol/transport/net.hpp"

namespace tmcp::transport {

namespace {
class webhook_session;
} // namespace

// Sessions waiting for their handler's answer are owned here, so an answer arriving after
// stop() finds nothing to write to instead of a destroyed io_context.
struct webhook_server::impl {
  webhook_options options;
  webhook_handler handler;
  std::unique_ptr<net::io_context> ioc = std::make_unique<net::io_context>(1);
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::mutex mtx;
  bool stopped = false;
  std::unordered_set<std::shared_ptr<webhook_session>> waiting;
};

namespace {

std::string json_error(const std::string& text) {
  return "{\"error\":" + json::quote(text) + "}";
}

std::string header(const http::request<http::string_body>& req, const char* name) {
  auto it = req.find(name);
  return it == req.end() ? std::string{} : std::string(it->value());
}

class webhook_session : public std::enable_shared_from_this<webhook_session> {
public:
  webhook_session(tcp::socket socket, std::shared_ptr<webhook_server::impl> owner)
    : stream_(std::move(socket)), owner_(std::move(owner)) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(owner_->options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(owner_->options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&webhook_session::on_read, shared_from_this()));
  }

private:
  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) {
      draining_ = true;
      return write(413,
                   json_error("Payload Too Large: the body exceeds "
                              + std::to_string(owner_->options.max_body_bytes) + " bytes"),
                   false);
    }
    if (ec)
      return close();
    auto req = parser_->release();
    stream_.expires_never();
    std::string_view target(req.target().data(), req.target().size());
    auto path = target.substr(0, target.find('?'));
    bool keep = req.keep_alive();
    if (path != owner_->options.path)
      return write(404, json_error("Not Found: webhooks are received at "
                                   + owner_->options.path),
                   keep);
    if (req.method() != http::verb::post)
      return write(405, json_error("Method Not Allowed: send webhooks with POST"), keep);
    webhook_delivery d;
    d.signing.timestamp = header(req, "X-Twenty-Webhook-Timestamp");
    d.signing.signature = header(req, "X-Twenty-Webhook-Signature");
    d.signing.nonce = header(req, "X-Twenty-Webhook-Nonce");
    d.body = std::move(req.body());
    {
      std::lock_guard<std::mutex> guard(owner_->mtx);
      owner_->waiting.insert(shared_from_this());
    }
    d.respond = [weak = weak_from_this(), owner = owner_](int status, std::string body) {
      std::lock_guard<std::mutex> guard(owner->mtx);
      auto self = weak.lock();
      if (!self || owner->stopped || owner->waiting.erase(self) == 0)
        return; // answered already, or the server stopped
      net::post(self->stream_.get_executor(),
                [self, status, body = std::move(body)]() mutable {
                  self->write(status, std::move(body), self->keep_);
                });
    };
    keep_ = keep;
    owner_->handler(std::move(d));
  }

  void write(int status, std::string body, bool keep) {
    auto res = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(status), 11);
    res->set(http::field::content_type, "application/json");
    if (status == 405)
      res->set(http::field::allow, "POST");
    res->keep_alive(keep);
    res->body() = std::move(body);
    res->prepare_payload();
    stream_.expires_after(owner_->options.read_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
                        if (!ec && self->draining_)
                          return self->drain();
                        if (ec || !keep)
                          return self->close();
                        self->read();
                      });
  }

  // After a 413 the client may still be sending the body: read and drop it (bounded in time),
  // so closing does not reset the connection before the client has read the answer.
  void drain() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain_more(std::make_shared<std::array<char, 16384>>());
  }

  void drain_more(std::shared_ptr<std::array<char, 16384>> scratch) {
    stream_.async_read_some(net::buffer(*scratch),
                            [self = shared_from_this(), scratch](beast::error_code ec, std::size_t) {
                              if (ec)
                                return self->close();
                              self->drain_more(scratch);
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<webhook_server::impl> owner_; // the cycle through the io_context ends in stop()
  bool keep_ = false;
  bool draining_ = false;
};

void do_accept(std::shared_ptr<webhook_server::impl> st) {
  st->acceptor->async_accept(net::make_strand(*st->ioc), [st](beast::error_code ec,
                                                              tcp::socket socket) {
    if (ec == net::error::operation_aborted)
      return;
    if (ec)
      spdlog::warn("webhooks: accept: {}", ec.message());
    else
      std::make_shared<webhook_session>(std::move(socket), st)->read();
    do_accept(st);
  });
}

} // namespace

webhook_server::webhook_server(webhook_options options, webhook_handler handler)
  : impl_(std::make_shared<impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

webhook_server::~webhook_server() {
  stop();
}

expected<uint16_t, std::string> webhook_server::start() {
  auto& st = *impl_;
  if (st.acceptor)
    return make_unexpected(std::string("webhook server already started"));
  beast::error_code ec;
  st.acceptor.emplace(net::make_strand(*st.ioc));
  tcp::resolver resolver{*st.ioc};
  auto results = resolver.resolve(st.options.host, std::to_string(st.options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    return make_unexpected("cannot resolve " + st.options.host + ": " + ec.message());
  auto endpoint = results.begin()->endpoint();
  auto fail = [&](const char* what) {
    return make_unexpected(std::string(what) + " " + st.options.host + ":"
                           + std::to_string(st.options.port) + ": " + ec.message());
  };
  if (st.acceptor->open(endpoint.protocol(), ec); ec)
    return fail("open");
  if (st.acceptor->set_option(net::socket_base::reuse_address(true), ec); ec)
    return fail("set_option");
  if (st.acceptor->bind(endpoint, ec); ec)
    return fail("bind");
  if (st.acceptor->listen(net::socket_base::max_listen_connections, ec); ec)
    return fail("listen");
  auto port = st.acceptor->local_endpoint(ec).port();
  net::dispatch(st.acceptor->get_executor(), [p = impl_] { do_accept(p); });
  auto n = st.options.threads > 0 ? st.options.threads : 1;
  for (int i = 0; i < n; ++i)
    st.threads.emplace_back([p = impl_.get()] { p->ioc->run(); });
  spdlog::info("webhooks: listening on {}:{}{}", st.options.host, port, st.options.path);
  return port;
}

void webhook_server::stop() {
  auto& st = *impl_;
  std::unordered_set<std::shared_ptr<webhook_session>> waiting;
  {
    std::lock_guard<std::mutex> guard(st.mtx);
    if (st.stopped)
      return;
    st.stopped = true;
    waiting.swap(st.waiting);
  }
  st.ioc->stop();
  for (auto& t : st.threads)
    if (t.joinable())
      t.join();
  st.threads.clear();
  // Open connections end here, while their io_context still exists.
  waiting.clear();
  st.acceptor.reset();
  st.ioc.reset();
}

} // namespace tmcp::transport

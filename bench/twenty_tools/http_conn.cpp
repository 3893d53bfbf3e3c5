#include "http_conn.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

namespace twenty_bench {

std::optional<endpoint> parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return std::nullopt;
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto hostport = rest.substr(0, slash);
  endpoint ep;
  ep.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = hostport.rfind(':');
  ep.host = hostport.substr(0, colon);
  ep.port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  if (ep.host.empty() || ep.port.empty())
    return std::nullopt;
  return ep;
}

tcp::resolver::results_type resolve(net::io_context& ioc, const endpoint& ep) {
  tcp::resolver r(ioc);
  return r.resolve(ep.host, ep.port);
}

http_conn::http_conn(net::io_context& ioc, tcp::resolver::results_type addrs,
                     std::chrono::milliseconds timeout)
    : stream_(net::make_strand(ioc)), addrs_(std::move(addrs)), timeout_(timeout) {}

void http_conn::send(http_request req, done_fn done) {
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this(), req = std::move(req), done = std::move(done)]() mutable {
                  self->req_ = std::move(req);
                  self->req_.keep_alive(true);
                  self->req_.prepare_payload();
                  self->done_ = std::move(done);
                  if (self->connected_)
                    self->write_request();
                  else
                    self->connect_then_write();
                });
}

void http_conn::connect_then_write() {
  stream_.expires_after(timeout_);
  stream_.async_connect(addrs_, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
    if (ec)
      return self->finish(ec);
    self->connected_ = true;
    ++self->connects_;
    beast::error_code ignored;
    self->stream_.socket().set_option(tcp::no_delay(true), ignored);
    self->write_request();
  });
}

void http_conn::write_request() {
  stream_.expires_after(timeout_);
  http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec)
      return self->finish(ec);
    self->parser_.emplace();
    self->parser_->body_limit(256 * 1024 * 1024);
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec, std::size_t) { self->finish(ec); });
  });
}

void http_conn::finish(beast::error_code ec) {
  http_response res;
  if (!ec)
    res = parser_->release();
  if (ec || !res.keep_alive()) {  // the next send opens a new connection
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    connected_ = false;
  }
  auto cb = std::move(done_);  // cb may call send() again
  cb(ec, res);
}

}  // namespace twenty_bench

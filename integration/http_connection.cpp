// One pooled connection, modeled on Beast's http_client_async: resolve, connect, TLS handshake
// (SNI + host name verification), write, read; everything on the connection's strand.
#include <sys/socket.h>

#include <cerrno>

#include <openssl/err.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "integration/http_pool.hpp"

namespace tmcp::twenty::detail {

namespace {

http::verb to_verb(verb v) {
  switch (v) {
    case verb::get: return http::verb::get;
    case verb::post: return http::verb::post;
    case verb::patch: return http::verb::patch;
    case verb::put: return http::verb::put;
    case verb::del: return http::verb::delete_;
  }
  return http::verb::get;
}

// What a server that dropped an idle keep-alive connection looks like to the next request.
bool is_stale(const beast::error_code& ec) {
  return ec == net::error::eof || ec == http::error::end_of_stream
         || ec == net::error::connection_reset || ec == net::error::broken_pipe
         || ec == net::error::connection_aborted || ec == ssl::error::stream_truncated;
}

template <class Message>
std::string_view field(const Message& m, std::string_view name) {
  auto it = m.find(beast::string_view(name.data(), name.size()));
  if (it == m.end())
    return {};
  auto v = it->value();
  return std::string_view(v.data(), v.size());
}

std::optional<int> narrow(std::optional<long long> v) {
  if (!v || *v < INT32_MIN || *v > INT32_MAX)
    return std::nullopt;
  return static_cast<int>(*v);
}

} // namespace

connection::connection(client_core& core, uint64_t id)
  : core_(core),
    id_(id),
    strand_(net::make_strand(core.ioc)),
    resolver_(strand_),
    deadline_timer_(strand_),
    idle_timer_(strand_) {}

void connection::start(exchange_ptr ex, bool reused) {
  net::post(strand_, [self = shared_from_this(), ex = std::move(ex), reused]() mutable {
    self->run(std::move(ex), reused);
  });
}

void connection::close_async(std::string reason) {
  net::post(strand_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    self->closing_reason_ = std::move(reason);
    self->close_now();
  });
}

void connection::close_now() {
  resolver_.cancel();
  if (plain_)
    plain_->close();
  if (tls_)
    beast::get_lowest_layer(*tls_).close();
  connected_ = false;
  idle_timer_.cancel();
  deadline_timer_.cancel();
}

void connection::arm_idle(uint64_t gen) {
  idle_timer_.expires_after(core_.opts.idle_timeout);
  idle_timer_.async_wait([self = shared_from_this(), gen](beast::error_code ec) {
    if (!ec)
      self->core_.idle_expired(self, gen);
  });
}

bool connection::peer_gone() {
  if (!connected_)
    return true;
  auto& sock = (tls_ ? beast::get_lowest_layer(*tls_) : *plain_).socket();
  char byte;
  auto n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0)
    return true; // FIN: the server's keep-alive timer closed it (Node's default is 5 s)
  if (n < 0)
    return errno != EAGAIN && errno != EWOULDBLOCK;
  // Unasked-for bytes on plain HTTP (say a 408 before closing) make it unusable; on TLS they
  // may be session tickets, so only EOF and errors count there.
  return !tls_;
}

void connection::run(exchange_ptr ex, bool reused) {
  idle_timer_.cancel();
  if (reused && closing_reason_.empty() && (buffer_.size() > 0 || peer_gone())) {
    // Nothing was sent, so any request may move to a fresh connection.
    close_now();
    return core_.retry_fresh(*this, ex, false);
  }
  ex_ = std::move(ex);
  reused_ = reused;
  timed_out_ = false;
  auto gen = ++gen_;
  ++core_.in_flight;
  if (reused)
    ++core_.reused;
  stage_ = "waiting for a free connection";
  if (!closing_reason_.empty())
    return fail(net::error::operation_aborted, false);
  if (steady::now() >= ex_->deadline) {
    timed_out_ = true;
    return fail(net::error::timed_out, false);
  }
  build_request();
  deadline_timer_.expires_at(ex_->deadline);
  deadline_timer_.async_wait([self = shared_from_this(), gen](beast::error_code ec) {
    if (ec || gen != self->gen_)
      return;
    self->timed_out_ = true;
    self->close_now(); // the pending operation completes with operation_aborted
  });
  if (connected_)
    return write();
  stage_ = "resolving the host";
  resolver_.async_resolve(core_.url.host, core_.url.port,
                          beast::bind_front_handler(&connection::on_resolve, shared_from_this()));
}

void connection::build_request() {
  const auto& r = ex_->req;
  auto target = core_.url.prefix + (r.target.empty() || r.target[0] != '/' ? "/" : "") + r.target;
  req_ = {};
  req_.version(11);
  req_.method(to_verb(r.method));
  req_.target(target);
  req_.set(http::field::host, core_.url.host_header);
  req_.set(http::field::user_agent, "twenty-mcp-server/0.1");
  req_.set(http::field::accept, "application/json");
  if (!core_.opts.api_key.empty())
    req_.set(http::field::authorization, "Bearer " + core_.opts.api_key);
  if (!r.body.empty())
    req_.set(http::field::content_type, "application/json");
  req_.body() = r.body;
  req_.keep_alive(true);
  req_.prepare_payload();
}

void connection::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
  if (ec)
    return fail(ec, false);
  if (core_.tls) {
    tls_.emplace(strand_, *core_.tls);
    const auto& host = core_.url.host;
    // SNI carries names only, never IP literals (RFC 6066).
    if (!is_ip_literal(host) && !SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str()))
      return fail(beast::error_code(static_cast<int>(::ERR_get_error()),
                                    net::error::get_ssl_category()),
                  false);
    if (core_.opts.verify_tls)
      tls_->set_verify_callback(ssl::host_name_verification(host));
  } else {
    plain_.emplace(strand_);
  }
  stage_ = "connecting";
  auto& lowest = tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
  lowest.async_connect(results,
                       beast::bind_front_handler(&connection::on_connect, shared_from_this()));
}

void connection::on_connect(beast::error_code ec, tcp::endpoint) {
  if (ec)
    return fail(ec, false);
  auto& lowest = tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
  beast::error_code ignored;
  lowest.socket().set_option(tcp::no_delay(true), ignored);
  if (!tls_) {
    connected_ = true;
    return write();
  }
  stage_ = "in the TLS handshake";
  tls_->async_handshake(ssl::stream_base::client, beast::bind_front_handler(
                                                    &connection::on_handshake, shared_from_this()));
}

void connection::on_handshake(beast::error_code ec) {
  if (ec)
    return fail(ec, false);
  connected_ = true;
  write();
}

void connection::write() {
  stage_ = "sending the request";
  with_stream([this](auto& s) {
    http::async_write(s, req_,
                      beast::bind_front_handler(&connection::on_write, shared_from_this()));
  });
}

void connection::on_write(beast::error_code ec, std::size_t written) {
  if (ec)
    return fail(ec, ex_->req.idempotent || written == 0);
  read();
}

void connection::read() {
  stage_ = "waiting for the answer";
  parser_.emplace();
  parser_->body_limit(core_.opts.max_body_bytes);
  parser_->header_limit(64 * 1024);
  // Beast reads max(512, free capacity) per call: a record answer in one read, not 512-byte steps.
  buffer_.reserve(16 * 1024);
  with_stream([this](auto& s) {
    http::async_read(s, buffer_, *parser_,
                     beast::bind_front_handler(&connection::on_read, shared_from_this()));
  });
}

void connection::on_read(beast::error_code ec, std::size_t) {
  if (ec)
    // Only a connection that failed before any answer byte can be stale rather than broken.
    return fail(ec, ex_->req.idempotent && !parser_->got_some());
  succeed();
}

void connection::succeed() {
  auto& msg = parser_->get();
  response r;
  r.status = static_cast<int>(msg.result_int());
  r.body = std::move(msg.body());
  if (auto v = field(msg, "Retry-After"); !v.empty())
    r.retry_after_seconds = parse_retry_after(v, std::chrono::system_clock::now());
  r.ratelimit_limit = narrow(parse_header_int(field(msg, "X-RateLimit-Limit")));
  r.ratelimit_remaining = narrow(parse_header_int(field(msg, "X-RateLimit-Remaining")));
  r.ratelimit_reset_epoch = parse_header_int(field(msg, "X-RateLimit-Reset"));
  bool keep = msg.keep_alive() && !parser_->need_eof() && closing_reason_.empty();
  parser_.reset();
  auto ex = std::move(ex_);
  ++gen_;
  deadline_timer_.cancel();
  --core_.in_flight;
  if (keep) {
    core_.release(shared_from_this());
  } else {
    close_now();
    core_.discard(*this);
  }
  core_.complete(ex, std::move(r));
}

void connection::fail(beast::error_code ec, bool may_retry) {
  if (!ex_)
    return close_now();
  std::string message = describe(ec);
  auto ex = std::move(ex_);
  ++gen_;
  --core_.in_flight;
  close_now();
  if (may_retry && reused_ && !timed_out_ && closing_reason_.empty() && !ex->retried
      && is_stale(ec)) {
    ex->retried = true;
    core_.retry_fresh(*this, ex);
    return;
  }
  if (timed_out_)
    ++core_.timeouts;
  core_.discard(*this);
  core_.complete(ex, make_unexpected(network_error(std::move(message))));
}

std::string connection::describe(beast::error_code ec) const {
  const auto& u = core_.url;
  const auto& peer = core_.opts.peer;
  auto where = (u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host) + ":" + u.port;
  if (timed_out_) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ex_->req.deadline).count();
    return peer + " at " + where + " did not answer in time (timed out after "
           + std::to_string(ms) + " ms " + stage_
           + "). Retry later, or ask for less data (a smaller limit or fewer fields).";
  }
  if (!closing_reason_.empty())
    return closing_reason_;
  if (ec == http::error::body_limit)
    return peer + "'s answer is larger than the client's limit of "
           + std::to_string(core_.opts.max_body_bytes)
           + " bytes. Ask for less data (a smaller limit or fewer fields).";
  std::string what = ec.message();
  std::string stage = stage_;
  if (stage == "resolving the host")
    return "Could not resolve " + peer + "'s host '" + u.host + "' (" + what
           + "). Check " + core_.opts.url_setting + " and the network.";
  if (stage == "connecting")
    return "Could not connect to " + peer + " at " + where + " (" + what
           + "). Check " + core_.opts.url_setting + " and that " + peer + " is running.";
  if (stage == "in the TLS handshake")
    return "The TLS handshake with " + peer + " at " + where + " failed (" + what
           + "). Check that the URL's scheme matches the server and that its certificate is "
             "trusted.";
  return "The connection to " + peer + " at " + where + " failed while " + stage + " (" + what
         + "). The request may be retried.";
}

} // namespace tmcp::twenty::detail

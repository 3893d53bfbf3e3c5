#include "mcp_client.hpp"

#include "sse_reply.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

namespace mcp_bench {
namespace {

constexpr const char* protocol_version = "2025-11-25";
constexpr const char* modern_version = "2026-07-28";
constexpr const char* modern_meta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{}})";
constexpr int max_consecutive_failures = 3;  // a session that keeps failing stops instead of spinning

std::uint32_t elapsed_us(clock_type::time_point since) {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - since).count());
}

std::string_view content_type(const http::response<http::string_body>& res) {
  auto v = res[http::field::content_type];
  return {v.data(), v.size()};
}

}  // namespace

mcp_client::mcp_client(net::io_context& ioc, const endpoint& ep, tcp::resolver::results_type addrs,
                       double timeout_s, int index, bool modern)
    : stream_(net::make_strand(ioc)), addrs_(std::move(addrs)), ep_(ep),
      timeout_(static_cast<long>(timeout_s * 1000)), index_(index), modern_(modern) {}

// ---- transport ---------------------------------------------------------------------------------

void mcp_client::send(http::verb verb, std::string body, reply_fn on_reply) {
  req_ = {};
  req_.version(11);
  req_.method(verb);
  req_.target(ep_.target);
  req_.set(http::field::host, ep_.host + ":" + ep_.port);
  req_.set(http::field::user_agent, "mcp-bench");
  req_.set(http::field::accept, "application/json, text/event-stream");
  if (!session_id_.empty()) {
    req_.set("Mcp-Session-Id", session_id_);
    req_.set("MCP-Protocol-Version", protocol_version);
  }
  if (modern_) {
    req_.set("MCP-Protocol-Version", modern_version);
    req_.set("Mcp-Method", method_header_);
    if (method_header_ == "tools/call")
      req_.set("Mcp-Name", "test_simple_text");
  }
  if (verb == http::verb::post)
    req_.set(http::field::content_type, "application/json");
  req_.body() = std::move(body);
  req_.keep_alive(true);
  req_.prepare_payload();
  on_reply_ = std::move(on_reply);
  if (connected_)
    write_request();
  else
    connect_then_write();
}

void mcp_client::connect_then_write() {
  stream_.expires_after(timeout_);
  stream_.async_connect(addrs_, [self = shared_from_this()](beast::error_code ec,
                                                             const tcp::endpoint&) {
    if (ec)
      return self->on_read(ec);
    self->connected_ = true;
    self->write_request();
  });
}

void mcp_client::write_request() {
  stream_.expires_after(timeout_);
  http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec)
      return self->on_read(ec);
    self->parser_.emplace();
    self->parser_->body_limit(64 * 1024 * 1024);
    self->stream_.expires_after(self->timeout_);
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec, std::size_t) { self->on_read(ec); });
  });
}

void mcp_client::on_read(beast::error_code ec) {
  response res;
  if (!ec)
    res = parser_->release();
  if (ec || !res.keep_alive()) {  // reopen the connection on the next send
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    if (ec && connected_)
      ++reconnects_;
    connected_ = false;
  }
  auto cb = std::move(on_reply_);  // cb may call send(), which replaces on_reply_
  cb(ec, res);
}

// ---- session lifecycle -------------------------------------------------------------------------

void mcp_client::open(done_fn done) {
  if (modern_)
    return done({});
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), done = std::move(done)]() mutable {
    std::string body =
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":")" +
        std::string(protocol_version) +
        R"(","capabilities":{},"clientInfo":{"name":"mcp-bench","version":"0.1"}}})";
    self->next_id_ = 2;
    self->send(http::verb::post, std::move(body),
               [self, done = std::move(done)](beast::error_code ec, response& res) {
                 self->on_initialize(ec, res, done);
               });
  });
}

void mcp_client::on_initialize(beast::error_code ec, response& res, done_fn done) {
  if (ec)
    return done("initialize: " + ec.message());
  if (res.result() != http::status::ok)
    return done("initialize: HTTP " + std::to_string(res.result_int()));
  auto reason = check_reply(content_type(res), res.body(), 1);
  if (!reason.empty())
    return done("initialize: " + reason);
  session_id_ = std::string(res["Mcp-Session-Id"]);
  if (session_id_.empty())
    return done("initialize: no Mcp-Session-Id header");
  send(http::verb::post, R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
       [done = std::move(done)](beast::error_code ec, response& res) {
         if (ec)
           return done("initialized: " + ec.message());
         if (res.result() != http::status::accepted)
           return done("initialized: HTTP " + std::to_string(res.result_int()));
         done({});
       });
}

void mcp_client::close_connection(done_fn done) {
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), done = std::move(done)] {
    beast::error_code ignored;
    self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    self->stream_.close();
    self->buffer_.clear();
    self->connected_ = false;
    done({});
  });
}

void mcp_client::delete_session(done_fn done) {
  if (modern_)
    return done({});
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), done = std::move(done)]() mutable {
    if (self->session_id_.empty())
      return done("no session");
    self->send(http::verb::delete_, {}, [done = std::move(done)](beast::error_code ec, response& res) {
      if (ec)
        return done("DELETE: " + ec.message());
      if (res.result() != http::status::ok && res.result() != http::status::no_content)
        return done("DELETE: HTTP " + std::to_string(res.result_int()));
      done({});
    });
  });
}

// ---- closed-loop load --------------------------------------------------------------------------

std::string mcp_client::request_body(const std::string& method, std::int64_t id) const {
  auto head = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + "\"";
  std::string meta = modern_ ? modern_meta : "";
  if (method == "tools/call")
    return head + R"(,"params":{"name":"test_simple_text","arguments":{})" + (modern_ ? "," : "") +
           meta + "}}";
  return head + (modern_ ? ",\"params\":{" + meta + "}" : "") + "}";
}

void mcp_client::run_loop(run_plan& plan, done_fn done) {
  net::dispatch(stream_.get_executor(), [self = shared_from_this(), &plan, done = std::move(done)] {
    self->mix_pos_ = static_cast<std::size_t>(self->index_);  // stagger methods across sessions
    for (const auto& m : plan.mix)
      self->stats_[m];  // every method shows up in the table, even with zero requests
    self->next_request(plan, done);
  });
}

void mcp_client::next_request(run_plan& plan, done_fn done) {
  if (clock_type::now() >= plan.deadline || consecutive_failures_ >= max_consecutive_failures ||
      plan.issued.fetch_add(1, std::memory_order_relaxed) >= plan.max_requests)
    return done(consecutive_failures_ >= max_consecutive_failures ? "gave up after failures" : "");
  const auto& method = plan.mix[mix_pos_++ % plan.mix.size()];
  auto id = next_id_++;
  auto started = clock_type::now();
  method_header_ = method;
  send(http::verb::post, request_body(method, id),
       [self = shared_from_this(), &plan, done, &method, id, started](beast::error_code ec,
                                                                      response& res) {
         self->on_loop_reply(plan, done, method, id, started, ec, res);
       });
}

void mcp_client::on_loop_reply(run_plan& plan, done_fn done, const std::string& method,
                               std::int64_t id, clock_type::time_point started,
                               beast::error_code ec, response& res) {
  auto latency = elapsed_us(started);
  std::string reason;
  if (ec)
    reason = ec.message();
  else if (res.result() != http::status::ok)
    reason = "HTTP " + std::to_string(res.result_int());
  else
    reason = check_reply(content_type(res), res.body(), id);
  auto& s = stats_[method];
  if (reason.empty()) {
    s.latency_us.push_back(latency);
    consecutive_failures_ = 0;
  } else {
    ++s.errors;
    ++consecutive_failures_;
    s.error_reasons[reason]++;
  }
  next_request(plan, std::move(done));
}

}  // namespace mcp_bench

#include "tests/protocol/transport/test_client.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/transport/net.hpp"

namespace tmcp::test {

using namespace tmcp::transport;

namespace {

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x))
                  == std::tolower(static_cast<unsigned char>(y));
         });
}

test_response to_test_response(const http::response<http::string_body>& res) {
  test_response out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = res.body();
  out.keep_alive = res.keep_alive();
  out.chunked = res.chunked();
  return out;
}

} // namespace

test_request& test_request::set(const std::string& name, const std::string& value) {
  erase(name);
  headers.emplace_back(name, value);
  return *this;
}

test_request& test_request::erase(const std::string& name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const auto& h) { return iequals(h.first, name); }),
                headers.end());
  return *this;
}

test_request post_request(uint16_t port, std::string body, const std::string& session_id,
                          const std::string& version) {
  test_request req;
  req.body = std::move(body);
  req.set("Host", "127.0.0.1:" + std::to_string(port));
  req.set("Content-Type", "application/json");
  req.set("Accept", "application/json, text/event-stream");
  if (!session_id.empty())
    req.set("Mcp-Session-Id", session_id);
  if (!version.empty())
    req.set("MCP-Protocol-Version", version);
  return req;
}

test_request stream_request(uint16_t port, std::string method, const std::string& session_id) {
  test_request req;
  req.method = std::move(method);
  req.set("Host", "127.0.0.1:" + std::to_string(port));
  if (req.method == "GET")
    req.set("Accept", "text/event-stream");
  if (!session_id.empty())
    req.set("Mcp-Session-Id", session_id);
  return req;
}

std::string test_response::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name))
      return v;
  return {};
}

struct test_client::impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buf;
  std::chrono::milliseconds deadline;
  bool connected = false;
  std::optional<http::request<http::string_body>> req;
  std::optional<http::response_parser<http::string_body>> parser;

  // Runs one async operation to completion or to the deadline (the stream then closes).
  template <class Start>
  beast::error_code run(Start start) {
    beast::error_code result = net::error::timed_out;
    stream.expires_after(deadline);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }
};

test_client::test_client(uint16_t port, std::chrono::milliseconds deadline)
  : impl_(std::make_unique<impl>()) {
  impl_->deadline = deadline;
  tcp::endpoint ep{net::ip::make_address("127.0.0.1"), port};
  auto ec = impl_->run([&](auto h) { impl_->stream.async_connect(ep, std::move(h)); });
  impl_->connected = !ec;
}

test_client::~test_client() = default;

bool test_client::connected() const {
  return impl_->connected;
}

bool test_client::send(const test_request& r) {
  auto& req = impl_->req.emplace();
  req.method_string(r.method);
  req.target(r.target);
  req.version(11);
  for (const auto& [k, v] : r.headers)
    req.set(k, v);
  req.body() = r.body;
  if (!r.body.empty() || r.method == "POST")
    req.prepare_payload();
  auto ec = impl_->run([&](auto h) { http::async_write(impl_->stream, req, std::move(h)); });
  return !ec;
}

bool test_client::send_raw(const std::string& bytes) {
  auto ec = impl_->run(
    [&](auto h) { net::async_write(impl_->stream, net::buffer(bytes), std::move(h)); });
  return !ec;
}

std::optional<test_response> test_client::receive() {
  auto& p = impl_->parser.emplace();
  p.body_limit(boost::none);
  auto ec = impl_->run(
    [&](auto h) { http::async_read(impl_->stream, impl_->buf, p, std::move(h)); });
  if (ec)
    return std::nullopt;
  return to_test_response(p.get());
}

std::optional<test_response> test_client::exchange(const test_request& req) {
  if (!send(req))
    return std::nullopt;
  return receive();
}

std::optional<test_response> test_client::receive_header() {
  auto& p = impl_->parser.emplace();
  p.body_limit(boost::none);
  auto ec = impl_->run(
    [&](auto h) { http::async_read_header(impl_->stream, impl_->buf, p, std::move(h)); });
  if (ec)
    return std::nullopt;
  return to_test_response(p.get());
}

std::optional<std::string> test_client::read_body_until(const std::string& needle) {
  auto& p = *impl_->parser;
  while (p.get().body().find(needle) == std::string::npos) {
    if (p.is_done())
      return std::nullopt;
    auto ec = impl_->run(
      [&](auto h) { http::async_read_some(impl_->stream, impl_->buf, p, std::move(h)); });
    if (ec)
      return std::nullopt;
  }
  return p.get().body();
}

std::optional<std::string> test_client::read_body_to_end() {
  auto& p = *impl_->parser;
  if (!p.is_done()) {
    auto ec = impl_->run(
      [&](auto h) { http::async_read(impl_->stream, impl_->buf, p, std::move(h)); });
    if (ec)
      return std::nullopt;
  }
  return p.get().body();
}

bool test_client::server_closed() {
  char byte;
  auto ec = impl_->run([&](auto h) {
    impl_->stream.async_read_some(net::buffer(&byte, 1), std::move(h));
  });
  return ec && ec != beast::error::timeout && ec != net::error::timed_out;
}

void test_client::close() {
  beast::error_code ec;
  impl_->stream.socket().close(ec);
}

} // namespace tmcp::test

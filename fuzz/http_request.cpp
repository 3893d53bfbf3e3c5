// Raw HTTP request bytes -> Beast's request parser with the server's limits -> the
// endpoint's header checks and routing (Host/Origin/Accept/Content-Type, session id,
// protocol version, Last-Event-ID, the POST body's JSON-RPC parse). Every rejection body
// must be valid UTF-8 JSON.
#include <cstdint>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "fuzz/check.hpp"
#include "protocol/transport/routes.hpp"
#include "protocol/transport/validation.hpp"

namespace http = boost::beast::http;
namespace net = boost::asio;
using namespace tmcp;
using namespace tmcp::fuzz;
using namespace tmcp::transport;

namespace {

const route_config& config() {
  static const route_config cfg = [] {
    route_config c;
    c.allowed_hosts = effective_allowed_hosts({}, "127.0.0.1", 3001);
    c.allowed_origins = effective_allowed_origins({"https://app.example.com"}, "127.0.0.1", 3001);
    return c;
  }();
  return cfg;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  auto buf = net::const_buffer(data, size);
  while (buf.size() > 0 && !parser.is_done()) {
    auto used = parser.put(buf, ec);
    if (ec)
      break;
    buf += used;
    if (used == 0)
      break;
  }
  if (!ec && !parser.is_done())
    parser.put_eof(ec);
  if (ec || !parser.is_done())
    return 0;
  auto view = view_of(parser.get());
  if (auto r = check_headers(view, config())) {
    require(r->status >= 400 && r->status < 500, "rejection status");
    require_wire_json(r->body, "header rejection");
    return 0;
  }
  if (view.method != "POST") {
    auto in = route_stream(view);
    require(in.last_event_id == view.last_event_id.value_or(""), "Last-Event-ID lost");
    return 0;
  }
  auto routed = route_post(view, parser.get().body());
  if (!routed)
    require_wire_json(routed.error().body, "POST rejection");
  else
    require(routed->msg.has_value(), "routed POST without a message");
  return 0;
}

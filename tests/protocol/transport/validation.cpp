// The pure rules of the HTTP endpoint: header checks, routing decisions and SSE framing.
#define CAF_SUITE transport.validation
#include "caf/test/unit_test.hpp"

#include "protocol/transport/routes.hpp"
#include "protocol/transport/sse.hpp"
#include "protocol/transport/validation.hpp"

using namespace tmcp;
using namespace tmcp::transport;

namespace {

const std::vector<std::string> default_hosts = effective_allowed_hosts({}, "127.0.0.1", 3001);
const std::vector<std::string> default_origins
  = effective_allowed_origins({}, "192.168.1.5", 3001);

route_config config() {
  route_config cfg;
  cfg.allowed_hosts = default_hosts;
  cfg.allowed_origins = default_origins;
  return cfg;
}

request_view post_view() {
  request_view v;
  v.method = "POST";
  v.target = "/mcp";
  v.host = "localhost:3001";
  v.content_type = "application/json";
  v.accept = "application/json, text/event-stream";
  return v;
}

int status_of(const request_view& v) {
  auto r = check_headers(v, config());
  return r ? r->status : 0;
}

} // namespace

CAF_TEST(loopback hosts match with any port and the bound address only with its port) {
  CAF_CHECK(check_host("localhost", default_hosts));
  CAF_CHECK(check_host("localhost:9999", default_hosts));
  CAF_CHECK(check_host("LOCALHOST:3001", default_hosts));
  CAF_CHECK(check_host("127.0.0.1:1", default_hosts));
  CAF_CHECK(check_host("[::1]:3001", default_hosts));
  CAF_CHECK(check_host("[::1]", default_hosts));
  CAF_CHECK(!check_host("evil.example.com", default_hosts));
  CAF_CHECK(!check_host("localhost.evil.example.com:3001", default_hosts));
  CAF_CHECK(!check_host("", default_hosts));
  auto lan = effective_allowed_hosts({}, "192.168.1.5", 3001);
  CAF_CHECK(check_host("192.168.1.5:3001", lan));
  CAF_CHECK(!check_host("192.168.1.5:3002", lan));
}

CAF_TEST(a configured host list replaces the defaults) {
  auto hosts = effective_allowed_hosts({"mcp.internal:8080", "api.internal"}, "0.0.0.0", 8080);
  CAF_CHECK(check_host("mcp.internal:8080", hosts));
  CAF_CHECK(!check_host("mcp.internal:8081", hosts));
  CAF_CHECK(check_host("api.internal:1234", hosts));
  CAF_CHECK(!check_host("localhost:8080", hosts));
  auto v6 = effective_allowed_hosts({}, "::1", 3001);
  CAF_CHECK(check_host("[::1]:3001", v6));
}

CAF_TEST(origins on loopback names pass and foreign or opaque origins do not) {
  CAF_CHECK(check_origin("http://localhost:3000", default_origins));
  CAF_CHECK(check_origin("https://127.0.0.1", default_origins));
  CAF_CHECK(check_origin("http://[::1]:8080", default_origins));
  CAF_CHECK(!check_origin("http://evil.example.com", default_origins));
  CAF_CHECK(!check_origin("http://localhost.evil.example.com", default_origins));
  CAF_CHECK(!check_origin("null", default_origins));
  CAF_CHECK(!check_origin("", default_origins));
  CAF_CHECK(check_origin("http://192.168.1.5:3001", default_origins));
  CAF_CHECK(!check_origin("http://192.168.1.5:3002", default_origins));
  std::vector<std::string> exact{"https://app.example.com"};
  CAF_CHECK(check_origin("https://app.example.com", exact));
  CAF_CHECK(!check_origin("http://app.example.com", exact));
  CAF_CHECK(!check_origin("https://app.example.com:444", exact));
}

CAF_TEST(accept is matched per listed media type without wildcards) {
  CAF_CHECK(accepts_json("application/json, text/event-stream"));
  CAF_CHECK(accepts_json("text/event-stream;q=0.9,APPLICATION/JSON"));
  CAF_CHECK(accepts_json("application/json"));
  CAF_CHECK(!accepts_json("text/event-stream"));
  CAF_CHECK(!accepts_json("*/*"));
  CAF_CHECK(!accepts_json("application/jsonx, text/event-streams"));
  CAF_CHECK(accepts_sse("text/event-stream"));
  CAF_CHECK(accepts_sse("application/json, TEXT/EVENT-STREAM;q=0.5"));
  CAF_CHECK(!accepts_sse("application/json"));
  CAF_CHECK(!accepts_sse("text/event-streams"));
}

CAF_TEST(content type must be json with optional parameters) {
  CAF_CHECK(is_json_content_type("application/json"));
  CAF_CHECK(is_json_content_type("Application/JSON; charset=utf-8"));
  CAF_CHECK(!is_json_content_type("text/plain"));
  CAF_CHECK(!is_json_content_type("application/json-patch+json"));
  CAF_CHECK(!is_json_content_type(""));
}

CAF_TEST(session ids must be visible ascii) {
  CAF_CHECK(is_valid_session_id("abc-123_XYZ~"));
  CAF_CHECK(!is_valid_session_id(""));
  CAF_CHECK(!is_valid_session_id("has space"));
  CAF_CHECK(!is_valid_session_id("caf\xc3\xa9"));
}

CAF_TEST(transport errors are json rpc errors with id null and code 32000) {
  auto r = to_rejection(make_fault(fault_kind::forbidden, "Forbidden: \"x\""));
  CAF_CHECK_EQUAL(r.status, 403);
  CAF_CHECK_EQUAL(r.body, R"({"jsonrpc":"2.0","id":null,"error":{"code":-32000,)"
                          R"("message":"Forbidden: \"x\""}})");
}

CAF_TEST(each fault has one http status and session not found its own code) {
  auto gone = to_rejection(make_fault(fault_kind::session_not_found, "Session not found"));
  CAF_CHECK_EQUAL(gone.status, 404);
  CAF_CHECK(gone.body.find(R"("code":-32001)") != std::string::npos);
  CAF_CHECK_EQUAL(http_status(make_fault(fault_kind::unavailable, "")), 503);
  CAF_CHECK_EQUAL(http_status(make_fault(fault_kind::conflict, "")), 409);
  CAF_CHECK(to_rejection(make_fault(fault_kind::method_not_allowed, "")).allow_header);
  // A request's own error without a stream: the status follows the code (2026-07-28).
  auto answer = [](rpc_errc c) {
    return http_status(error_answer("1", make_rpc_error(c, "x")));
  };
  CAF_CHECK_EQUAL(answer(rpc_errc::method_not_found), 404);
  CAF_CHECK_EQUAL(answer(rpc_errc::header_mismatch), 400);
  CAF_CHECK_EQUAL(answer(rpc_errc::invalid_params), 200);
  auto body = to_rejection(error_answer("7", make_rpc_error(rpc_errc::invalid_params, "x"))).body;
  CAF_CHECK(body.find(R"("id":7)") != std::string::npos);
}

CAF_TEST(header checks answer in order origin host path method then per method rules) {
  CAF_CHECK_EQUAL(status_of(post_view()), 0);
  auto v = post_view();
  v.origin = "http://evil.example.com";
  v.target = "/elsewhere";
  CAF_CHECK_EQUAL(status_of(v), 403);
  v = post_view();
  v.host = "evil.example.com";
  v.target = "/elsewhere";
  CAF_CHECK_EQUAL(status_of(v), 403);
  v = post_view();
  v.host.reset();
  CAF_CHECK_EQUAL(status_of(v), 403);
  v.target = "/elsewhere";
  auto no_host_check = config();
  no_host_check.validate_host = false;
  auto unchecked = check_headers(v, no_host_check);
  CAF_REQUIRE(unchecked);
  CAF_CHECK_EQUAL(unchecked->status, 404);
  v = post_view();
  v.target = "/mcp/x";
  v.method = "PUT";
  CAF_CHECK_EQUAL(status_of(v), 404);
  v.target = "/mcp?debug=1";
  CAF_CHECK_EQUAL(status_of(v), 405);
  auto not_allowed = check_headers(v, config());
  CAF_REQUIRE(not_allowed);
  CAF_CHECK(not_allowed->allow_header);
  v = post_view();
  v.content_type = "text/plain";
  v.accept = "application/json";
  CAF_CHECK_EQUAL(status_of(v), 415);
  v.content_type = "application/json";
  CAF_CHECK_EQUAL(status_of(v), 0);
  v.accept = "text/event-stream";
  CAF_CHECK_EQUAL(status_of(v), 406);
  v.accept = "text/html, */*";
  CAF_CHECK_EQUAL(status_of(v), 406);
  v.accept.reset();
  CAF_CHECK_EQUAL(status_of(v), 406);
  v = post_view();
  v.session_id = "s1";
  v.protocol_version = "1999-01-01";
  CAF_CHECK_EQUAL(status_of(v), 400);
  v.protocol_version = "2025-03-26";
  CAF_CHECK_EQUAL(status_of(v), 0);
  // Without a session the body decides the era; a modern request's version is checked later.
  v.session_id.reset();
  v.protocol_version = "2099-01-01";
  CAF_CHECK_EQUAL(status_of(v), 0);
}

CAF_TEST(get needs an event stream accept and a session and delete needs a session) {
  request_view v;
  v.method = "GET";
  v.target = "/mcp";
  v.host = "127.0.0.1:3001";
  v.accept = "application/json";
  v.session_id = "s1";
  CAF_CHECK_EQUAL(status_of(v), 406);
  v.accept = "text/event-stream";
  CAF_CHECK_EQUAL(status_of(v), 0);
  v.session_id.reset();
  v.protocol_version = "2025-11-25";
  CAF_CHECK_EQUAL(status_of(v), 400);
  v.method = "DELETE";
  CAF_CHECK_EQUAL(status_of(v), 400);
  v.protocol_version.reset();
  v.session_id = "bad id";
  CAF_CHECK_EQUAL(status_of(v), 400);
  v.session_id = "s1";
  CAF_CHECK_EQUAL(status_of(v), 0);
  v.last_event_id = "ev-9";
  v.method = "GET";
  auto in = route_stream(v);
  CAF_CHECK(in.verb == inbound_verb::get);
  CAF_CHECK_EQUAL(in.session_id, "s1");
  CAF_CHECK_EQUAL(in.last_event_id, "ev-9");
  CAF_CHECK(in.protocol_version.empty());
}

CAF_TEST(only initialize may be posted without a session id) {
  auto v = post_view();
  auto init = route_post(v, R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
  CAF_REQUIRE(init.has_value());
  CAF_CHECK(init->session_id.empty());
  CAF_CHECK(init->protocol_version.empty());
  CAF_CHECK_EQUAL(init->msg->method, "initialize");
  auto list = route_post(v, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
  CAF_REQUIRE(!list.has_value());
  CAF_CHECK_EQUAL(list.error().status, 400);
  CAF_CHECK_EQUAL(list.error().body,
                  to_rejection(make_fault(fault_kind::malformed,
                                          "Bad Request: Mcp-Session-Id header is required"))
                    .body);
  auto note = route_post(v, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  CAF_CHECK(!note.has_value());
  v.session_id = "s1";
  v.protocol_version = "2025-11-25";
  list = route_post(v, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
  CAF_REQUIRE(list.has_value());
  CAF_CHECK_EQUAL(list->session_id, "s1");
  CAF_CHECK_EQUAL(list->protocol_version, "2025-11-25");
  CAF_CHECK(list->verb == inbound_verb::post);
}

CAF_TEST(a post whose accept lacks event streams is routed as json only) {
  auto v = post_view();
  v.accept = "application/json, text/event-stream";
  auto both = route_post(v, R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
  CAF_REQUIRE(both.has_value());
  CAF_CHECK(!both->json_only);
  v.accept = "application/json";
  auto json = route_post(v, R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
  CAF_REQUIRE(json.has_value());
  CAF_CHECK(json->json_only);
}

CAF_TEST(get and delete without a session are not allowed for stateless clients) {
  request_view v;
  v.target = "/mcp";
  v.host = "127.0.0.1:3001";
  v.accept = "text/event-stream";
  for (auto method : {"GET", "DELETE"}) {
    v.method = method;
    v.protocol_version.reset();
    auto r = check_headers(v, config());
    CAF_REQUIRE(r);
    CAF_CHECK_EQUAL(r->status, 405);
    CAF_CHECK(r->allow_header);
    v.protocol_version = "2026-07-28";
    CAF_CHECK_EQUAL(status_of(v), 405);
  }
}

CAF_TEST(a request without a session that carries meta or a modern version is stateless) {
  auto v = post_view();
  auto meta = route_post(v, R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{}}})");
  CAF_REQUIRE(meta.has_value());
  CAF_CHECK(meta->modern);
  v.protocol_version = "2026-07-28";
  v.mcp_method = "tools/call";
  v.mcp_name = "=?base64?w6lsw6h2ZQ==?=";
  auto header = route_post(v, R"({"jsonrpc":"2.0","id":2,"method":"tools/call"})");
  CAF_REQUIRE(header.has_value());
  CAF_CHECK(header->modern && header->http);
  CAF_CHECK_EQUAL(*header->mcp_method, "tools/call");
  CAF_CHECK_EQUAL(*header->mcp_name, "\xc3\xa9l\xc3\xa8ve");
  // A legacy version header without _meta stays on the session path.
  v.protocol_version = "2025-11-25";
  auto legacy = route_post(v, R"({"jsonrpc":"2.0","id":3,"method":"initialize","params":{}})");
  CAF_REQUIRE(legacy.has_value());
  CAF_CHECK(!legacy->modern);
  // With a session id, _meta is just metadata of a legacy request.
  v.session_id = "s1";
  auto in_session = route_post(v, R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"progressToken":1}}})");
  CAF_REQUIRE(in_session.has_value());
  CAF_CHECK(!in_session->modern);
}

CAF_TEST(a body that is not json rpc is answered with the parser error) {
  auto bad = route_post(post_view(), "{not json");
  CAF_REQUIRE(!bad.has_value());
  CAF_CHECK_EQUAL(bad.error().status, 400);
  CAF_CHECK(bad.error().body.find(R"("code":-32700)") != std::string::npos);
  CAF_CHECK(bad.error().body.find(R"("id":null)") != std::string::npos);
  auto batch = route_post(post_view(), R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  CAF_REQUIRE(!batch.has_value());
  CAF_CHECK(batch.error().body.find(R"("code":-32600)") != std::string::npos);
}

CAF_TEST(sse events frame priming and message events) {
  using std::chrono::milliseconds;
  CAF_CHECK_EQUAL(format_sse_event("s-0", "", milliseconds{5000}),
                  "id: s-0\nretry: 5000\ndata: \n\n");
  CAF_CHECK_EQUAL(format_sse_event("s-1", R"({"a":1})"),
                  "event: message\nid: s-1\ndata: {\"a\":1}\n\n");
  CAF_CHECK_EQUAL(format_sse_event("", "x"), "event: message\ndata: x\n\n");
  CAF_CHECK_EQUAL(format_sse_event("", "a\nb\r\nc"),
                  "event: message\ndata: a\ndata: b\ndata: c\n\n");
}

CAF_TEST(a lone carriage return in sse data starts a new data line) {
  // SSE readers end a line at CR too: left raw it would cut the data (fuzz_sse's invariant).
  CAF_CHECK_EQUAL(format_sse_event("", "a\rb\r\r\nc\r"),
                  "event: message\ndata: a\ndata: b\ndata: \ndata: c\ndata: \n\n");
}

#define CAF_SUITE protocol.json_rpc
#include "caf/test/unit_test.hpp"

#include "protocol/json_rpc.hpp"

using namespace tmcp;

namespace {

int failure_code(std::string_view text) {
  auto r = parse_message(text);
  return r ? 0 : r.error().error.code;
}

} // namespace

CAF_TEST(a request is parsed with its id method and params) {
  auto r = parse_message(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"x"}})");
  CAF_REQUIRE(r.has_value());
  CAF_CHECK(r->is_request());
  CAF_CHECK_EQUAL(r->id, "7");
  CAF_CHECK_EQUAL(r->method, "tools/list");
  CAF_REQUIRE(r->params() != nullptr);
  CAF_CHECK_EQUAL(std::string((*r->params())["cursor"].GetString()), "x");
}

CAF_TEST(string ids keep their quotes so responses echo them exactly) {
  auto r = parse_message(R"({"jsonrpc":"2.0","id":"abc","method":"ping"})");
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->id, "\"abc\"");
  CAF_CHECK_EQUAL(make_response(r->id, "{}"), R"({"jsonrpc":"2.0","id":"abc","result":{}})");
}

CAF_TEST(a message without id is a notification) {
  auto r = parse_message(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  CAF_REQUIRE(r.has_value());
  CAF_CHECK(r->is_notification());
}

CAF_TEST(results and errors are parsed as responses) {
  auto ok = parse_message(R"({"jsonrpc":"2.0","id":1,"result":{"a":1}})");
  CAF_REQUIRE(ok.has_value());
  CAF_CHECK(ok->kind == message_kind::response);
  auto err = parse_message(R"({"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"x"}})");
  CAF_REQUIRE(err.has_value());
  CAF_CHECK(err->kind == message_kind::error_response);
}

CAF_TEST(invalid json is a parse error) {
  CAF_CHECK_EQUAL(failure_code("{\"jsonrpc\":"), -32700);
  CAF_CHECK_EQUAL(failure_code(""), -32700);
  auto r = parse_message("{oops}");
  CAF_REQUIRE(!r.has_value());
  CAF_CHECK_EQUAL(r.error().id, "null");
  CAF_CHECK(r.error().error.message.find("offset") != std::string::npos);
}

CAF_TEST(batches are refused as invalid requests) {
  CAF_CHECK_EQUAL(failure_code(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])"), -32600);
}

CAF_TEST(structural mistakes are invalid requests that name the field) {
  CAF_CHECK_EQUAL(failure_code(R"("hello")"), -32600);
  CAF_CHECK_EQUAL(failure_code(R"({"id":1,"method":"ping"})"), -32600);
  CAF_CHECK_EQUAL(failure_code(R"({"jsonrpc":"1.0","id":1,"method":"ping"})"), -32600);
  CAF_CHECK_EQUAL(failure_code(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})"), -32600);
  CAF_CHECK_EQUAL(failure_code(R"({"jsonrpc":"2.0","id":null,"method":"ping"})"), -32600);
  CAF_CHECK_EQUAL(failure_code(R"({"jsonrpc":"2.0","id":1,"method":5})"), -32600);
  CAF_CHECK_EQUAL(failure_code(R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1]})"), -32600);
  CAF_CHECK_EQUAL(failure_code(R"({"jsonrpc":"2.0","id":1})"), -32600);
  auto r = parse_message(R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1]})");
  CAF_REQUIRE(!r.has_value());
  CAF_CHECK(r.error().error.message.find("'params'") != std::string::npos);
  CAF_CHECK_EQUAL(r.error().id, "1");
}

CAF_TEST(error responses carry code message and optional data) {
  auto e = make_rpc_error(rpc_errc::resource_not_found, "Resource not found", R"({"uri":"x"})");
  CAF_CHECK_EQUAL(make_error_response("3", e),
                  R"({"jsonrpc":"2.0","id":3,"error":{"code":-32002,"message":"Resource not found","data":{"uri":"x"}}})");
  CAF_CHECK_EQUAL(make_error_response("", make_rpc_error(rpc_errc::parse_error, "p")),
                  R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"p"}})");
}

CAF_TEST(notifications and requests serialize with escaped method names) {
  CAF_CHECK_EQUAL(make_notification("notifications/x", ""),
                  R"({"jsonrpc":"2.0","method":"notifications/x"})");
  CAF_CHECK_EQUAL(make_request("4", "a\"b", "{}"),
                  R"({"jsonrpc":"2.0","id":4,"method":"a\"b","params":{}})");
}

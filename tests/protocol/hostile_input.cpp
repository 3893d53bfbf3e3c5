#define CAF_SUITE protocol.hostile_input
#include "caf/test/unit_test.hpp"

#include <chrono>

#include "protocol/json_limits.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/suggest.hpp"

using namespace tmcp;

namespace {

constexpr std::size_t two_mb = std::size_t{2} << 20;

std::string nested(std::size_t levels, const char* open = "[", const char* close = "]") {
  std::string s;
  s.reserve(levels * 2);
  for (std::size_t i = 0; i < levels; ++i)
    s += open;
  for (std::size_t i = 0; i < levels; ++i)
    s += close;
  return s;
}

// A ping whose params nest `levels` more objects below params.
std::string ping_with_depth(std::size_t levels) {
  std::string inner = "{}";
  for (std::size_t i = 0; i < levels; ++i)
    inner = "{\"a\":" + inner + "}";
  return R"({"jsonrpc":"2.0","id":1,"method":"ping","params":)" + inner + "}";
}

struct outcome {
  int code = 0;
  std::string message;
  std::string wire; // the error response the transports would write
};

outcome parse(std::string_view text) {
  auto r = parse_message(text);
  if (r)
    return {};
  return {r.error().error.code, r.error().error.message,
          make_error_response(r.error().id, r.error().error)};
}

bool contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos)
    return true;
  CAF_MESSAGE("'" << needle << "' not in: " << haystack.substr(0, 300));
  return false;
}

// The answer is JSON we could parse ourselves, and valid UTF-8.
bool well_formed(const std::string& wire) {
  return json::is_valid_utf8(wire) && json::parse(wire).has_value();
}

} // namespace

CAF_TEST(two megabytes of nested arrays are an invalid request not a crash) {
  auto o = parse(nested(two_mb / 2));
  CAF_CHECK_EQUAL(o.code, -32600);
  CAF_CHECK(contains(o.message, "nesting deeper than 64 levels"));
  CAF_CHECK(well_formed(o.wire));
}

CAF_TEST(two megabytes of nested objects or unclosed brackets are refused the same way) {
  std::string objects;
  for (std::size_t i = 0; i < two_mb / 5; ++i)
    objects += "{\"a\":";
  CAF_CHECK_EQUAL(parse(objects).code, -32600);
  CAF_CHECK_EQUAL(parse(std::string(two_mb, '[')).code, -32600);
}

CAF_TEST(sixty four levels are accepted and sixty five are not) {
  // The envelope and params are two levels.
  CAF_CHECK_EQUAL(parse(ping_with_depth(62)).code, 0);
  auto o = parse(ping_with_depth(63));
  CAF_CHECK_EQUAL(o.code, -32600);
  CAF_CHECK(contains(o.message, "at offset"));
}

CAF_TEST(invalid utf8 in a message is a parse error) {
  for (std::string bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
    auto o = parse(R"({"jsonrpc":"2.0","id":1,"method":"p)" + bad + R"("})");
    CAF_CHECK_EQUAL(o.code, -32700);
    CAF_CHECK(well_formed(o.wire));
  }
  CAF_CHECK_EQUAL(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xc3\xa9\"}").code, 0);
}

CAF_TEST(nul bytes inside or after a message are parse errors) {
  using namespace std::string_literals;
  auto in_string = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi\0ng\"}"s;
  CAF_CHECK_EQUAL(parse(in_string).code, -32700);
  auto after = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\0{}"s;
  auto o = parse(after);
  CAF_CHECK_EQUAL(o.code, -32700);
  CAF_CHECK(contains(o.message, "unexpected bytes after the JSON value at offset 40"));
  // An escaped NUL is valid JSON and stays data.
  CAF_CHECK_EQUAL(parse(R"({"jsonrpc":"2.0","id":"a\u0000b","method":"ping"})").code, 0);
}

CAF_TEST(a lone low surrogate escape is a parse error) {
  // Found by fuzz_json: RapidJSON 1.1.0 turned "\ude00" into bytes that are not UTF-8.
  auto o = parse(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"s":"x\ude00"}})");
  CAF_CHECK_EQUAL(o.code, -32700);
  CAF_CHECK(contains(o.message, "surrogate"));
  CAF_CHECK(!json::parse(R"({"\udfff":1})"));
  // A proper pair and characters next to the surrogate range still pass.
  auto ok = json::parse(R"(["\ud83d\ude00","\ud7ff","\ue000"])");
  CAF_REQUIRE(ok);
  CAF_CHECK(json::is_valid_utf8(json::stringify(*ok)));
}

CAF_TEST(stray byte order mark bytes are not skipped) {
  // Found by fuzz_json: RapidJSON's stream dropped a leading 0xBB and parsed "\xbb9" as 9.
  CAF_CHECK(!json::parse("\xbb" "9"));
  CAF_CHECK_EQUAL(parse("\xef\xbb\xbf{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").code, -32700);
  CAF_CHECK_EQUAL(parse("\xbf{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").code, -32700);
}

CAF_TEST(trailing bytes after a message are a parse error but whitespace is fine) {
  CAF_CHECK_EQUAL(parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"} x)").code, -32700);
  CAF_CHECK_EQUAL(parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"}{})").code, -32700);
  CAF_CHECK_EQUAL(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} \r\n\t").code, 0);
}

CAF_TEST(huge numbers get a clear answer) {
  auto big = parse(R"({"jsonrpc":"2.0","id":1e400,"method":"ping"})");
  CAF_CHECK_EQUAL(big.code, -32700);
  CAF_CHECK(contains(big.message, "Number too big"));
  // Found by fuzz_json: RapidJSON 1.1.0 reads these as infinity, which stringify cannot
  // write back (it produced truncated JSON).
  for (auto n : {"-922e308", "10e308", "1797693134862315800000e288"}) {
    auto inf = parse(std::string(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"n":)") + n
                     + "}}");
    CAF_CHECK_EQUAL(inf.code, -32700);
    CAF_CHECK(contains(inf.message, "Number too big"));
  }
  CAF_CHECK(json::parse(R"({"n":18446744073709551.15,"m":-922e308})") == std::nullopt);
  auto wide = parse(R"({"jsonrpc":"2.0","id":18446744073709551616,"method":"ping"})");
  CAF_CHECK_EQUAL(wide.code, -32600);
  CAF_CHECK(contains(wide.message, "'id' must be a string or an integer"));
  // A megabyte of digits is read once, in linear time.
  auto t0 = std::chrono::steady_clock::now();
  auto digits = parse(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"n":)"
                      + std::string(1 << 20, '7') + "}}");
  CAF_CHECK_EQUAL(digits.code, -32700);
  CAF_CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

CAF_TEST(duplicate member names are an invalid request) {
  auto o = parse(R"({"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call"})");
  CAF_CHECK_EQUAL(o.code, -32600);
  CAF_CHECK(contains(o.message, R"(duplicate member name "method")"));
  CAF_CHECK_EQUAL(parse(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":[{"x":1,"x":2}]}})")
                    .code,
                  -32600);
  // Big objects are checked by hashing: 100,000 distinct keys pass, one repeat does not.
  std::string many = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{)";
  for (int i = 0; i < 100000; ++i)
    many += "\"k" + std::to_string(i) + "\":0,";
  CAF_CHECK_EQUAL(parse(many + "\"k\":0}}").code, 0);
  CAF_CHECK_EQUAL(parse(many + "\"k77\":0}}").code, -32600);
}

CAF_TEST(a million element array parses in linear time) {
  std::string arr = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":[)";
  for (int i = 0; i < 1000000; ++i)
    arr += i ? ",0" : "0";
  arr += "]}}";
  auto t0 = std::chrono::steady_clock::now();
  auto r = parse_message(arr);
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL((*r->params())["a"].Size(), 1000000u);
  CAF_CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

CAF_TEST(messages above the size limit are refused before parsing) {
  auto limits = json::message_limits;
  limits.max_bytes = 10;
  auto r = json::parse_limited(R"({"a":"0123456789"})", limits);
  CAF_REQUIRE(!r.has_value());
  CAF_CHECK(r.error().code == json::parse_errc::too_large);
}

CAF_TEST(quoting invalid utf8 yields valid utf8 json) {
  auto q = json::quote("bad \xff\xfe and \xe2\x82 and ok \xc3\xa9");
  CAF_CHECK(json::is_valid_utf8(q));
  CAF_CHECK_EQUAL(q, "\"bad \xef\xbf\xbd\xef\xbf\xbd and \xef\xbf\xbd\xef\xbf\xbd and ok \xc3\xa9\"");
  auto err = make_error_response("null", make_rpc_error(rpc_errc::invalid_params,
                                                         "unknown tool '\xc0\x80'"));
  CAF_CHECK(well_formed(err));
}

CAF_TEST(the utf8 check follows rfc 3629) {
  CAF_CHECK(json::is_valid_utf8("plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  CAF_CHECK(!json::is_valid_utf8("\xc1\xbf"));             // overlong
  CAF_CHECK(!json::is_valid_utf8("\xe0\x9f\xbf"));         // overlong
  CAF_CHECK(!json::is_valid_utf8("\xed\xbf\xbf"));         // surrogate
  CAF_CHECK(!json::is_valid_utf8("\xf4\x90\x80\x80"));     // above U+10FFFF
  CAF_CHECK(!json::is_valid_utf8("\xf0\x9f\x98"));         // truncated
  CAF_CHECK(!json::is_valid_utf8("\x80"));                 // lone continuation
  CAF_CHECK_EQUAL(json::to_valid_utf8("a\xf0\x9f\x98"), "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

CAF_TEST(suggestions for a megabyte long name cost nothing) {
  std::vector<std::string> names{"twenty_list_records", "twenty_get_record", "ping"};
  auto t0 = std::chrono::steady_clock::now();
  CAF_CHECK(!closest_match(std::string(1 << 20, 'x'), names));
  CAF_CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(200));
  CAF_CHECK_EQUAL(closest_match("twenty_list_recrods", names).value_or(""),
                  "twenty_list_records");
  CAF_CHECK_EQUAL(edit_distance("emial", "email"), 1u);
  CAF_CHECK_EQUAL(edit_distance("kitten", "sitting"), 3u);
}

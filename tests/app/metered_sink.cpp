#define CAF_SUITE app.metered_sink
#include "caf/test/unit_test.hpp"

#include <string>

#include "app/metered_sink.hpp"

using tmcp::app::answer_outcome;

namespace {

std::string outcome(std::string_view data, std::string_view id) {
  auto o = answer_outcome(data, id);
  return o ? std::string(*o) : std::string("none");
}

} // namespace

CAF_TEST(an answer is classified by its top level members without a parse) {
  CAF_CHECK_EQUAL(outcome(R"({"jsonrpc":"2.0","id":7,"result":{"content":[]}})", "7"), "ok");
  CAF_CHECK_EQUAL(outcome(R"({"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"x"}})",
                          "7"),
                  "error");
  CAF_CHECK_EQUAL(outcome(R"({"jsonrpc":"2.0","id":"a","result":{"content":[{"type":"text",)"
                          R"("text":"no"}],"isError":true}})",
                          R"("a")"),
                  "tool_error");
  CAF_CHECK_EQUAL(outcome(R"({ "id" : 1 , "result" : { "isError" : false } })", "1"), "ok");
}

CAF_TEST(only the answer to the metered id counts) {
  CAF_CHECK_EQUAL(outcome(R"({"jsonrpc":"2.0","id":8,"result":{}})", "7"), "none");
  CAF_CHECK_EQUAL(outcome(R"({"jsonrpc":"2.0","id":"7","result":{}})", "7"), "none");
  CAF_CHECK_EQUAL(outcome(R"({"jsonrpc":"2.0","method":"notifications/progress",)"
                          R"("params":{"progressToken":"id"}})",
                          "7"),
                  "none");
  // An escaped quote and backslashes inside a string id.
  CAF_CHECK_EQUAL(outcome(R"({"id":"a\"b\\","result":{}})", R"("a\"b\\")"), "ok");
}

CAF_TEST(isError counts only as a member of the result and never inside strings or content) {
  CAF_CHECK_EQUAL(outcome(R"({"id":1,"result":{"content":[{"type":"text",)"
                          R"("text":"{\"isError\":true}"}],"structuredContent":{"isError":true}}})",
                          "1"),
                  "ok");
  CAF_CHECK_EQUAL(outcome(R"({"id":1,"result":{"text":"\\","isError":true}})", "1"),
                  "tool_error");
}

CAF_TEST(text that is not a well formed object is no answer) {
  CAF_CHECK_EQUAL(outcome(R"({"id":1,"result":{"content":[)", "1"), "none");
  CAF_CHECK_EQUAL(outcome(R"({"id":1,"result":{"text":"unterminated})", "1"), "none");
  CAF_CHECK_EQUAL(outcome(R"(["id",1])", "1"), "none");
  CAF_CHECK_EQUAL(outcome(R"({"id" 1})", "1"), "none");
  CAF_CHECK_EQUAL(outcome("", "1"), "none");
}

// A client's `cursor` -> the catalog's list pages (base64 "<list>:<offset>" decoding and
// bounds checks). A page or an error must be valid JSON; a decodable cursor re-encodes to
// the same bytes.
#include <cstdint>

#include "fuzz/check.hpp"
#include "protocol/base64.hpp"
#include "protocol/catalog.hpp"
#include "protocol/json_rpc.hpp"

using namespace tmcp;
using namespace tmcp::fuzz;

namespace {

const catalog& listed() {
  static const auto cat = [] {
    auto c = std::make_shared<catalog>();
    for (int i = 0; i < 7; ++i)
      c->add_tool({"tool_" + std::to_string(i), "", "a tool"}, [](const json::value&, ctx_ptr) {});
    for (int i = 0; i < 5; ++i)
      c->add_resource({"test://r" + std::to_string(i), "r", "", "", "text/plain"},
                      [](const std::string&, const uri_vars&, ctx_ptr) {});
    c->page_size = 2;
    return c;
  }();
  return *cat;
}

void check(const expected<std::string, rpc_error>& page) {
  if (page)
    require_wire_json(make_response("1", *page), "page");
  else
    require_wire_json(make_error_response("1", page.error()), "cursor error");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string cursor(as_text(data, size));
  const auto& cat = listed();
  check(cat.list_tools(&cursor));
  check(cat.list_resources(&cursor));
  check(cat.list_templates(&cursor));
  check(cat.list_prompts(&cursor));
  if (auto raw = base64_decode(cursor)) {
    auto again = base64_decode(base64_encode(*raw));
    require(again && *again == *raw, "base64 round trip", cursor);
  }
  return 0;
}

// A tool's `filter`, `order_by` and field names -> the Twenty schema checks, against the
// recorded workspace schema (tests/data/metadata_page*.json). Input: first byte picks the
// object, then "<filter>\n<order_by>"; order_by items double as field names. The metadata
// parser is fuzzed too when the input starts with "META\n" (the rest is a metadata page).
#include <cstdint>
#include <fstream>
#include <sstream>

#include "fuzz/check.hpp"
#include "integration/schema_model.hpp"

using namespace tmcp;
using namespace tmcp::fuzz;
using namespace tmcp::twenty;

namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(TMCP_FUZZ_DATA_DIR) + "/" + name);
  require(in.good(), "recorded schema missing", name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const workspace_schema& recorded() {
  static const workspace_schema schema = [] {
    std::vector<object> objects;
    for (auto name : {"metadata_page.json", "metadata_page2.json"}) {
      auto page = parse_metadata_page(read_data(name));
      require(page.has_value(), "recorded page does not parse", name);
      for (auto& o : page->objects)
        objects.push_back(std::move(o));
    }
    return make_schema(std::move(objects), nullptr);
  }();
  return schema;
}

void check_answer(const std::optional<std::string>& problem) {
  // Problems quote the input back; quoted, they must be valid JSON.
  if (problem)
    require_wire_json(json::quote(*problem), "problem text");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  auto text = as_text(data, size);
  const auto& schema = recorded();
  if (text.substr(0, 5) == "META\n") {
    auto page = parse_metadata_page(text.substr(5));
    if (page)
      make_schema(std::move(page->objects), &schema);
    return 0;
  }
  if (text.empty())
    return 0;
  const auto& obj = schema.objects[static_cast<uint8_t>(text[0]) % schema.objects.size()];
  text.remove_prefix(1);
  auto nl = text.find('\n');
  auto filter = text.substr(0, nl);
  auto order_by = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  check_answer(check_filter(obj, filter));
  check_answer(check_order_by(obj, order_by));
  std::vector<std::string> names;
  for (std::size_t start = 0; start <= order_by.size() && names.size() < 64;) {
    auto comma = order_by.find(',', start);
    auto end = comma == std::string_view::npos ? order_by.size() : comma;
    names.emplace_back(order_by.substr(start, end - start));
    start = end + 1;
  }
  check_answer(check_field_names(obj, names));
  suggest_object(schema, filter);
  return 0;
}

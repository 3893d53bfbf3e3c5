// The recorded two-page /metadata answer (tests/data/metadata_page*.json) as a schema, shared
// by the schema test files.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "integration/schema_model.hpp"

namespace tmcp::test {

// A file under tests/data/, found relative to this header.
inline std::string read_data(const std::string& name) {
  std::string here = __FILE__;
  auto dir = here.substr(0, here.rfind('/'));
  std::ifstream in(dir + "/../../data/" + name);
  CAF_REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct recorded_schema {
  twenty::workspace_schema schema;

  recorded_schema() {
    std::vector<twenty::object> objects;
    for (auto name : {"metadata_page.json", "metadata_page2.json"}) {
      auto p = twenty::parse_metadata_page(read_data(name));
      CAF_REQUIRE(p.has_value());
      for (auto& o : p->objects)
        objects.push_back(std::move(o));
    }
    schema = twenty::make_schema(std::move(objects), nullptr);
  }

  const twenty::object& obj(const char* name) {
    auto o = schema.find_object(name);
    CAF_REQUIRE(o != nullptr);
    return *o;
  }
};

} // namespace tmcp::test

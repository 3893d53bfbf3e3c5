// Real exchanges with Twenty servers (tests/data/twenty-recordings/<release>/<name>.json, copied
// from the shared reference): the request as sent and the answer as received.
#pragma once

#include <dirent.h>

#include <algorithm>
#include <string>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "integration/twenty_types.hpp"
#include "protocol/json.hpp"
#include "tests/integration/support/recorded_schema.hpp"

namespace tmcp::test {

struct recording {
  std::string release, name;
  std::string method, path, auth; // auth: api-key | invalid | none
  std::string request_body;       // JSON text, empty for none
  int status = 0;
  std::string body; // the answer's body as JSON text

  twenty::response response() const {
    twenty::response r;
    r.status = status;
    r.body = body;
    return r;
  }
};

inline const std::vector<std::string>& releases() {
  static const std::vector<std::string> all{"twenty-0.50", "twenty-2.5", "twenty-2.19"};
  return all;
}

inline recording load_recording(const std::string& release, const std::string& name) {
  auto text = read_data("twenty-recordings/" + release + "/" + name + ".json");
  auto doc = json::parse(text);
  CAF_REQUIRE(doc && doc->IsObject());
  recording r;
  r.release = release;
  r.name = name;
  auto& req = (*doc)["request"];
  auto& res = (*doc)["response"];
  r.method = json::get_string(req, "method").value_or("");
  r.path = json::get_string(req, "path").value_or("");
  r.auth = json::get_string(req, "auth").value_or("");
  if (auto b = json::find(req, "body"); b && !b->IsNull())
    r.request_body = json::stringify(*b);
  r.status = static_cast<int>(json::get_int(res, "status").value_or(0));
  if (auto b = json::find(res, "body"))
    r.body = json::stringify(*b);
  return r;
}

// Every recording of a release, by file name without ".json", sorted.
inline std::vector<std::string> recording_names(const std::string& release) {
  std::string here = __FILE__;
  auto dir = here.substr(0, here.rfind('/')) + "/../../data/twenty-recordings/" + release;
  std::vector<std::string> out;
  if (auto d = opendir(dir.c_str())) {
    while (auto e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0)
        out.push_back(n.substr(0, n.size() - 5));
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace tmcp::test

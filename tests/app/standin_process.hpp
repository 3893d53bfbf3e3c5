// Starts the Twenty stand-in as a child process on a free loopback port and talks to its admin
// endpoints (stats, faults) over plain HTTP.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "app/child_process.hpp"
#include "app/loopback_http.hpp"
#include "protocol/json.hpp"

namespace tmcp::testing {

class standin_process {
public:
  // TMCP_TWENTY_VERSION (0.50, 2.5, 2.19) runs the stand-in as that release answers, so the
  // same scenarios run against every release (ctest app.twenty@0.50 ...).
  explicit standin_process(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{TMCP_STANDIN_BINARY, "--port", "0"};
    if (auto release = std::getenv("TMCP_TWENTY_VERSION"); release && *release) {
      argv.emplace_back("--twenty-version");
      argv.emplace_back(release);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc_ = std::make_unique<child_process>(argv);
    auto line = proc_->read_line(std::chrono::seconds(20));
    if (line) {
      auto at = line->find("http://");
      if (at != std::string::npos)
        url = line->substr(at);
    }
    auto colon = url.rfind(':');
    if (colon != std::string::npos)
      port = url.substr(colon + 1);
  }

  // One plain HTTP request to the stand-in; returns {status, body}.
  std::pair<int, std::string> http(const std::string& method, const std::string& target,
                                   const std::string& body = {},
                                   const std::string& api_key = "standin-demo-key") {
    header_list headers;
    if (!api_key.empty())
      headers.emplace_back("Authorization", "Bearer " + api_key);
    return loopback_request(port, method, target, body, headers);
  }

  // The stand-in's request counter for one route ("GET /rest/{object}/{id}"), 0 if absent.
  int64_t count(const std::string& route) {
    auto [status, body] = http("GET", "/_standin/stats", "", "");
    auto doc = json::parse(body);
    if (!doc)
      return -1;
    return find_count(*doc, route);
  }

  std::string stats() { return http("GET", "/_standin/stats", "", "").second; }
  void reset_stats() { http("POST", "/_standin/reset-stats", "{}", ""); }

  std::string url;
  std::string port;

private:
  static int64_t find_count(const json::value& v, const std::string& route) {
    if (v.IsObject()) {
      for (const auto& m : v.GetObject()) {
        if (route == m.name.GetString() && m.value.IsInt64())
          return m.value.GetInt64();
        auto inner = find_count(m.value, route);
        if (inner > 0)
          return inner;
      }
    }
    return 0;
  }

  std::unique_ptr<child_process> proc_;
};

} // namespace tmcp::testing

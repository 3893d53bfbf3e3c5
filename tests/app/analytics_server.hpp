// The real server over stdio against a stand-in, for the twenty_analytics end-to-end suites: a
// call that must succeed, and every record of an object read straight from the stand-in's REST
// API (the ground truth the answers are checked against).
#pragma once

#include "caf/test/unit_test.hpp"

#include <memory>
#include <string>
#include <vector>

#include "app/mcp_stdio_client.hpp"
#include "app/standin_process.hpp"
#include "integration/url.hpp"

namespace tmcp::testing {

struct analytics_server {
  standin_process standin;
  std::unique_ptr<mcp_stdio_client> mcp;

  explicit analytics_server(std::vector<std::string> standin_args = {},
                            std::vector<std::string> server_args = {})
    : standin(std::move(standin_args)) {
    CAF_REQUIRE(!standin.url.empty());
    std::vector<std::string> argv{TMCP_SERVER_BINARY, "--transport", "stdio", "--log-level",
                                  "warn", "--twenty-api-url", standin.url, "--twenty-api-key",
                                  "standin-demo-key"};
    argv.insert(argv.end(), server_args.begin(), server_args.end());
    mcp = std::make_unique<mcp_stdio_client>(argv);
    CAF_REQUIRE(mcp->initialize());
  }

  // twenty_analytics with `args`; the structuredContent of a result that must not be an error.
  json::document ok(const std::string& args, const std::string& meta = "") {
    auto r = mcp->request("tools/call", R"({"name":"twenty_analytics","arguments":)" + args
                                          + (meta.empty() ? "" : ",\"_meta\":" + meta) + "}",
                          std::chrono::seconds(120));
    if (!r.IsObject() || !r.HasMember("result") || is_error_result(r["result"])
        || !r["result"].HasMember("structuredContent"))
      CAF_FAIL("twenty_analytics failed: " << json::stringify(r));
    json::document out;
    out.CopyFrom(r["result"]["structuredContent"], out.GetAllocator());
    return out;
  }

  // Every record of `plural` (matching `filter`), straight from the stand-in, page after page.
  json::document all(const std::string& plural, const std::string& filter = "") {
    json::document out;
    out.SetArray();
    std::string cursor;
    for (;;) {
      auto [status, body] = standin.http(
        "GET", twenty::with_query("/rest/" + plural,
                                  {{"limit", "200"}, {"filter", filter}, {"starting_after", cursor}}));
      CAF_REQUIRE_EQUAL(status, 200);
      auto doc = json::parse(body);
      CAF_REQUIRE(doc.has_value());
      for (auto& r : (*doc)["data"][plural.c_str()].GetArray())
        out.PushBack(json::value(r, out.GetAllocator()), out.GetAllocator());
      auto& info = (*doc)["pageInfo"];
      if (!info["hasNextPage"].GetBool())
        return out;
      cursor = info["endCursor"].GetString();
    }
  }

  json::document opportunities() { return all("opportunities"); }

  std::string state_of(const std::string& id) {
    auto st = ok(R"({"action":"status","job_id":")" + id + "\"}");
    return st["state"].GetString();
  }
};

} // namespace tmcp::testing

// Size of what a client loads into the model's context: the tools/list answer (all pages).
#include "io_pool.hpp"
#include "mcp_wire.hpp"
#include "modes.hpp"
#include "report.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <iostream>

namespace twenty_bench {

int run_tools_list(const options& o) {
  auto ep = parse_url(o.url);
  if (!ep)
    return std::cerr << "tools-list needs --url\n", 2;
  mcp_bench::io_pool pool(o.threads);
  auto sessions = open_sessions(pool.context(), *ep, 1, o.timeout_s);
  std::size_t body_bytes = 0, message_bytes = 0, tools_bytes = 0, tools = 0, pages = 0;
  std::string cursor, names;
  do {
    call_outcome out;
    latch done(1);
    auto params = cursor.empty() ? std::string("{}") : R"({"cursor":)" + quote(cursor) + "}";
    mcp_call(sessions[0].conn, *ep, sessions[0].id, static_cast<std::int64_t>(2 + pages), "tools/list",
             params, true, [&](call_outcome r) { out = std::move(r); done.count_down(); });
    done.wait();
    if (!out.error.empty())
      throw std::runtime_error("tools/list: " + out.error);
    ++pages;
    body_bytes += out.body_bytes;
    message_bytes += out.message.size();
    rapidjson::Document doc;
    doc.Parse(out.message.c_str());
    const auto& result = doc["result"];
    for (const auto& t : result["tools"].GetArray()) {
      rapidjson::StringBuffer buf;  // compact JSON of one tool definition, as a client forwards it
      rapidjson::Writer<rapidjson::StringBuffer> w(buf);
      t.Accept(w);
      tools_bytes += buf.GetSize();
      ++tools;
      names += (names.empty() ? "" : ",") + std::string(t["name"].GetString());
    }
    auto next = result.FindMember("nextCursor");
    cursor = next != result.MemberEnd() && next->value.IsString() ? next->value.GetString() : "";
  } while (!cursor.empty() && pages < 100);
  std::printf("tools-list %s: %zu tools in %zu page(s): %s\n", o.label.c_str(), tools, pages, names.c_str());
  std::printf("  JSON-RPC message %zu bytes (HTTP body incl. SSE framing %zu); tool definitions %zu bytes "
              "~ %zu tokens (bytes/4)\n", message_bytes, body_bytes, tools_bytes, tools_bytes / 4);
  result_line().add("mode", o.mode).add("label", o.label).add("tools", tools).add("pages", pages)
      .add("message_bytes", message_bytes).add("body_bytes", body_bytes).add("tools_bytes", tools_bytes)
      .add("approx_tokens", tools_bytes / 4).print();
  return 0;
}

}  // namespace twenty_bench

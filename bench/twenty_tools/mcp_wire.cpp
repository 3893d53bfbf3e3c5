#include "mcp_wire.hpp"

#include "bench_runner.hpp"  // mcp-bench's bounded runner
#include "sse_reply.hpp"  // mcp-bench's reply check, used for initialize

#include <rapidjson/document.h>

#include <stdexcept>
#include <vector>

namespace twenty_bench {
namespace {

constexpr const char* protocol_version = "2025-11-25";

http_request mcp_post(const endpoint& ep, const std::string& session_id, std::string body) {
  http_request req{http::verb::post, ep.target, 11};
  req.set(http::field::host, ep.host + ":" + ep.port);
  req.set(http::field::user_agent, "twenty-tools-bench");
  req.set(http::field::accept, "application/json, text/event-stream");
  req.set(http::field::content_type, "application/json");
  if (!session_id.empty()) {
    req.set("Mcp-Session-Id", session_id);
    req.set("MCP-Protocol-Version", protocol_version);
  }
  req.body() = std::move(body);
  return req;
}

// First text block of a tool result, shortened: the reason a tool call failed.
std::string first_text(const rapidjson::Value& result) {
  auto c = result.FindMember("content");
  if (c == result.MemberEnd() || !c->value.IsArray() || c->value.Empty())
    return "(no content)";
  const auto& b = c->value[0];
  auto t = b.FindMember("text");
  if (!b.IsObject() || t == b.MemberEnd() || !t->value.IsString())
    return "(no text)";
  std::string s = t->value.GetString();
  return s.size() > 90 ? s.substr(0, 90) + "..." : s;
}

}  // namespace

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

call_outcome read_rpc_reply(const http_response& res, std::int64_t id, bool keep_message) {
  call_outcome out;
  out.body_bytes = res.body().size();
  if (res.result() != http::status::ok) {
    out.error = "HTTP " + std::to_string(res.result_int());
    return out;
  }
  std::string_view body = res.body();
  std::vector<std::string> payloads;
  auto ctype = res[http::field::content_type];
  if (ctype.find("application/json") != std::string_view::npos)
    payloads.emplace_back(body);
  else
    payloads = mcp_bench::sse_data_payloads(body);  // empty (priming) payloads fail to parse
  for (const auto& p : payloads) {
    rapidjson::Document doc;
    doc.Parse(p.data(), p.size());
    if (doc.HasParseError() || !doc.IsObject())
      continue;
    auto idm = doc.FindMember("id");
    if (idm == doc.MemberEnd() || doc.HasMember("method"))
      continue;  // a notification or server request before the response
    if (!idm->value.IsInt64() || idm->value.GetInt64() != id) {
      out.error = "id mismatch";
      return out;
    }
    if (auto e = doc.FindMember("error"); e != doc.MemberEnd()) {
      auto m = e->value.IsObject() ? e->value.FindMember("message") : e->value.MemberEnd();
      out.error = "JSON-RPC error: " +
                  std::string(e->value.IsObject() && m != e->value.MemberEnd() && m->value.IsString()
                                  ? m->value.GetString() : "?");
      return out;
    }
    auto r = doc.FindMember("result");
    if (r == doc.MemberEnd() || !r->value.IsObject()) {
      out.error = "no result object";
      return out;
    }
    auto is_error = r->value.FindMember("isError");
    if (is_error != r->value.MemberEnd() && is_error->value.IsBool() && is_error->value.GetBool())
      out.error = "tool error: " + first_text(r->value);
    if (keep_message)
      out.message.assign(p.data(), p.size());
    return out;
  }
  out.error = "no response in answer";
  return out;
}

void mcp_open(const std::shared_ptr<http_conn>& conn, const endpoint& ep, open_fn done) {
  std::string body =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":")" +
      std::string(protocol_version) +
      R"(","capabilities":{},"clientInfo":{"name":"twenty-tools-bench","version":"0.1"}}})";
  conn->send(mcp_post(ep, "", std::move(body)),
             [conn, ep, done = std::move(done)](beast::error_code ec, http_response& res) {
    if (ec)
      return done("initialize: " + ec.message(), "");
    auto ctype = res[http::field::content_type];
    auto reason = res.result() != http::status::ok
                      ? "HTTP " + std::to_string(res.result_int())
                      : mcp_bench::check_reply({ctype.data(), ctype.size()}, res.body(), 1);
    std::string sid(res["Mcp-Session-Id"]);
    if (reason.empty() && sid.empty())
      reason = "no Mcp-Session-Id header";
    if (!reason.empty())
      return done("initialize: " + reason, "");
    conn->send(mcp_post(ep, sid, R"({"jsonrpc":"2.0","method":"notifications/initialized"})"),
               [sid, done](beast::error_code ec, http_response& res) {
      if (ec)
        return done("initialized: " + ec.message(), "");
      if (res.result() != http::status::accepted)
        return done("initialized: HTTP " + std::to_string(res.result_int()), "");
      done("", sid);
    });
  });
}

void mcp_call(const std::shared_ptr<http_conn>& conn, const endpoint& ep,
              const std::string& session_id, std::int64_t id, const std::string& method,
              const std::string& params_json, bool keep_message, call_fn done) {
  std::string body = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method +
                     R"(","params":)" + params_json + "}";
  conn->send(mcp_post(ep, session_id, std::move(body)),
             [id, keep_message, done = std::move(done)](beast::error_code ec, http_response& res) {
    if (ec) {
      call_outcome out;
      out.error = ec.message();
      return done(std::move(out));
    }
    done(read_rpc_reply(res, id, keep_message));
  });
}

std::vector<mcp_session> open_sessions(net::io_context& ioc, const endpoint& ep, int n,
                                       double timeout_s) {
  auto addrs = resolve(ioc, ep);
  std::vector<mcp_session> out(static_cast<std::size_t>(n));
  auto errors = mcp_bench::run_bounded(out.size(), 16, [&](std::size_t i, mcp_bench::step_done done) {
    out[i].conn = std::make_shared<http_conn>(
        ioc, addrs, std::chrono::milliseconds(static_cast<long>(timeout_s * 1000)));
    mcp_open(out[i].conn, ep, [&out, i, done](const std::string& err, const std::string& sid) {
      out[i].id = sid;
      done(err);
    });
  });
  for (const auto& e : errors)
    if (!e.empty())
      throw std::runtime_error("opening " + std::to_string(n) + " MCP sessions: " + e);
  return out;
}

}  // namespace twenty_bench

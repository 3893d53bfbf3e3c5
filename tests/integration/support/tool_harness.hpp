// Drives the Twenty catalog the way a client does: a real tmcp::session (so tools/call gets
// argument validation against inputSchema, resources/read, prompts/get and completion/complete
// exactly as served) over a fake_twenty_api, with a manual host for the session's thread.
// Also a fake request_context for calling a handler directly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "integration/tools/registry.hpp"
#include "support/fake_session_env.hpp"
#include "tests/integration/support/fake_twenty_api.hpp"

namespace tmcp::testing {

// Records what a handler answers; nothing else of the context does anything.
class fake_request_context : public request_context {
public:
  std::vector<std::string> replies;
  std::vector<rpc_error> failures;
  std::vector<std::pair<double, std::optional<double>>> progress_values;

  bool done() const { return !replies.empty() || !failures.empty(); }

  const client_view& client() const override { return view_; }
  const std::string& session_id() const override { return session_; }
  void reply(std::string result) override { replies.push_back(std::move(result)); }
  void fail(rpc_error error) override { failures.push_back(std::move(error)); }
  void progress(double value, std::optional<double> total, std::string) override {
    progress_values.emplace_back(value, total);
  }
  void log(log_level, std::string, std::string) override {
    // nop
  }
  void request_client(std::string, std::string, std::chrono::milliseconds,
                      client_reply done) override {
    done(make_unexpected(make_rpc_error(rpc_errc::method_not_found, "no client")));
  }
  void request_input(std::vector<input_request>, std::chrono::milliseconds,
                     input_reply done) override {
    done(make_unexpected(make_rpc_error(rpc_errc::method_not_found, "no client in this test")));
  }
  void cache(cache_hint) override {}
  void after(std::chrono::milliseconds, std::function<void()>) override {
    // nop
  }
  void close_stream() override {
    // nop
  }
  bool cancelled() const override { return false; }
  void on_cancel(std::function<void()>) override {
    // nop
  }

  std::string session_ = "fake-session";

private:
  client_view view_{"2025-11-25", "{}"};
};

// One JSON-RPC answer, parsed.
struct rpc_answer {
  json::document doc;

  bool ok() const { return doc.IsObject() && doc.HasMember("result"); }
  const json::value& result() const { return doc["result"]; }
  int error_code() const {
    return doc.IsObject() && doc.HasMember("error") ? doc["error"]["code"].GetInt() : 0;
  }
  std::string error_message() const {
    return error_code() ? doc["error"]["message"].GetString() : "";
  }
  // tools/call helpers.
  bool is_error() const {
    return ok() && json::get_bool(result(), "isError").value_or(false);
  }
  std::string text() const {
    if (!ok() || !result().HasMember("content") || result()["content"].Empty())
      return "";
    return json::get_string(result()["content"][0], "text").value_or("");
  }
  // structuredContent as its own document (empty object when absent).
  json::document structured() const {
    if (ok() && result().HasMember("structuredContent"))
      return json::clone(result()["structuredContent"]);
    json::document d;
    d.SetObject();
    return d;
  }
};

struct tool_harness {
  std::shared_ptr<fake_twenty_api> api = std::make_shared<fake_twenty_api>();
  twenty::tools::tools_config config;
  catalog_ptr cat;
  std::shared_ptr<manual_host> host = std::make_shared<manual_host>();
  session_ptr sess;
  int next_id = 1;

  // Timers that never fired hold request contexts, which hold the host: break that cycle.
  ~tool_harness() { host->queue.clear(); }

  // Builds the catalog from `config` and the fake's schema, and initializes a session.
  void start() {
    cat = twenty::tools::build_catalog(api, config);
    session_options opts;
    auto h = host;
    opts.now = [h] { return h->now; };
    sess = std::make_shared<session>("sid-1", cat, host, opts);
    send(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})");
    send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }

  // Rebuilds the catalog (after a schema change) and hands it to the session.
  void rebuild() {
    cat = twenty::tools::build_catalog(api, config);
    sess->set_catalog(cat);
  }

  std::shared_ptr<recording_sink> send(const std::string& text) {
    return post_to(*sess, *host, text);
  }

  // Sends a request; with a deferred fake, completes every upstream call first.
  rpc_answer request(const std::string& method, const std::string& params) {
    auto sink = send(R"({"jsonrpc":"2.0","id":)" + std::to_string(next_id++) + R"(,"method":")"
                     + method + R"(","params":)" + params + "}");
    if (api->deferred) {
      api->complete_all();
      host->run();
    }
    return answer(*sink);
  }

  static rpc_answer answer(const recording_sink& sink) {
    rpc_answer a;
    auto d = json::parse(sink.last());
    if (d)
      a.doc = std::move(*d);
    return a;
  }

  rpc_answer call(const std::string& tool, const std::string& args) {
    return request("tools/call", R"({"name":")" + tool + R"(","arguments":)" + args + "}");
  }
  rpc_answer read(const std::string& uri) {
    return request("resources/read", R"({"uri":)" + json::quote(uri) + "}");
  }
  rpc_answer prompt(const std::string& name, const std::string& args) {
    return request("prompts/get", R"({"name":")" + name + R"(","arguments":)" + args + "}");
  }

  // completion/complete values, for a prompt (`ref_type` ref/prompt) or a template.
  std::vector<std::string> complete(const std::string& ref_type, const std::string& ref,
                                    const std::string& argument, const std::string& value,
                                    const std::string& context_args = "{}") {
    auto ref_json = ref_type == "ref/prompt"
                      ? R"({"type":"ref/prompt","name":)" + json::quote(ref) + "}"
                      : R"({"type":"ref/resource","uri":)" + json::quote(ref) + "}";
    auto a = request("completion/complete",
                     R"({"ref":)" + ref_json + R"(,"argument":{"name":)" + json::quote(argument)
                       + R"(,"value":)" + json::quote(value) + R"(},"context":{"arguments":)"
                       + context_args + "}}");
    std::vector<std::string> out;
    if (a.ok())
      for (const auto& v : a.result()["completion"]["values"].GetArray())
        out.emplace_back(v.GetString());
    return out;
  }

  // The names of every tool, in catalog order.
  std::vector<std::string> tool_names() const {
    std::vector<std::string> out;
    auto page = cat->list_tools(nullptr);
    auto d = json::parse(page ? *page : "{}");
    if (d && d->HasMember("tools"))
      for (const auto& t : (*d)["tools"].GetArray())
        out.emplace_back(t["name"].GetString());
    return out;
  }

  // The tools/list entry of one tool (a null document when absent).
  json::document tool_entry(const std::string& name) const {
    auto page = cat->list_tools(nullptr);
    auto d = json::parse(page ? *page : "{}");
    if (d && d->HasMember("tools"))
      for (const auto& t : (*d)["tools"].GetArray())
        if (name == t["name"].GetString())
          return json::clone(t);
    return json::document{};
  }
};

} // namespace tmcp::testing

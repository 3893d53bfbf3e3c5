// The 2026-07-28 track's fixtures (conformance src/scenarios/server/{stateless,
// input-required-result}.ts). They ask for input through request_input, so the same tool
// answers with input_required results to a stateless client and with server->client requests
// on a legacy session.
#include "protocol/conformance/fixtures.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include "protocol/content.hpp"

namespace tmcp::conformance {

namespace {

using namespace std::chrono_literals;

constexpr const char* no_args = R"({"type":"object","properties":{}})";

void add(catalog& cat, const char* name, const char* description, tool_handler h) {
  tool_spec spec;
  spec.name = name;
  spec.description = description;
  spec.input_schema = no_args;
  cat.add_tool(std::move(spec), std::move(h));
}

input_request elicit(const char* key, const char* message, const char* field,
                     const char* type = "string") {
  return {key, "elicitation/create",
          std::string(R"({"message":)") + json::quote(message)
            + R"(,"requestedSchema":{"type":"object","properties":{")" + field
            + R"(":{"type":")" + type + R"("}},"required":[")" + field + R"("]}})"};
}

input_request sample(const char* key, const char* text, int max_tokens) {
  return {key, "sampling/createMessage",
          R"({"messages":[{"role":"user","content":{"type":"text","text":)" + json::quote(text)
            + R"(}}],"maxTokens":)" + std::to_string(max_tokens) + "}"};
}

input_request roots(const char* key) { return {key, "roots/list", "{}"}; }

// `content.<field>` of an elicitation answer, or of a sampling answer's content block.
std::string answer_text(const input_answers& a, const std::string& key, const char* field) {
  auto it = a.find(key);
  auto doc = it == a.end() ? std::nullopt : json::parse(it->second);
  auto content = doc ? json::find(*doc, "content") : nullptr;
  auto v = content ? json::find(*content, field) : nullptr;
  if (!v)
    return "unknown";
  return v->IsString() ? v->GetString() : json::stringify(*v);
}

std::size_t root_count(const input_answers& a, const std::string& key) {
  auto it = a.find(key);
  auto doc = it == a.end() ? std::nullopt : json::parse(it->second);
  auto r = doc ? json::find(*doc, "roots") : nullptr;
  return r && r->IsArray() ? r->Size() : 0;
}

// Runs `then` with the answers, or ends the call with the client's error.
template <class F>
void ask(const ctx_ptr& ctx, std::vector<input_request> asks, F then) {
  ctx->request_input(std::move(asks), 60s, [ctx, then](expected<input_answers, rpc_error> r) {
    if (!r)
      return ctx->fail(r.error());
    then(*r);
  });
}

void reply_text(const ctx_ptr& ctx, const std::string& text) {
  ctx->reply(tool_result().text(text).str());
}

void register_probes(catalog& cat, change_fn changed) {
  add(cat, "test_missing_capability", "Needs the client's sampling capability",
      [](auto&, ctx_ptr ctx) {
        if (!ctx->client().supports("sampling"))
          return ctx->fail(make_rpc_error(rpc_errc::missing_client_capability,
                                          "Missing required client capability: sampling",
                                          R"({"requiredCapabilities":{"sampling":{}}})"));
        reply_text(ctx, "Success");
      });
  add(cat, "test_streaming_elicitation", "Streams progress, then its result, on one stream",
      [](auto&, ctx_ptr ctx) {
        ctx->progress(50, 100, "halfway");
        reply_text(ctx, "Streaming complete");
      });
  add(cat, "test_logging_tool", "Logs at info; silent unless the request set a log level",
      [](auto&, ctx_ptr ctx) {
        ctx->log(log_level::info, "conformance", "\"Diagnostic trace logging activated\"");
        reply_text(ctx, "Logging evaluated");
      });
  tool_spec routed;
  routed.name = "test_header_param";
  routed.description = "Echoes a region that also travels as the Mcp-Param-Region header";
  routed.input_schema = R"({"type":"object","properties":{"region":{"type":"string",)"
                        R"("x-mcp-header":"Region"}}})";
  cat.add_tool(std::move(routed), [](const json::value& args, ctx_ptr ctx) {
    reply_text(ctx, "Region: " + json::get_string(args, "region").value_or("none"));
  });
  add(cat, "test_trigger_tool_change", "Announces a tools list change",
      [changed](auto&, ctx_ptr ctx) {
        if (changed)
          changed("tools");
        reply_text(ctx, "Mutation triggered");
      });
  add(cat, "test_trigger_prompt_change", "Announces a prompts list change",
      [changed](auto&, ctx_ptr ctx) {
        if (changed)
          changed("prompts");
        reply_text(ctx, "Mutation triggered");
      });
}

void register_input_tools(catalog& cat) {
  add(cat, "test_input_required_result_elicitation", "Asks the user's name, then greets",
      [](auto&, ctx_ptr ctx) {
        ask(ctx, {elicit("user_name", "What is your name?", "name")}, [ctx](auto& a) {
          reply_text(ctx, "Hello, " + answer_text(a, "user_name", "name") + "!");
        });
      });
  add(cat, "test_input_required_result_sampling", "Asks the client's model a question",
      [](auto&, ctx_ptr ctx) {
        ask(ctx, {sample("sample_request", "What is the capital of France?", 100)},
            [ctx](auto& a) {
              reply_text(ctx, "Sampling result: " + answer_text(a, "sample_request", "text"));
            });
      });
  add(cat, "test_input_required_result_list_roots", "Asks the client's roots",
      [](auto&, ctx_ptr ctx) {
        ask(ctx, {roots("roots_request")}, [ctx](auto& a) {
          reply_text(ctx, "Found " + std::to_string(root_count(a, "roots_request")) + " root(s)");
        });
      });
  add(cat, "test_input_required_result_request_state", "Asks a confirmation; state round-trips",
      [](auto&, ctx_ptr ctx) {
        ask(ctx, {elicit("confirm", "Please confirm", "ok", "boolean")}, [ctx](auto& a) {
          reply_text(ctx, answer_text(a, "confirm", "ok") == "true"
                            ? "state-ok: requestState validated"
                            : "state-not-confirmed");
        });
      });
  add(cat, "test_input_required_result_multiple_inputs",
      "Asks a name, a generated greeting and the roots at once", [](auto&, ctx_ptr ctx) {
        ask(ctx,
            {elicit("user_name", "What is your name?", "name"),
             sample("greeting", "Generate a greeting", 50), roots("client_roots")},
            [ctx](auto& a) {
              reply_text(ctx, "Name: " + answer_text(a, "user_name", "name")
                                + "; Greeting: " + answer_text(a, "greeting", "text")
                                + "; Roots: " + std::to_string(root_count(a, "client_roots")));
            });
      });
  add(cat, "test_input_required_result_multi_round", "Asks a name, then a color",
      [](auto&, ctx_ptr ctx) {
        ask(ctx, {elicit("step1", "Step 1: What is your name?", "name")}, [ctx](auto& a1) {
          auto name = answer_text(a1, "step1", "name");
          ask(ctx, {elicit("step2", "Step 2: What is your favorite color?", "color")},
              [ctx, name](auto& a2) {
                reply_text(ctx, "Multi-round complete for " + name + " who likes "
                                  + answer_text(a2, "step2", "color"));
              });
        });
      });
  add(cat, "test_input_required_result_tampered_state",
      "Asks a confirmation under a signed requestState", [](auto&, ctx_ptr ctx) {
        ask(ctx, {elicit("confirm", "Please confirm", "ok", "boolean")},
            [ctx](auto&) { reply_text(ctx, "integrity-ok: state verified"); });
      });
  add(cat, "test_input_required_result_capabilities",
      "Asks only for the inputs the client declared it can give", [](auto&, ctx_ptr ctx) {
        std::vector<input_request> asks;
        if (ctx->client().supports("elicitation"))
          asks.push_back(elicit("elicit_input", "Elicitation input", "value"));
        if (ctx->client().supports("sampling"))
          asks.push_back(sample("sample_input", "Sample request", 50));
        if (asks.empty())
          return reply_text(ctx, "No supported capabilities declared");
        ask(ctx, std::move(asks), [ctx](auto& a) {
          std::string keys;
          for (const auto& [k, v] : a)
            keys += (keys.empty() ? "" : ",") + k;
          reply_text(ctx, "capabilities-ok: received " + keys);
        });
      });
}

tool_spec task_tool(const char* name, const char* description, const char* schema,
                    task_support tasks) {
  tool_spec spec;
  spec.name = name;
  spec.description = description;
  spec.input_schema = schema;
  spec.tasks = tasks;
  return spec;
}

// A copy of the arguments a task body may keep after its request is gone.
std::shared_ptr<const json::document> keep(const json::value& args) {
  return std::make_shared<const json::document>(json::clone(args));
}

} // namespace

void register_task_fixtures(catalog& cat) {
  cat.add_tool(task_tool("greet", "Greets by name, at once",
                         R"({"type":"object","properties":{"name":{"type":"string"}}})",
                         task_support::forbidden),
               [](const json::value& args, ctx_ptr ctx) {
                 reply_text(ctx, "Hello, " + json::get_string(args, "name").value_or("World")
                                   + "!");
               });
  cat.add_tool(
    task_tool("slow_compute", "Sleeps `seconds`, then answers; runs as a task",
              R"({"type":"object","properties":{"seconds":{"type":"number","minimum":0},)"
              R"("label":{"type":"string"}}})",
              task_support::optional),
    [](const json::value& args, ctx_ptr ctx) {
      auto a = keep(args);
      ctx->as_task([a](ctx_ptr t) {
        auto secs = json::find(*a, "seconds");
        double s = secs && secs->IsNumber() ? secs->GetDouble() : 1;
        auto label = json::get_string(*a, "label").value_or("job");
        // A cancelled task's timer never fires: the task settles as cancelled.
        t->after(std::chrono::milliseconds(static_cast<int64_t>(s * 1000)), [t, label, s] {
          char secs_text[32];
          std::snprintf(secs_text, sizeof secs_text, "%g", s);
          reply_text(t, "Computed " + label + " in " + secs_text + "s");
        });
      });
    });
  cat.add_tool(task_tool("failing_job", "Fails as a tool after a moment; only as a task",
                         no_args, task_support::required),
               [](const json::value&, ctx_ptr ctx) {
                 ctx->as_task([](ctx_ptr t) {
                   t->after(300ms, [t] { t->reply(tool_error("failing_job failed, as designed")); });
                 });
               });
  cat.add_tool(task_tool("protocol_error_job", "Ends in a protocol error; runs as a task", no_args,
                         task_support::optional),
               [](const json::value&, ctx_ptr ctx) {
                 ctx->as_task([](ctx_ptr t) {
                   t->fail(make_rpc_error(rpc_errc::internal_error,
                                          "protocol_error_job broke, as designed"));
                 });
               });
  cat.add_tool(task_tool("confirm_delete", "Asks a confirmation inside its task, then answers",
                         R"({"type":"object","properties":{"filename":{"type":"string"}}})",
                         task_support::optional),
               [](const json::value& args, ctx_ptr ctx) {
                 auto file = json::get_string(args, "filename").value_or("file");
                 ctx->as_task([file](ctx_ptr t) {
                   ask(t, {elicit("confirm", ("Delete " + file + "?").c_str(), "confirm",
                                  "boolean")},
                       [t, file](auto& a) {
                         reply_text(t, answer_text(a, "confirm", "confirm") == "true"
                                         ? "Deleted " + file
                                         : "Kept " + file);
                       });
                 });
               });
  cat.add_tool(task_tool("multi_input", "Asks two inputs at once inside its task", no_args,
                         task_support::optional),
               [](const json::value&, ctx_ptr ctx) {
                 ctx->as_task([](ctx_ptr t) {
                   ask(t,
                       {elicit("first", "First input", "name"),
                        elicit("second", "Second input", "name")},
                       [t](auto& a) {
                         reply_text(t, "Got " + answer_text(a, "first", "name") + " and "
                                         + answer_text(a, "second", "name"));
                       });
                 });
               });
  cat.add_tool(task_tool("test_tool_with_task",
                         "Asks a name (input_required), then runs as a task", no_args,
                         task_support::required),
               [](const json::value&, ctx_ptr ctx) {
                 ask(ctx, {elicit("user_name", "What is your name?", "name")}, [ctx](auto& a) {
                   auto name = answer_text(a, "user_name", "name");
                   ctx->as_task([name](ctx_ptr t) {
                     t->after(100ms, [t, name] { reply_text(t, "Hello, " + name + ", from a task"); });
                   });
                 });
               });
}

void register_modern_fixtures(catalog& cat, change_fn changed) {
  register_probes(cat, std::move(changed));
  register_input_tools(cat);
  register_task_fixtures(cat);
  cat.add_prompt({"test_input_required_result_prompt", "Prompt Needing Input",
                  "A prompt that asks the user for context first", {}},
                 [](const json::value&, ctx_ptr ctx) {
                   ask(ctx, {elicit("user_context", "What context should the prompt use?",
                                    "context")},
                       [ctx](auto& a) {
                         ctx->reply("{\"messages\":["
                                    + prompt_message("user", text_content(
                                                               "Prompt with context: "
                                                               + answer_text(a, "user_context",
                                                                             "context")))
                                    + "]}");
                       });
                 });
}

} // namespace tmcp::conformance

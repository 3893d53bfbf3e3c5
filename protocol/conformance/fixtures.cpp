#include "protocol/conformance/fixtures.hpp"

#include <chrono>

#include "protocol/content.hpp"

namespace tmcp::conformance {

namespace {

using namespace std::chrono_literals;

// A 1x1 PNG and a minimal WAV, the payloads the suite checks only for shape.
constexpr const char* png_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAF"
                                "BQIAX8jx0gAAAABJRU5ErkJggg==";
constexpr const char* wav_min = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

constexpr const char* empty_schema = R"({"type":"object","properties":{}})";

void add(catalog& cat, const char* name, const char* description, tool_handler h,
         const char* schema = empty_schema) {
  tool_spec spec;
  spec.name = name;
  spec.description = description;
  spec.input_schema = schema;
  cat.add_tool(std::move(spec), std::move(h));
}

std::string arg(const json::value& args, const char* key) {
  return json::get_string(args, key).value_or("");
}

// Sends an elicitation request and reports what the client answered.
void elicit(ctx_ptr ctx, std::string params) {
  ctx->request_client("elicitation/create", std::move(params), 30s, [ctx](auto r) {
    if (!r)
      return ctx->reply(tool_result().text("Elicitation failed: " + r.error().message).str());
    auto doc = json::parse(*r);
    auto action = doc ? json::get_string(*doc, "action").value_or("?") : "?";
    auto content = doc && doc->HasMember("content") ? json::stringify((*doc)["content"]) : "{}";
    ctx->reply(tool_result().text("Elicitation completed: action=" + action
                                  + ", content=" + content)
                 .str());
  });
}

void register_tools(catalog& cat) {
  add(cat, "test_simple_text", "Returns one text block", [](auto&, ctx_ptr ctx) {
    ctx->reply(tool_result().text("This is a simple text response for testing.").str());
  });
  add(cat, "test_image_content", "Returns one image block", [](auto&, ctx_ptr ctx) {
    ctx->reply(tool_result().add(image_content(png_1x1, "image/png")).str());
  });
  add(cat, "test_audio_content", "Returns one audio block", [](auto&, ctx_ptr ctx) {
    ctx->reply(tool_result().add(audio_content(wav_min, "audio/wav")).str());
  });
  add(cat, "test_embedded_resource", "Returns an embedded resource", [](auto&, ctx_ptr ctx) {
    ctx->reply(tool_result()
                 .add(embedded_text_resource("test://embedded-resource", "text/plain",
                                             "This is an embedded resource content."))
                 .str());
  });
  add(cat, "test_multiple_content_types", "Returns text, image and resource blocks",
      [](auto&, ctx_ptr ctx) {
        ctx->reply(tool_result()
                     .text("Multiple content types test:")
                     .add(image_content(png_1x1, "image/png"))
                     .add(embedded_text_resource("test://mixed-content-resource",
                                                 "application/json",
                                                 R"({"test":"data","value":123})"))
                     .str());
      });
  add(cat, "test_tool_with_logging", "Emits three log messages while it runs",
      [](auto&, ctx_ptr ctx) {
        ctx->log(log_level::info, "conformance", "\"Tool execution started\"");
        ctx->after(50ms, [ctx] {
          ctx->log(log_level::info, "conformance", "\"Tool processing data\"");
          ctx->after(50ms, [ctx] {
            ctx->log(log_level::info, "conformance", "\"Tool execution completed\"");
            ctx->reply(tool_result().text("Tool with logging executed successfully").str());
          });
        });
      });
  add(cat, "test_tool_with_progress", "Reports progress 0, 50 and 100 of 100",
      [](auto&, ctx_ptr ctx) {
        ctx->progress(0, 100, "Completed step 0 of 100");
        ctx->after(50ms, [ctx] {
          ctx->progress(50, 100, "Completed step 50 of 100");
          ctx->after(50ms, [ctx] {
            ctx->progress(100, 100, "Completed step 100 of 100");
            ctx->reply(tool_result().text("Progress reported").str());
          });
        });
      });
  add(cat, "test_error_handling", "Always fails with isError", [](auto&, ctx_ptr ctx) {
    ctx->reply(tool_error("This tool intentionally returns an error for testing"));
  });
  add(cat, "test_reconnection",
      "Closes its SSE stream mid-call and answers after the client reconnects (SEP-1699)",
      [](auto&, ctx_ptr ctx) {
        ctx->close_stream();
        ctx->after(100ms, [ctx] {
          ctx->reply(tool_result()
                       .text("Reconnection test completed successfully. If you received "
                             "this, the client properly reconnected after stream closure.")
                       .str());
        });
      });
  add(
    cat, "test_sampling", "Asks the client's LLM to complete a prompt",
    [](const json::value& args, ctx_ptr ctx) {
      auto params = R"({"messages":[{"role":"user","content":{"type":"text","text":)"
                    + json::quote(arg(args, "prompt")) + "}}],\"maxTokens\":100}";
      ctx->request_client("sampling/createMessage", params, 30s, [ctx](auto r) {
        if (!r)
          return ctx->reply(tool_result().text("Sampling failed: " + r.error().message).str());
        auto doc = json::parse(*r);
        std::string text = "No response";
        if (doc)
          if (auto c = json::find(*doc, "content"))
            text = json::get_string(*c, "text").value_or(text);
        ctx->reply(tool_result().text("LLM response: " + text).str());
      });
    },
    R"({"type":"object","properties":{"prompt":{"type":"string","description":"The prompt to send to the LLM"}},"required":["prompt"]})");
  add(
    cat, "test_elicitation", "Asks the user for a username and an email",
    [](const json::value& args, ctx_ptr ctx) {
      elicit(ctx, "{\"message\":" + json::quote(arg(args, "message"))
                    + R"(,"requestedSchema":{"type":"object","properties":{)"
                      R"("username":{"type":"string","description":"Your username"},)"
                      R"("email":{"type":"string","description":"Your email address","format":"email"}},)"
                      R"("required":["username","email"]}})");
    },
    R"({"type":"object","properties":{"message":{"type":"string","description":"The message to show the user"}},"required":["message"]})");
  add(cat, "test_elicitation_sep1034_defaults", "Elicitation with defaults (SEP-1034)",
      [](auto&, ctx_ptr ctx) {
        elicit(ctx, R"({"message":"Please review and update the form fields with defaults",)"
                    R"("requestedSchema":{"type":"object","properties":{)"
                    R"("name":{"type":"string","description":"User name","default":"John Doe"},)"
                    R"("age":{"type":"integer","description":"User age","default":30},)"
                    R"("score":{"type":"number","description":"User score","default":95.5},)"
                    R"("status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},)"
                    R"("verified":{"type":"boolean","description":"Verification status","default":true}},)"
                    R"("required":[]}})");
      });
  add(cat, "test_elicitation_sep1330_enums", "Elicitation with the five enum forms (SEP-1330)",
      [](auto&, ctx_ptr ctx) {
        elicit(ctx, R"({"message":"Please select options from the enum fields",)"
                    R"("requestedSchema":{"type":"object","properties":{)"
                    R"("untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},)"
                    R"("titledSingle":{"type":"string","description":"Select one option with titles","oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},)"
                    R"("legacyEnum":{"type":"string","description":"Select one option, legacy form","enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},)"
                    R"("untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,"items":{"type":"string","enum":["option1","option2","option3"]}},)"
                    R"("titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,"maxItems":3,"items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},)"
                    R"("required":[]}})");
      });
  add(
    cat, "json_schema_2020_12_tool", "Keeps $schema, $defs and additionalProperties (SEP-1613)",
    [](const json::value& args, ctx_ptr ctx) {
      ctx->reply(
        tool_result().text("JSON Schema 2020-12 tool called with: " + json::stringify(args)).str());
    },
    R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",)"
    R"("$defs":{"address":{"$anchor":"address","type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},)"
    R"("properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},)"
    // Composition and conditionals kept as written (SEP-2106); they accept every object.
    R"("allOf":[{"anyOf":[{"type":"object"},{"required":["name"]}]}],)"
    R"("if":{"required":["name"]},"then":{"type":"object"},"else":{"type":"object"},)"
    R"("additionalProperties":false})");
}

void register_resources(catalog& cat) {
  cat.add_resource({"test://static-text", "static-text", "Static Text Resource",
                    "A static text resource for testing", "text/plain"},
                   [](const std::string& uri, const uri_vars&, ctx_ptr ctx) {
                     ctx->reply(read_text_result(uri, "text/plain",
                                                 "This is the content of the static text "
                                                 "resource."));
                   });
  cat.add_resource({"test://static-binary", "static-binary", "Static Binary Resource",
                    "A static binary resource (image) for testing", "image/png"},
                   [](const std::string& uri, const uri_vars&, ctx_ptr ctx) {
                     ctx->reply(read_blob_result(uri, "image/png", png_1x1));
                   });
  cat.add_resource({"test://watched-resource", "watched-resource", "Watched Resource",
                    "A resource clients can subscribe to", "text/plain"},
                   [](const std::string& uri, const uri_vars&, ctx_ptr ctx) {
                     ctx->reply(read_text_result(uri, "text/plain", "Watched resource content"));
                   });
  cat.add_template({"test://template/{id}/data", "template", "Resource Template",
                    "A resource template with parameter substitution", "application/json"},
                   [](const std::string& uri, const uri_vars& vars, ctx_ptr ctx) {
                     auto id = vars.count("id") ? vars.at("id") : "";
                     ctx->reply(read_text_result(uri, "application/json",
                                                 "{\"id\":" + json::quote(id)
                                                   + ",\"templateTest\":true,\"data\":"
                                                   + json::quote("Data for ID: " + id) + "}"));
                   });
  cat.add_template_completion("test://template/{id}/data", [](const completion_query&) {
    return std::vector<std::string>{"1", "2", "3", "123"};
  });
}

void register_prompts(catalog& cat) {
  auto user_text = [](const std::string& text) {
    return prompt_message("user", text_content(text));
  };
  cat.add_prompt({"test_simple_prompt", "Simple Test Prompt", "A simple prompt without arguments",
                  {}},
                 [user_text](auto&, ctx_ptr ctx) {
                   ctx->reply("{\"messages\":[" + user_text("This is a simple prompt for testing.")
                              + "]}");
                 });
  cat.add_prompt({"test_prompt_with_arguments", "Prompt With Arguments",
                  "A prompt with required arguments",
                  {{"arg1", "First test argument", true}, {"arg2", "Second test argument", true}}},
                 [user_text](const json::value& args, ctx_ptr ctx) {
                   ctx->reply("{\"messages\":["
                              + user_text("Prompt with arguments: arg1='" + arg(args, "arg1")
                                          + "', arg2='" + arg(args, "arg2") + "'")
                              + "]}");
                 });
  cat.add_prompt_completion("test_prompt_with_arguments", [](const completion_query& q) {
    if (q.argument == "arg1")
      return std::vector<std::string>{"test", "testing", "paris", "park"};
    return std::vector<std::string>{"alpha", "beta"};
  });
  cat.add_prompt({"test_prompt_with_embedded_resource", "Prompt With Embedded Resource",
                  "A prompt that includes an embedded resource",
                  {{"resourceUri", "URI of the resource to embed", true}}},
                 [user_text](const json::value& args, ctx_ptr ctx) {
                   ctx->reply("{\"messages\":["
                              + prompt_message("user", embedded_text_resource(
                                                         arg(args, "resourceUri"), "text/plain",
                                                         "Embedded resource content for testing."))
                              + "," + user_text("Please process the embedded resource above.")
                              + "]}");
                 });
  cat.add_prompt({"test_prompt_with_image", "Prompt With Image",
                  "A prompt that includes image content", {}},
                 [user_text](auto&, ctx_ptr ctx) {
                   ctx->reply("{\"messages\":["
                              + prompt_message("user", image_content(png_1x1, "image/png")) + ","
                              + user_text("Please analyze the image above.") + "]}");
                 });
}

} // namespace

void register_fixtures(catalog& cat, change_fn changed) {
  register_tools(cat);
  register_resources(cat);
  register_prompts(cat);
  register_modern_fixtures(cat, std::move(changed));
}

} // namespace tmcp::conformance

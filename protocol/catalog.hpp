// The tools, resources, prompts and completions a server offers. Immutable once shared: a
// schema change builds a new catalog and the sessions switch to it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/expected.hpp"
#include "protocol/json.hpp"
#include "protocol/request_context.hpp"

namespace tmcp {

struct compiled_schema;

struct tool_annotations {
  std::optional<bool> read_only;
  std::optional<bool> destructive;
  std::optional<bool> idempotent;
  std::optional<bool> open_world;
};

// Whether a tool may run as a task (`execution.taskSupport`): `required` tools refuse a
// client that cannot follow a task.
enum class task_support { forbidden, optional, required };

struct tool_spec {
  std::string name;
  std::string title;
  std::string description;
  std::string input_schema = R"({"type":"object"})"; // JSON text
  std::string output_schema;                          // JSON text; empty = none
  tool_annotations annotations;
  task_support tasks = task_support::forbidden;
  std::string meta; // `_meta` JSON text (an MCP App's ui.resourceUri); empty = none
};

using tool_handler = std::function<void(const json::value& args, ctx_ptr ctx)>;

struct resource_spec {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  std::string meta; // `_meta` JSON text on the resources/list entry; empty = none
};

struct resource_template_spec {
  std::string uri_template; // RFC 6570 level 1: `{name}` stands for one path segment
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
};

using uri_vars = std::map<std::string, std::string>;
using resource_reader = std::function<void(const std::string& uri, const uri_vars& vars,
                                           ctx_ptr ctx)>;

struct prompt_argument {
  std::string name;
  std::string description;
  bool required = false;
};

struct prompt_spec {
  std::string name;
  std::string title;
  std::string description;
  std::vector<prompt_argument> arguments;
};

using prompt_handler = std::function<void(const json::value& args, ctx_ptr ctx)>;

struct completion_query {
  std::string argument;
  std::string value;
  std::map<std::string, std::string> context; // already-resolved arguments
};

// Returns candidate values for one argument; the catalog filters, caps and counts them.
using completion_handler = std::function<std::vector<std::string>(const completion_query&)>;

// Candidates found later (record names through a search upstream): `done` runs once, on any
// thread, with the handler's own matches (the catalog only caps and counts them).
using completion_reply = std::function<void(std::vector<std::string>)>;
using live_completion_handler = std::function<void(const completion_query&, completion_reply)>;

class catalog {
public:
  catalog();
  ~catalog();
  catalog(const catalog&) = delete;
  catalog& operator=(const catalog&) = delete;

  // Registration; a bad schema or a duplicate name is an error, not a crash.
  expected<bool, std::string> add_tool(tool_spec spec, tool_handler handler);
  void add_resource(resource_spec spec, resource_reader reader);
  void add_template(resource_template_spec spec, resource_reader reader);
  void add_prompt(prompt_spec spec, prompt_handler handler);
  void add_prompt_completion(const std::string& prompt, completion_handler h);
  void add_template_completion(const std::string& uri_template, completion_handler h);
  void add_live_prompt_completion(const std::string& prompt, live_completion_handler h);

  std::string instructions;
  std::size_t page_size = 100;
  // Server capability `extensions` (name -> settings JSON), e.g. io.modelcontextprotocol/ui.
  std::map<std::string, std::string> extensions;
  // `,"extensions":{...}` for a capabilities object: `also` (members as JSON text) and these;
  // empty when there are none.
  std::string extensions_json(const std::string& also = "") const;

  struct tool_entry {
    tool_spec spec;
    tool_handler handler;
    std::string json; // the tools/list entry, rendered once
    std::shared_ptr<const struct compiled_schema> validator;
  };
  struct resource_entry {
    resource_spec spec;
    resource_reader reader;
    std::string json;
  };
  struct template_entry {
    resource_template_spec spec;
    resource_reader reader;
    std::string json;
  };
  struct prompt_entry {
    prompt_spec spec;
    prompt_handler handler;
    std::string json;
  };

  const tool_entry* find_tool(const std::string& name) const;
  const prompt_entry* find_prompt(const std::string& name) const;
  // Resolves a URI to a static resource or the first matching template.
  const resource_reader* find_reader(const std::string& uri, uri_vars& vars) const;
  const completion_handler* find_completion(const std::string& ref_type,
                                            const std::string& ref) const;
  const live_completion_handler* find_live_completion(const std::string& ref_type,
                                                      const std::string& ref) const;
  bool has_template(const std::string& uri_template) const;

  // One page of a list result as JSON text, or an error for a bad cursor.
  expected<std::string, rpc_error> list_tools(const std::string* cursor) const;
  expected<std::string, rpc_error> list_resources(const std::string* cursor) const;
  expected<std::string, rpc_error> list_templates(const std::string* cursor) const;
  expected<std::string, rpc_error> list_prompts(const std::string* cursor) const;

  // Checks tool arguments against the tool's inputSchema; the message names the bad field.
  std::optional<std::string> validate_arguments(const tool_entry& t,
                                                const json::value& args) const;

  std::size_t tool_count() const { return tools_.size(); }

private:
  std::vector<tool_entry> tools_;
  std::vector<resource_entry> resources_;
  std::vector<template_entry> templates_;
  std::vector<prompt_entry> prompts_;
  std::map<std::string, completion_handler> completions_; // key: "<type>\n<ref>"
  std::map<std::string, live_completion_handler> live_completions_;
};

using catalog_ptr = std::shared_ptr<const catalog>;

// Matches `uri` against an RFC 6570 level-1 template, filling `vars`.
bool match_uri_template(const std::string& tmpl, const std::string& uri, uri_vars& vars);

} // namespace tmcp

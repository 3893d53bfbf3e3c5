#include "integration/tools/query_tools.hpp"

#include "integration/tools/schema_describe.hpp"

#include <cctype>

namespace tmcp::twenty::tools {

namespace {

constexpr const char* query_schema = R"JSON({"type":"object","properties":{
"query":{"type":"string","minLength":1},"variables":{"type":"object"}},
"required":["query"],"additionalProperties":false})JSON";

constexpr const char* schema_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string"},
"detail":{"type":"string","enum":["brief","full"],"description":"full: also system fields, nullability, labels, filter/sort support"}},
"additionalProperties":false})JSON";

} // namespace

std::string graphql_operation_kind(const std::string& doc) {
  int depth = 0;
  for (std::size_t i = 0; i < doc.size();) {
    char c = doc[i];
    if (c == '#') { // comment to end of line
      while (i < doc.size() && doc[i] != '\n')
        ++i;
    } else if (c == '"') { // string (block strings included), skipped whole
      bool block = doc.compare(i, 3, "\"\"\"") == 0;
      i += block ? 3 : 1;
      while (i < doc.size()) {
        if (block && doc.compare(i, 3, "\"\"\"") == 0) {
          i += 3;
          break;
        }
        if (!block && doc[i] == '\\') {
          i += 2;
          continue;
        }
        if (!block && doc[i] == '"') {
          ++i;
          break;
        }
        ++i;
      }
    } else if (c == '{' || c == '(') {
      ++depth;
      ++i;
    } else if (c == '}' || c == ')') {
      --depth;
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      auto start = i;
      while (i < doc.size() && (std::isalnum(static_cast<unsigned char>(doc[i])) || doc[i] == '_'))
        ++i;
      if (depth == 0) {
        auto word = doc.substr(start, i - start);
        if (word == "mutation" || word == "subscription")
          return word;
      }
    } else {
      ++i;
    }
  }
  return "";
}

void add_query_tools(catalog& cat, std::shared_ptr<const tool_env> env) {
  cat.add_tool({"twenty_get_schema", "Describe the workspace schema",
                "The objects, or one object's fields.",
                schema_schema, "", read_only_hints()},
               [env](const json::value& args, ctx_ptr ctx) {
                 auto name = json::get_string(args, "object");
                 if (!name) {
                   auto schema = env->api->schema();
                   if (!schema)
                     return ctx->reply(error_result(schema_unavailable(*env->api)));
                   bool unsorted = env->learned && env->learned->order_by_broken;
                   auto readable = [env](const object& o) {
                     return allowed(env->config, o, operation::read);
                   };
                   return ctx->reply(
                     structured_result(describe_objects(*schema, unsorted, readable)));
                 }
                 auto r = resolve_object(*env, *name, operation::read);
                 if (!r.obj)
                   return ctx->reply(r.error_result);
                 auto detail = json::get_string(args, "detail").value_or("brief") == "full"
                                 ? schema_detail::full
                                 : schema_detail::brief;
                 ctx->reply(structured_result(describe_object(*r.obj, detail)));
               });
}

void add_graphql_tool(catalog& cat, std::shared_ptr<const tool_env> env) {
  // A GraphQL document may reach any object: it is offered only when every object may be read,
  // and mutations only when every object may get every write.
  const auto& access = env->config.access;
  if (!access.allows_everywhere(operation::read))
    return;
  bool mutations = env->config.allow_graphql_mutations && !env->config.read_only
                   && access.allows_everywhere(operation::create)
                   && access.allows_everywhere(operation::update)
                   && access.allows_everywhere(operation::remove);
  tool_spec q{"twenty_query_builder", "Run a GraphQL query",
              std::string(mutations ? "GraphQL for Twenty (mutations allowed)"
                                    : "Read-only GraphQL for Twenty")
                + ", e.g. { companies(first: 10) { edges { node { id name } } } }",
              query_schema, "", mutations ? write_hints(true, false) : read_only_hints()};
  cat.add_tool(q, [env, mutations](const json::value& args, ctx_ptr ctx) {
    auto query = json::get_string(args, "query").value_or("");
    auto kind = graphql_operation_kind(query);
    if (kind == "subscription")
      return ctx->reply(input_error("subscriptions are not supported; send a query"));
    if (kind == "mutation" && !mutations)
      return ctx->reply(error_result(error{errc::insufficient_permissions, 0,
                                           "this server runs twenty_query_builder read-only; use "
                                           "the record tools to change data",
                                           ""}));
    std::string body = "{\"query\":" + json::quote(query);
    if (auto vars = json::find(args, "variables"))
      body += ",\"variables\":" + json::stringify(*vars);
    body += "}";
    request req;
    req.method = verb::post;
    req.target = "/graphql";
    req.body = std::move(body);
    req.kind = api::graphql;
    tie_to_caller(req, ctx);
    auto max = env->config.max_output_bytes;
    auto done = [ctx, max](outcome o) {
      if (!o)
        return ctx->reply(error_result(o.error()));
      if (o->body.size() > max)
        return ctx->reply(input_error("the answer is " + std::to_string(o->body.size())
                                      + " bytes, over the " + std::to_string(max)
                                      + "-byte limit; ask for fewer fields or records (first: N)"));
      ctx->reply(structured_result(o->body));
    };
    if (kind == "mutation") {
      req.idempotent = false;
      env->api->write(std::move(req), {"*"}, {}, done);
    } else {
      req.idempotent = true;
      env->api->read(std::move(req), {"graphql"}, done);
    }
  });
}

} // namespace tmcp::twenty::tools

// The per-object tool set ("objects" toolset): twenty_list_<plural>, twenty_get_<singular> and,
// unless read-only, twenty_create/update/delete_<singular> for every active, non-system object.
// Each tool's schema is specific to its object (create/update show the real fields); the
// handlers delegate to the core record logic with the object name fixed.
#include <cstdint>
#include <cstdio>

#include "integration/tools/linked_creates.hpp"
#include "integration/tools/record_reads.hpp"
#include "integration/tools/record_writes.hpp"
#include "integration/tools/registry.hpp"
#include "integration/tools/schema_hints.hpp"
#include "integration/tools/write_gate.hpp"

namespace tmcp::twenty::tools {

namespace {

constexpr std::size_t max_name = 64;

constexpr const char* list_output = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"columns":{"type":"array","items":{"type":"string"}},
"rows":{"type":"array","items":{"type":"array"}},
"totalCount":{"type":"integer"},"nextCursor":{"type":"string"},"truncated":{"type":"boolean"}},
"required":["object","columns","rows"]})JSON";

constexpr const char* record_output = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"record":{"type":"object"}},"required":["object","record"]})JSON";

constexpr const char* id_property =
  R"JSON("id":{"type":"string","description":"Record id (UUID)"})JSON";

constexpr const char* fields_property =
  R"JSON("fields":{"type":"array","items":{"type":"string"},"description":"Only return these fields (id always included)"})JSON";

std::string hash8(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s)
    h = (h ^ c) * 16777619u;
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", h);
  return buf;
}

// `base` cut to at most `n` characters, without a trailing '_'.
std::string cut(std::string base, std::size_t n) {
  if (base.size() > n)
    base.resize(n);
  while (!base.empty() && base.back() == '_')
    base.pop_back();
  return base;
}

// A tool name of at most 64 characters that no tool of `cat` uses yet. Long names keep their
// start plus a hash of the whole name, so two long names that share a prefix stay distinct.
std::string unique_name(const catalog& cat, const std::string& base) {
  std::string name =
    base.size() <= max_name ? base : cut(base, max_name - 9) + "_" + hash8(base);
  if (!cat.find_tool(name))
    return name;
  auto with_object = cut(base, max_name - 7) + "_object";
  if (!cat.find_tool(with_object))
    return with_object;
  for (int n = 1;; ++n) {
    auto candidate = cut(base, max_name - 9) + "_" + hash8(base + "#" + std::to_string(n));
    if (!cat.find_tool(candidate))
      return candidate;
  }
}

// "People" -> "people", "API Keys" -> "API keys": lowercases words that are not acronyms.
std::string lower_words(const std::string& label) {
  std::string out = label;
  for (std::size_t i = 0; i < out.size(); ++i) {
    bool word_start = i == 0 || out[i - 1] == ' ';
    bool acronym = i + 1 < out.size() && out[i + 1] >= 'A' && out[i + 1] <= 'Z';
    if (word_start && !acronym && out[i] >= 'A' && out[i] <= 'Z')
      out[i] = static_cast<char>(out[i] - 'A' + 'a');
  }
  return out;
}

std::string with_article(const std::string& noun) {
  if (noun.empty())
    return noun;
  char c = noun[0];
  bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'A' || c == 'E' || c == 'I'
               || c == 'O';
  return (vowel ? "an " : "a ") + noun;
}

std::string join(const std::vector<std::string>& v, std::size_t max, const char* sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < max; ++i)
    out += (i ? sep : "") + v[i];
  return out;
}

// One example filter clause for a filterable path of `obj`.
std::string example_clause(const object& obj, const std::string& path) {
  auto dot = path.find('.');
  auto f = obj.find_field(path.substr(0, dot));
  if (!f)
    return path + "[eq]:<value>";
  if (f->type == field_type::relation || f->type == field_type::uuid)
    return path + "[eq]:<uuid>";
  if (f->type == field_type::select && !f->options.empty())
    return path + "[eq]:" + f->options.front().value;
  if (f->type == field_type::multi_select && !f->options.empty())
    return path + "[containsAny]:[" + f->options.front().value + "]";
  switch (f->type) {
    case field_type::date:
    case field_type::date_time: return path + "[gte]:2026-01-01";
    case field_type::number:
    case field_type::numeric:
    case field_type::currency: return path + "[gt]:1000000";
    case field_type::boolean: return path + "[eq]:true";
    default: return path + "[ilike]:\"%abc%\"";
  }
}

std::string list_schema(const object& obj) {
  auto paths = filterable_fields(obj);
  std::string examples;
  for (std::size_t i = 0; i < paths.size() && i < 3; ++i)
    examples += (i ? " | " : "") + example_clause(obj, paths[i]);
  std::string filter_doc =
    "Twenty filter: field[op]:value joined by commas (AND), or and(...), or(...), not(...). Ops: "
    "eq neq in containsAny is gt gte lt lte startsWith endsWith like ilike. Examples: "
    + examples + (examples.empty() ? "" : " | ") + "deletedAt[is]:NOT_NULL (deleted records)";
  return R"JSON({"type":"object","properties":{"filter":{"type":"string","description":)JSON"
         + json::quote(filter_doc)
         + R"JSON(},"order_by":{"type":"string","description":"Sort, e.g. createdAt[DescNullsLast]; directions AscNullsFirst AscNullsLast DescNullsFirst DescNullsLast"},)JSON"
           R"JSON("limit":{"type":"integer","minimum":1,"maximum":200,"description":"Records per page (default 20)"},)JSON"
           R"JSON("cursor":{"type":"string","description":"nextCursor from the previous page"},)JSON"
         + fields_property
         + R"JSON(,"depth":{"type":"integer","enum":[0,1],"description":"1 also returns related records"}},"additionalProperties":false})JSON";
}

std::string get_schema() {
  return std::string(R"JSON({"type":"object","properties":{)JSON") + id_property + "," + fields_property
         + R"JSON(,"depth":{"type":"integer","enum":[0,1],"description":"1 also returns related records"}},"required":["id"],"additionalProperties":false})JSON";
}

std::string create_schema(const workspace_schema& schema, const object& obj) {
  bool linkable = find_junction(schema, obj).has_value();
  return R"JSON({"type":"object","properties":{"data":)JSON" + record_input_schema(obj, input_mode::create)
         + (linkable ? std::string(",") + targets_property : std::string())
         + R"JSON(},"required":["data"],"additionalProperties":false})JSON";
}

std::string update_schema(const object& obj) {
  return std::string(R"JSON({"type":"object","properties":{)JSON") + id_property + R"JSON(,"data":)JSON"
         + record_input_schema(obj, input_mode::update)
         + R"JSON(},"required":["id","data"],"additionalProperties":false})JSON";
}

std::string delete_schema(bool restorable) {
  std::string soft_doc = restorable ? "true (default): move to the trash, restorable with "
                                      "twenty_restore_record; false: delete permanently"
                                    : "true (default): move to the trash; false: delete "
                                      "permanently";
  return std::string(R"JSON({"type":"object","properties":{)JSON") + id_property
         + R"JSON(,"soft":{"type":"boolean","description":)JSON" + json::quote(soft_doc)
         + R"JSON(}},"required":["id"],"additionalProperties":false})JSON";
}

// Fields a create must include, and the join columns that set relations.
std::vector<std::string> required_fields(const object& obj) {
  std::vector<std::string> out;
  for (const auto& f : obj.fields)
    if (is_writable(f) && !f.nullable && !f.has_default())
      out.push_back(f.type == field_type::relation ? f.join_column : f.name);
  return out;
}

std::vector<std::string> relation_ids(const object& obj) {
  std::vector<std::string> out;
  for (const auto& f : obj.fields)
    if (f.is_active && f.is_many_to_one() && !f.join_column.empty())
      out.push_back(f.join_column);
  return out;
}

std::string about(const object& obj) {
  if (obj.description.empty())
    return "";
  auto d = obj.description.size() > 160 ? obj.description.substr(0, 157) + "..." : obj.description;
  return " " + d + (d.back() == '.' ? "" : ".");
}

void add_for_object(catalog& cat, const std::shared_ptr<const tool_env>& env, const object& obj) {
  auto plural = obj.name_plural;
  auto one = lower_words(obj.label_singular.empty() ? obj.name_singular : obj.label_singular);
  auto many = lower_words(obj.label_plural.empty() ? obj.name_plural : obj.label_plural);
  auto quoted = "'" + plural + "'";
  auto paths = filterable_fields(obj);

  std::string list_doc = "List " + many + " (Twenty object " + quoted + ") with filtering, "
                         "sorting and cursor pagination." + about(obj);
  if (!paths.empty())
    list_doc += " Filter on fields such as " + join(paths, 3) + ".";
  bool core = env->config.toolsets.count("core") > 0;
  list_doc += " Returns columns (the fields asked for, all by default) and a row per record, and nextCursor when "
              "more pages exist; "
              + (core ? "twenty_get_schema with object " + quoted
                      : "the resource twenty://fields/" + plural)
              + " lists every field.";
  // Only the verbs MCP_PERMISSIONS grants on this object get a tool.
  auto may = [&](operation op) { return allowed(env->config, obj, op); };
  if (may(operation::read))
    cat.add_tool({unique_name(cat, "twenty_list_" + snake_case(plural)), "List " + many, list_doc,
                list_schema(obj), list_output, read_only_hints()},
               [env, plural](const json::value& args, ctx_ptr ctx) {
                 list_records(*env, plural, args, std::move(ctx));
               });

  auto related = relation_ids(obj);
  std::string get_doc = "Fetch one " + one + " record (object " + quoted + ") by id; cached, "
                        "and concurrent lookups are batched.";
  if (!related.empty())
    get_doc += " depth 1 also returns the related records behind " + join(related, 3) + ".";
  if (may(operation::read))
    cat.add_tool({unique_name(cat, "twenty_get_" + snake_case(obj.name_singular)),
                "Get " + with_article(one), get_doc, get_schema(), record_output,
                read_only_hints()},
               [env, plural](const json::value& args, ctx_ptr ctx) {
                 get_record(*env, plural, args, std::move(ctx));
               });

  auto singular = snake_case(obj.name_singular);
  auto required = required_fields(obj);
  std::string create_doc = "Create one " + one + " (object " + quoted + "). 'data' holds its "
                           "field values and is checked against the workspace schema first.";
  if (!required.empty())
    create_doc += " Required: " + join(required, 8) + ".";
  if (!related.empty())
    create_doc += " Relations are set by id: " + join(related, 4) + ".";
  if (may(operation::create))
    cat.add_tool({unique_name(cat, "twenty_create_" + singular), "Create " + with_article(one),
                create_doc, with_dry_run(create_schema(*env->api->schema(), obj)), record_output,
                write_hints(false, false)},
               [env, plural](const json::value& args, ctx_ptr ctx) {
                 create_record(*env, plural, args, std::move(ctx));
               });
  if (may(operation::update))
    cat.add_tool({unique_name(cat, "twenty_update_" + singular), "Update " + with_article(one),
                "Change some fields of one " + one + " (object " + quoted + "); fields not "
                "given are left as they are.",
                with_dry_run(update_schema(obj)), record_output, write_hints(false, true)},
               [env, plural](const json::value& args, ctx_ptr ctx) {
                 update_record(*env, plural, args, std::move(ctx));
               });
  bool restorable = core;
  if (may(operation::remove))
    cat.add_tool({unique_name(cat, "twenty_delete_" + singular), "Delete " + with_article(one),
                "Delete one " + one + " (object " + quoted + "). By default it goes to the "
                "trash" + (restorable ? " and can be restored with twenty_restore_record" : "")
                  + "; soft=false deletes it permanently.",
                with_dry_run(delete_schema(restorable)), record_output, write_hints(true, true)},
               [env, plural](const json::value& args, ctx_ptr ctx) {
                 delete_record(*env, plural, args, std::move(ctx));
               });
}

} // namespace

void add_object_tools(catalog& cat, std::shared_ptr<const tool_env> env) {
  auto schema = env->api->schema();
  if (!schema)
    return;
  for (const auto& obj : schema->objects)
    if (obj.is_active && !obj.is_system)
      add_for_object(cat, env, obj);
}

} // namespace tmcp::twenty::tools

#include "integration/tools/record_reads.hpp"

#include <atomic>
#include <mutex>

#include "integration/url.hpp"
#include "protocol/content.hpp"

namespace tmcp::twenty::tools {

namespace {

constexpr const char* list_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string","description":"Object name, plural or singular: people, companies, opportunities, tasks, notes, or any custom object (see twenty_get_schema)"},
"filter":{"type":"string","description":"Twenty filter: field[op]:value joined by commas (AND), or and(...), or(...), not(...). Ops: eq neq in containsAny is gt gte lt lte startsWith endsWith like ilike. Examples: name[ilike]:\"%acme%\" | stage[in]:[NEW,MEETING] | amount.amountMicros[gt]:1000000000 | companyId[eq]:<uuid> | deletedAt[is]:NOT_NULL (deleted records)"},
"order_by":{"type":"string","description":"Sort, e.g. createdAt[DescNullsLast],name; directions AscNullsFirst AscNullsLast DescNullsFirst DescNullsLast"},
"limit":{"type":"integer","minimum":1,"maximum":200,"description":"Records per page (default 20)"},
"cursor":{"type":"string","description":"nextCursor from the previous page"},
"fields":{"type":"array","items":{"type":"string"},"description":"Only return these fields (id always included)"},
"depth":{"type":"integer","enum":[0,1],"description":"1 also returns related records (company of a person, ...)"}},
"required":["object"],"additionalProperties":false})JSON";

constexpr const char* list_output = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"records":{"type":"array","items":{"type":"object"}},
"totalCount":{"type":"integer"},"nextCursor":{"type":"string"},"truncated":{"type":"boolean"}},
"required":["object","records"]})JSON";

constexpr const char* get_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string","description":"Object name, plural or singular"},
"id":{"type":"string","description":"Record id (UUID)"},
"fields":{"type":"array","items":{"type":"string"},"description":"Only return these fields (id always included)"},
"depth":{"type":"integer","enum":[0,1],"description":"1 also returns related records"}},
"required":["object","id"],"additionalProperties":false})JSON";

constexpr const char* get_output = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"record":{"type":"object"}},"required":["object","record"]})JSON";

constexpr const char* search_schema = R"JSON({"type":"object","properties":{
"query":{"type":"string","minLength":1,"description":"Text to look for (case-insensitive, matches inside names, emails, domains, titles)"},
"objects":{"type":"array","items":{"type":"string"},"description":"Objects to search (default: people, companies, opportunities and searchable custom objects)"},
"limit":{"type":"integer","minimum":1,"maximum":50,"description":"Matches per object (default 5)"}},
"required":["query"],"additionalProperties":false})JSON";

constexpr const char* search_output = R"JSON({"type":"object","properties":{
"query":{"type":"string"},"results":{"type":"array","items":{"type":"object","properties":{
"object":{"type":"string"},"records":{"type":"array","items":{"type":"object"}},"error":{"type":"string"}}}}},
"required":["query","results"]})JSON";

std::string str_arg(const json::value& args, const char* key) {
  return json::get_string(args, key).value_or("");
}

// Text-like fields a search can match with ilike, by the schema.
std::vector<std::string> search_paths(const object& obj) {
  std::vector<std::string> out;
  for (const auto& f : obj.fields) {
    if (!f.is_active || f.is_system)
      continue;
    switch (f.type) {
      case field_type::text:
        if (f.name == "name" || f.name == "title" || f.name == obj.label_identifier_field
            || f.name == "jobTitle")
          out.push_back(f.name);
        break;
      case field_type::full_name:
        out.push_back(f.name + ".firstName");
        out.push_back(f.name + ".lastName");
        break;
      case field_type::emails: out.push_back(f.name + ".primaryEmail"); break;
      case field_type::links:
        if (f.name == "domainName")
          out.push_back(f.name + ".primaryLinkUrl");
        break;
      default: break;
    }
  }
  return out;
}

// Double quotes end a quoted value in Twenty's grammar; they cannot be escaped, so drop them.
std::string filter_literal(const std::string& q) {
  std::string out;
  for (char c : q)
    if (c != '"')
      out += c;
  return "\"%" + out + "%\"";
}

} // namespace

void list_records(const tool_env& env, const std::string& object_name, const json::value& args,
                  ctx_ptr ctx) {
  auto name = object_name.empty() ? str_arg(args, "object") : object_name;
  auto r = resolve_object(*env.api, name);
  if (!r.obj)
    return ctx->reply(r.error_result);
  const auto& obj = *r.obj;
  auto filter = str_arg(args, "filter");
  auto order_by = str_arg(args, "order_by");
  auto fields = string_list(args, "fields");
  if (!filter.empty())
    if (auto problem = check_filter(obj, filter))
      return ctx->reply(input_error(*problem));
  if (!order_by.empty())
    if (auto problem = check_order_by(obj, order_by))
      return ctx->reply(input_error(*problem));
  if (!fields.empty())
    if (auto problem = check_field_names(obj, fields))
      return ctx->reply(input_error(*problem));
  auto limit = json::get_int(args, "limit").value_or(env.config.default_limit);
  auto depth = json::get_int(args, "depth").value_or(0);
  request req;
  req.target = with_query("/rest/" + obj.name_plural,
                          {{"limit", std::to_string(limit)},
                           {"filter", filter},
                           {"order_by", order_by},
                           {"starting_after", str_arg(args, "cursor")},
                           {"depth", std::to_string(depth)}});
  tie_to_caller(req, ctx);
  auto plural = obj.name_plural;
  auto max_bytes = env.config.max_output_bytes;
  env.api->read(std::move(req), {object_tag(plural)},
                [ctx, plural, fields, max_bytes](outcome o) {
                  if (!o)
                    return ctx->reply(error_result(o.error()));
                  auto body = parse_body(o);
                  auto data = body ? json::find(*body, "data") : nullptr;
                  if (!data || !data->IsObject() || data->MemberCount() != 1
                      || !data->MemberBegin()->value.IsArray())
                    return ctx->reply(error_result(error{errc::twenty_api_error, o->status,
                                                         "Twenty answered a list call with an "
                                                         "unexpected shape",
                                                         o->body.substr(0, 200)}));
                  json::document out;
                  out.SetObject();
                  auto& a = out.GetAllocator();
                  out.AddMember("object", json::str(plural, a), a);
                  json::value records(rapidjson::kArrayType);
                  for (auto& rec : data->MemberBegin()->value.GetArray()) {
                    json::value copy(rec, a);
                    compact_record(copy, a, &fields);
                    records.PushBack(copy, a);
                  }
                  out.AddMember("records", records, a);
                  if (auto total = json::get_int(*body, "totalCount"))
                    out.AddMember("totalCount", *total, a);
                  if (auto info = json::find(*body, "pageInfo"))
                    if (json::get_bool(*info, "hasNextPage").value_or(false))
                      if (auto cursor = json::get_string(*info, "endCursor"))
                        out.AddMember("nextCursor", json::str(*cursor, a), a);
                  ctx->reply(structured_result(bounded_json(out, max_bytes)));
                });
}

void get_record(const tool_env& env, const std::string& object_name, const json::value& args,
                ctx_ptr ctx) {
  auto name = object_name.empty() ? str_arg(args, "object") : object_name;
  auto r = resolve_object(*env.api, name);
  if (!r.obj)
    return ctx->reply(r.error_result);
  auto id = str_arg(args, "id");
  if (!is_uuid(id))
    return ctx->reply(input_error("'id' must be a record UUID like "
                                  "8f9a1c2e-0b1d-4c3e-9f00-123456789abc; got '"
                                  + id + "'"));
  auto fields = string_list(args, "fields");
  if (!fields.empty())
    if (auto problem = check_field_names(*r.obj, fields))
      return ctx->reply(input_error(*problem));
  auto depth = static_cast<int>(json::get_int(args, "depth").value_or(0));
  auto plural = r.obj->name_plural;
  env.api->get_record(plural, id, depth, ctx->session_id(), [ctx, plural, fields](outcome o) {
    if (!o)
      return ctx->reply(error_result(o.error()));
    auto rec = parse_body(o);
    if (!rec || !rec->IsObject())
      return ctx->reply(error_result(
        error{errc::twenty_api_error, o->status, "Twenty answered with a malformed record", ""}));
    json::document out;
    out.SetObject();
    auto& a = out.GetAllocator();
    out.AddMember("object", json::str(plural, a), a);
    json::value copy(*rec, a);
    compact_record(copy, a, &fields);
    out.AddMember("record", copy, a);
    ctx->reply(structured_result(json::stringify(out)));
  });
}

namespace {

// One REST list call per object, all at once through the gateway; results gathered in order.
void search(const tool_env& env, const json::value& args, ctx_ptr ctx) {
  auto query = str_arg(args, "query");
  auto limit = json::get_int(args, "limit").value_or(5);
  auto schema = env.api->schema();
  if (!schema)
    return ctx->reply(error_result(schema_unavailable(*env.api)));
  std::vector<const object*> targets;
  auto names = string_list(args, "objects");
  if (names.empty()) {
    for (const auto& o : schema->objects)
      if (o.is_active && !o.is_system
          && (o.name_plural == "people" || o.name_plural == "companies"
              || o.name_plural == "opportunities" || (o.is_custom_guess && o.is_searchable)))
        targets.push_back(&o);
  } else {
    for (const auto& n : names) {
      auto o = schema->find_object(n);
      if (!o)
        return ctx->reply(error_result(error{errc::object_not_found, 0,
                                             suggest_object(*schema, n), ""}));
      targets.push_back(o);
    }
  }
  struct gather {
    std::mutex mtx;
    std::vector<std::string> parts;
    std::atomic<std::size_t> left{0};
  };
  auto g = std::make_shared<gather>();
  g->parts.resize(targets.size());
  g->left = targets.size();
  auto finish = [ctx, g, query, max = env.config.max_output_bytes]() {
    std::string results;
    for (auto& p : g->parts)
      if (!p.empty())
        results += (results.empty() ? "" : ",") + p;
    auto text = "{\"query\":" + json::quote(query) + ",\"results\":[" + results + "]}";
    auto doc = json::parse(text);
    ctx->reply(structured_result(doc ? bounded_json(*doc, max) : text));
  };
  if (targets.empty())
    return finish();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& obj = *targets[i];
    auto paths = search_paths(obj);
    std::string filter;
    for (const auto& p : paths)
      filter += (filter.empty() ? "" : ",") + p + "[ilike]:" + filter_literal(query);
    auto plural = obj.name_plural;
    if (paths.empty()) {
      g->parts[i] = "{\"object\":" + json::quote(plural)
                    + ",\"records\":[],\"error\":\"no text fields to search\"}";
      if (--g->left == 0)
        finish();
      continue;
    }
    request req;
    req.target = with_query("/rest/" + plural, {{"filter", paths.size() > 1 ? "or(" + filter + ")" : filter},
                                                {"limit", std::to_string(limit)}});
    tie_to_caller(req, ctx);
    env.api->read(std::move(req), {object_tag(plural)}, [g, i, plural, finish](outcome o) {
      std::string part;
      auto body = parse_body(o);
      auto data = body ? json::find(*body, "data") : nullptr;
      if (data && data->IsObject() && data->MemberCount() == 1
          && data->MemberBegin()->value.IsArray()) {
        auto& a = body->GetAllocator();
        auto& arr = (*body)["data"].MemberBegin()->value;
        for (auto& rec : arr.GetArray())
          compact_record(rec, a);
        part = "{\"object\":" + json::quote(plural) + ",\"records\":" + json::stringify(arr) + "}";
      } else {
        auto why = o ? std::string("unexpected answer") : std::string(to_string(o.error().code)) + ": " + o.error().message;
        part = "{\"object\":" + json::quote(plural) + ",\"records\":[],\"error\":" + json::quote(why) + "}";
      }
      {
        std::lock_guard<std::mutex> guard(g->mtx);
        g->parts[i] = std::move(part);
      }
      if (--g->left == 0)
        finish();
    });
  }
}

} // namespace

void add_read_tools(catalog& cat, std::shared_ptr<const tool_env> env) {
  tool_spec list{"twenty_list_records", "List records",
                 "List records of any Twenty object with filtering, sorting and cursor "
                 "pagination. Use twenty_get_schema to see an object's fields. Returns compact "
                 "records and nextCursor when more pages exist.",
                 list_schema, list_output, read_only_hints()};
  cat.add_tool(list, [env](const json::value& args, ctx_ptr ctx) {
    list_records(*env, "", args, std::move(ctx));
  });
  tool_spec get{"twenty_get_record", "Get a record",
                "Fetch one record by id (fast: cached, and concurrent lookups are batched).",
                get_schema, get_output, read_only_hints()};
  cat.add_tool(get, [env](const json::value& args, ctx_ptr ctx) {
    get_record(*env, "", args, std::move(ctx));
  });
  tool_spec find{"twenty_search_records", "Search records",
                 "Find records whose names, emails, domains or titles contain the text, across "
                 "people, companies, opportunities and custom objects at once.",
                 search_schema, search_output, read_only_hints()};
  cat.add_tool(find, [env](const json::value& args, ctx_ptr ctx) {
    search(*env, args, std::move(ctx));
  });
}

} // namespace tmcp::twenty::tools

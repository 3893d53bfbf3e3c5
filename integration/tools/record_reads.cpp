#include "integration/tools/record_reads.hpp"

#include <atomic>
#include <mutex>

#include "integration/graphql_query.hpp"
#include "integration/record_table.hpp"
#include "integration/tools/record_writes.hpp"
#include "integration/url.hpp"
#include "protocol/content.hpp"

namespace tmcp::twenty::tools {

namespace {

constexpr const char* list_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string"},
"filter":{"type":"string","description":"field[op]:value, comma = AND, and(..) or(..) not(..); ops eq neq in containsAny is gt gte lt lte startsWith endsWith like ilike; e.g. stage[in]:[NEW,MEETING],company.name[ilike]:\"%a%\""},
"order_by":{"type":"string","description":"e.g. createdAt[DescNullsLast],name"},
"limit":{"type":"integer","minimum":1,"maximum":200,"default":20},
"cursor":{"type":"string","description":"nextCursor"},
"fields":{"type":"array","items":{"type":"string"},"description":"e.g. id, name, company.name; targets on tasks, notes"},
"depth":{"type":"integer","enum":[0,1],"description":"1: all related records"}},
"required":["object"],"additionalProperties":false})JSON";

constexpr const char* get_schema = R"JSON({"type":"object","properties":{
"object":{"type":"string"},"id":{"type":"string"},
"fields":{"type":"array","items":{"type":"string"}},"depth":{"type":"integer","enum":[0,1]}},
"required":["object","id"],"additionalProperties":false})JSON";

constexpr const char* search_schema = R"JSON({"type":"object","properties":{
"query":{"type":"string","minLength":1},"objects":{"type":"array","items":{"type":"string"}},
"limit":{"type":"integer","minimum":1,"maximum":50,"default":5,"description":"per object"},
"fields":{"type":"array","items":{"type":"string"}}},
"required":["query"],"additionalProperties":false})JSON";

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

namespace {

// Twenty's answer to a list, whichever API served it: the records and the paging.
struct page {
  json::value* records = nullptr; // an array inside `body`
  std::optional<int64_t> total;
  std::string next_cursor;
};

// REST: {"data":{"<plural>":[…]},"totalCount":N,"pageInfo":{…}};
// GraphQL: {"data":{"<plural>":{"edges":[{"node":{…}}],"totalCount":N,"pageInfo":{…}}}}.
std::optional<page> read_page(json::document& body) {
  auto data = body.IsObject() ? body.FindMember("data") : body.MemberEnd();
  if (!body.IsObject() || data == body.MemberEnd() || !data->value.IsObject()
      || data->value.MemberCount() != 1)
    return std::nullopt;
  auto& inner = data->value.MemberBegin()->value;
  json::value* info = nullptr;
  page p;
  if (inner.IsArray()) {
    p.records = &inner;
    p.total = json::get_int(body, "totalCount");
    if (body.HasMember("pageInfo"))
      info = &body["pageInfo"];
  } else if (inner.IsObject() && inner.HasMember("edges") && inner["edges"].IsArray()) {
    auto& a = body.GetAllocator();
    json::value nodes(rapidjson::kArrayType);
    for (auto& e : inner["edges"].GetArray())
      if (e.IsObject() && e.HasMember("node"))
        nodes.PushBack(e["node"].Move(), a);
    inner["edges"].Swap(nodes);
    p.records = &inner["edges"];
    p.total = json::get_int(inner, "totalCount");
    if (inner.HasMember("pageInfo"))
      info = &inner["pageInfo"];
  } else {
    return std::nullopt;
  }
  if (info && json::get_bool(*info, "hasNextPage").value_or(false))
    p.next_cursor = json::get_string(*info, "endCursor").value_or("");
  return p;
}

// The one place a record becomes the agent's view, whichever API served it.
json::value agent_view(const workspace_schema& schema, const object& obj,
                       const json::value& rec, const std::vector<std::string>& fields,
                       json::allocator& a) {
  json::value copy(rec, a);
  junction_to_targets(schema, obj, copy, a);
  compact_record(schema, obj, copy, a, &fields);
  return copy;
}

error unexpected_shape(const response& r, const char* what) {
  return error{errc::twenty_api_error, r.status,
               std::string("Twenty answered ") + what + " with an unexpected shape",
               r.body.substr(0, 200)};
}

// Which of a list's arguments reach through a relation (company.name).
struct relation_reach {
  bool filter = false;
  bool order_by = false;
  bool any() const { return filter || order_by; }
};

// A filter or sort through a relation that Twenty refused: say what the release cannot do, and
// what works instead for the argument that reached through it.
error explain_relation_refusal(error e, relation_reach reach) {
  if (!reach.any() || (e.code != errc::invalid_input && e.code != errc::schema_validation_error))
    return e;
  std::string what = reach.filter && reach.order_by ? "a filter or order_by"
                     : reach.filter                 ? "a filter"
                                                    : "an order_by";
  std::string instead;
  if (reach.filter)
    instead = "filter on the relation id instead (companyId[eq]:<uuid>)";
  if (reach.order_by)
    instead += std::string(instead.empty() ? "" : " and ") + "order by the record's own fields";
  e.message = "this Twenty release refused " + what + " on a related record's field (" + e.message
              + "); " + instead;
  return e;
}

std::vector<std::string> object_tags(const workspace_schema& schema, const object& obj,
                                     const field_tree* only) {
  std::vector<std::string> tags;
  for (auto& plural : selected_objects(schema, obj, only))
    tags.push_back(object_tag(plural));
  return tags;
}

// One list call, kept whole for a second try without order_by.
struct list_call {
  api_ptr api;
  std::shared_ptr<learned_release> learned;
  std::shared_ptr<const workspace_schema> schema;
  const object* obj = nullptr;
  std::vector<std::string> fields;
  std::size_t max_bytes = 0;
  relation_reach through_relation;
  ctx_ptr ctx;
  std::vector<std::pair<std::string, std::string>> rest_params;
  std::vector<std::string> tags;
};

constexpr const char* unsorted_note =
  "This Twenty release cannot sort REST (depth 1) lists: order_by fails there with a "
  "TypeError, as on 0.50, so it was left out and these records are NOT sorted (without "
  "depth 1 they are).";

void reply_list(const list_call& call, outcome& o, const char* note) {
  if (!o)
    return call.ctx->reply(error_result(explain_relation_refusal(o.error(), call.through_relation)));
  auto body = parse_body(o);
  auto p = body ? read_page(*body) : std::nullopt;
  if (!p)
    return call.ctx->reply(error_result(unexpected_shape(*o, "a list call")));
  json::document out;
  out.SetObject();
  auto& a = out.GetAllocator();
  out.AddMember("object", json::str(call.obj->name_plural, a), a);
  json::value records(rapidjson::kArrayType);
  for (auto& rec : p->records->GetArray())
    records.PushBack(agent_view(*call.schema, *call.obj, rec, call.fields, a), a);
  add_record_table(out, records, a, call.fields);
  // totalCount and hasPreviousPage are absent on some releases; neither is needed.
  if (p->total)
    out.AddMember("totalCount", *p->total, a);
  if (!p->next_cursor.empty())
    out.AddMember("nextCursor", json::str(p->next_cursor, a), a);
  if (note)
    out.AddMember("note", json::str(note, a), a);
  call.ctx->reply(structured_result(bounded_json(out, call.max_bytes)));
}

void send_rest_list(const std::shared_ptr<list_call>& call, bool sorted) {
  auto params = call->rest_params;
  bool asked_sort = false;
  for (auto& p : params)
    if (p.first == "order_by") {
      asked_sort = !p.second.empty();
      if (!sorted)
        p.second.clear();
    }
  request req;
  req.target = with_query("/rest/" + call->obj->name_plural, params);
  tie_to_caller(req, call->ctx);
  const char* note = asked_sort && !sorted ? unsorted_note : nullptr;
  call->api->read(std::move(req), call->tags, [call, sorted, note](outcome o) {
    if (!o && sorted && is_broken_order_by(o.error())) {
      if (call->learned)
        call->learned->order_by_broken = true;
      return send_rest_list(call, false);
    }
    reply_list(*call, o, note);
  });
}

} // namespace

void list_records(const tool_env& env, const std::string& object_name, const json::value& args,
                  ctx_ptr ctx) {
  auto name = object_name.empty() ? str_arg(args, "object") : object_name;
  auto r = resolve_object(env, name, operation::read);
  if (!r.obj)
    return ctx->reply(r.error_result);
  const auto& obj = *r.obj;
  const auto& schema = *r.schema;
  auto filter = str_arg(args, "filter");
  auto order_by = str_arg(args, "order_by");
  auto fields = string_list(args, "fields");
  relation_reach through_relation{reaches_relation(obj, filter), reaches_relation(obj, order_by)};
  // The schema checks word their errors best; paths through relations are checked below.
  if (!filter.empty() && !through_relation.filter)
    if (auto problem = check_filter(obj, filter))
      return ctx->reply(input_error(*problem));
  if (!order_by.empty() && !through_relation.order_by)
    if (auto problem = check_order_by(obj, order_by))
      return ctx->reply(input_error(*problem));
  if (!fields.empty())
    if (auto problem = check_field_paths(schema, obj, fields))
      return ctx->reply(input_error(*problem));
  auto limit = static_cast<int>(json::get_int(args, "limit").value_or(env.config.default_limit));
  auto depth = json::get_int(args, "depth").value_or(0);
  if (auto refused = related_refusal(env.config, schema, obj, fields, static_cast<int>(depth),
                                     filter, order_by))
    return ctx->reply(error_result(*refused));
  auto cursor = str_arg(args, "cursor");
  auto tree = make_field_tree(fields);
  auto call = std::make_shared<list_call>();
  call->api = env.api;
  call->learned = env.learned;
  call->schema = r.schema;
  call->obj = r.obj;
  call->fields = fields;
  call->max_bytes = env.config.max_output_bytes;
  call->through_relation = through_relation;
  call->ctx = std::move(ctx);
  if (depth == 1 && fields.empty() && !through_relation.any()) {
    // Every relation one level deep: REST's depth=1 has no GraphQL equivalent short of naming
    // every relation.
    call->rest_params = {{"limit", std::to_string(limit)},
                         {"filter", filter},
                         {"order_by", order_by},
                         {"starting_after", cursor},
                         {"depth", "1"}};
    call->tags = write_invalidations(schema, obj);
    bool sort = !order_by.empty();
    return send_rest_list(call, sort && !(env.learned && env.learned->order_by_broken));
  }
  list_query q;
  q.limit = limit;
  q.after = cursor;
  auto gf = graphql_filter(schema, obj, filter);
  if (!gf)
    return call->ctx->reply(input_error(gf.error()));
  auto go = graphql_order(schema, obj, order_by);
  if (!go)
    return call->ctx->reply(input_error(go.error()));
  q.filter_json = *gf;
  q.order_json = *go;
  request req;
  req.method = verb::post;
  req.target = "/graphql";
  req.kind = api::graphql;
  req.body = list_request_body(obj, selection_set(schema, obj, &tree), q);
  tie_to_caller(req, call->ctx);
  auto tags = object_tags(schema, obj, fields.empty() ? nullptr : &tree);
  env.api->read(std::move(req), std::move(tags), [call](outcome o) { reply_list(*call, o, nullptr); });
}

void get_record(const tool_env& env, const std::string& object_name, const json::value& args,
                ctx_ptr ctx) {
  auto name = object_name.empty() ? str_arg(args, "object") : object_name;
  auto r = resolve_object(env, name, operation::read);
  if (!r.obj)
    return ctx->reply(r.error_result);
  const auto& obj = *r.obj;
  auto id = str_arg(args, "id");
  if (!is_uuid(id))
    return ctx->reply(input_error("'id' must be a record UUID like "
                                  "8f9a1c2e-0b1d-4c3e-9f00-123456789abc; got '"
                                  + id + "'"));
  auto fields = string_list(args, "fields");
  if (!fields.empty())
    if (auto problem = check_field_paths(*r.schema, obj, fields))
      return ctx->reply(input_error(*problem));
  auto depth = static_cast<int>(json::get_int(args, "depth").value_or(0));
  if (auto refused = related_refusal(env.config, *r.schema, obj, fields, depth))
    return ctx->reply(error_result(*refused));
  auto answer = [ctx, fields, schema = r.schema, obj = r.obj](const response& resp,
                                                              const json::value* rec) {
    if (!rec || !rec->IsObject())
      return ctx->reply(error_result(
        error{errc::twenty_api_error, resp.status, "Twenty answered with a malformed record", ""}));
    json::document out;
    out.SetObject();
    auto& a = out.GetAllocator();
    out.AddMember("object", json::str(obj->name_plural, a), a);
    out.AddMember("record", agent_view(*schema, *obj, *rec, fields, a), a);
    ctx->reply(structured_result(json::stringify(out)));
  };
  auto tree = make_field_tree(fields);
  auto related = selected_objects(*r.schema, obj, &tree);
  if (related.size() == 1) {
    // The record's own fields: REST by id, cached and collapsed with concurrent gets.
    // A generic 400 is confirmed by a list before it is called "not found" (0.50 says 400).
    return get_record_confirmed(env.api, obj.name_plural, id, depth, ctx->session_id(),
                                [ctx, answer](outcome o) {
      if (!o)
        return ctx->reply(error_result(o.error()));
      auto rec = parse_body(o);
      answer(*o, rec ? &*rec : nullptr);
    });
  }
  // Fields of related records or targets: one GraphQL call selects exactly those.
  request req;
  req.method = verb::post;
  req.target = "/graphql";
  req.kind = api::graphql;
  req.body = get_request_body(obj, selection_set(*r.schema, obj, &tree), id);
  tie_to_caller(req, ctx);
  std::vector<std::string> tags{record_tag(obj.name_plural, id)};
  for (std::size_t i = 1; i < related.size(); ++i)
    tags.push_back(object_tag(related[i]));
  auto singular = obj.name_singular;
  env.api->read(std::move(req), std::move(tags), [ctx, answer, singular](outcome o) {
    if (!o)
      return ctx->reply(error_result(o.error()));
    auto body = parse_body(o);
    auto data = body ? json::find(*body, "data") : nullptr;
    auto rec = data ? json::find(*data, singular.c_str()) : nullptr;
    answer(*o, rec);
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
      if (o.is_active && !o.is_system && allowed(env.config, o, operation::read)
          && (o.name_plural == "people" || o.name_plural == "companies"
              || o.name_plural == "opportunities" || (o.is_custom_guess && o.is_searchable)))
        targets.push_back(&o);
  } else {
    for (const auto& n : names) {
      auto r = resolve_object(env, n, operation::read);
      if (!r.obj)
        return ctx->reply(r.error_result);
      targets.push_back(r.obj);
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
  auto fields = string_list(args, "fields");
  auto tree = make_field_tree(fields);
  auto fail_part = [g, finish](std::size_t i, const std::string& plural, const std::string& why) {
    {
      std::lock_guard<std::mutex> guard(g->mtx);
      g->parts[i] = "{\"object\":" + json::quote(plural) + ",\"error\":" + json::quote(why) + "}";
    }
    if (--g->left == 0)
      finish();
  };
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& obj = *targets[i];
    auto paths = search_paths(obj);
    std::string filter;
    for (const auto& p : paths)
      filter += (filter.empty() ? "" : ",") + p + "[ilike]:" + filter_literal(query);
    auto plural = obj.name_plural;
    if (paths.empty()) {
      fail_part(i, plural, "no text fields to search");
      continue;
    }
    if (!fields.empty())
      if (auto problem = check_field_paths(*schema, obj, fields)) {
        fail_part(i, plural, "SCHEMA_VALIDATION_ERROR: " + *problem);
        continue;
      }
    if (auto refused = related_refusal(env.config, *schema, obj, fields, 0)) {
      fail_part(i, plural, "INSUFFICIENT_PERMISSIONS: " + refused->message);
      continue;
    }
    list_query q;
    q.limit = static_cast<int>(limit);
    auto gf = graphql_filter(*schema, obj, paths.size() > 1 ? "or(" + filter + ")" : filter);
    if (!gf) {
      fail_part(i, plural, "SCHEMA_VALIDATION_ERROR: " + gf.error());
      continue;
    }
    q.filter_json = *gf;
    request req;
    req.method = verb::post;
    req.target = "/graphql";
    req.kind = api::graphql;
    req.body = list_request_body(obj, selection_set(*schema, obj, &tree), q);
    tie_to_caller(req, ctx);
    env.api->read(std::move(req), object_tags(*schema, obj, fields.empty() ? nullptr : &tree),
                  [g, i, plural, finish, fail_part, fields, schema, target = &obj](outcome o) {
                    if (!o)
                      return fail_part(i, plural, std::string(to_string(o.error().code)) + ": "
                                                    + o.error().message);
                    auto body = parse_body(o);
                    auto p = body ? read_page(*body) : std::nullopt;
                    if (!p)
                      return fail_part(i, plural, "unexpected answer");
                    auto& a = body->GetAllocator();
                    json::value records(rapidjson::kArrayType);
                    for (auto& rec : p->records->GetArray())
                      records.PushBack(agent_view(*schema, *target, rec, fields, a), a);
                    json::value table(rapidjson::kObjectType);
                    table.AddMember("object", json::str(plural, a), a);
                    add_record_table(table, records, a, fields);
                    auto part = json::stringify(table);
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

// No output schemas on the default tools: hosts do not show them to the model, and they cost
// a sixth of tools/list's tokens (issue 7, item 5); structuredContent mirrors the text.
void add_read_tools(catalog& cat, std::shared_ptr<const tool_env> env) {
  tool_spec list{"twenty_list_records", "List records",
                 "Records of any object as columns and rows; system fields only when named in "
                 "fields.",
                 list_schema, "", read_only_hints()};
  cat.add_tool(list, [env](const json::value& args, ctx_ptr ctx) {
    list_records(*env, "", args, std::move(ctx));
  });
  tool_spec get{"twenty_get_record", "Get a record",
                "One record by id; fields as in twenty_list_records.",
                get_schema, "", read_only_hints()};
  cat.add_tool(get, [env](const json::value& args, ctx_ptr ctx) {
    get_record(*env, "", args, std::move(ctx));
  });
  tool_spec find{"twenty_search_records", "Search records",
                 "Find records by name, email, domain or title; by default in people, companies, "
                 "opportunities and custom objects.",
                 search_schema, "", read_only_hints()};
  cat.add_tool(find, [env](const json::value& args, ctx_ptr ctx) {
    search(*env, args, std::move(ctx));
  });
}

} // namespace tmcp::twenty::tools

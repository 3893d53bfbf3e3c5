// The /metadata GraphQL query for objects and fields, and the parser of its answer.
#include "integration/schema_model.hpp"

#include "protocol/json.hpp"

namespace tmcp::twenty {

namespace {

// v2.43 names only: `isCustom` is a validation error there (twenty-api.md §2.2).
constexpr const char* object_selection =
  "id nameSingular namePlural labelSingular labelPlural description isActive isSystem "
  "isSearchable labelIdentifierFieldMetadataId";
constexpr const char* field_selection =
  "id name label description type isActive isSystem isNullable isUnique defaultValue options "
  "settings relation { type targetObjectMetadata { id nameSingular namePlural } }";

std::string str_of(const json::value& v, const char* key) {
  auto s = json::get_string(v, key);
  return s ? *s : std::string{};
}

bool bool_of(const json::value& v, const char* key, bool fallback) {
  auto b = json::get_bool(v, key);
  return b ? *b : fallback;
}

// The nodes of a connection ({edges:[{node}]}) or of a plain array.
std::vector<const json::value*> nodes_of(const json::value* v) {
  std::vector<const json::value*> out;
  if (!v)
    return out;
  if (v->IsArray()) {
    for (auto& x : v->GetArray())
      if (x.IsObject())
        out.push_back(&x);
    return out;
  }
  auto edges = json::find(*v, "edges");
  if (!edges || !edges->IsArray())
    return out;
  for (auto& e : edges->GetArray())
    if (auto n = json::find(e, "node"); n && n->IsObject())
      out.push_back(n);
  return out;
}

field parse_field(const json::value& n) {
  field f;
  f.id = str_of(n, "id");
  f.name = str_of(n, "name");
  f.label = str_of(n, "label");
  f.description = str_of(n, "description");
  f.type_name = str_of(n, "type");
  f.type = parse_field_type(f.type_name);
  f.nullable = bool_of(n, "isNullable", true);
  f.is_system = bool_of(n, "isSystem", false);
  f.is_active = bool_of(n, "isActive", true);
  f.is_unique = bool_of(n, "isUnique", false);
  if (auto dv = json::find(n, "defaultValue"); dv && !dv->IsNull())
    f.default_value_json = json::stringify(*dv);
  if (auto opts = json::find(n, "options"); opts && opts->IsArray())
    for (auto& o : opts->GetArray())
      if (auto value = json::get_string(o, "value"))
        f.options.push_back({*value, str_of(o, "label")});
  auto settings = json::find(n, "settings");
  if (auto rel = json::find(n, "relation"); rel && rel->IsObject()) {
    f.relation_type = str_of(*rel, "type");
    if (auto target = json::find(*rel, "targetObjectMetadata"); target && target->IsObject())
      f.relation_target_object = str_of(*target, "nameSingular");
  } else if (settings && settings->IsObject()) {
    f.relation_type = str_of(*settings, "relationType");
  }
  if (f.is_many_to_one()) {
    f.join_column = settings ? str_of(*settings, "joinColumnName") : std::string{};
    if (f.join_column.empty())
      f.join_column = f.name + "Id";
  }
  return f;
}

object parse_object(const json::value& n) {
  object o;
  o.id = str_of(n, "id");
  o.name_singular = str_of(n, "nameSingular");
  o.name_plural = str_of(n, "namePlural");
  o.label_singular = str_of(n, "labelSingular");
  o.label_plural = str_of(n, "labelPlural");
  o.description = str_of(n, "description");
  o.is_system = bool_of(n, "isSystem", false);
  o.is_active = bool_of(n, "isActive", true);
  o.is_searchable = bool_of(n, "isSearchable", false);
  o.is_custom_guess = !is_standard_object(o.name_singular);
  auto fields = json::find(n, "fields");
  if (!fields)
    fields = json::find(n, "fieldsList");
  for (auto fn : nodes_of(fields))
    o.fields.push_back(parse_field(*fn));
  auto label_id = str_of(n, "labelIdentifierFieldMetadataId");
  for (auto& f : o.fields)
    if (!label_id.empty() && f.id == label_id)
      o.label_identifier_field = f.name;
  // Twenty falls back to `name` when no label identifier is set.
  if (o.label_identifier_field.empty() && o.find_field("name"))
    o.label_identifier_field = "name";
  return o;
}

std::string graphql_errors(const json::value& errors) {
  std::string msg;
  for (auto& e : errors.GetArray()) {
    auto m = json::get_string(e, "message");
    std::string code;
    if (auto ext = json::find(e, "extensions"))
      code = str_of(*ext, "code");
    if (!msg.empty())
      msg += "; ";
    msg += m ? *m : std::string("unknown error");
    if (!code.empty())
      msg += " (" + code + ")";
  }
  return msg;
}

} // namespace

std::string metadata_objects_query(const std::string& after_cursor) {
  std::string paging = "first: 1000";
  if (!after_cursor.empty())
    paging += ", after: " + json::quote(after_cursor); // a JSON string is a GraphQL string
  std::string q = "query TmcpObjects { objects(paging: {" + paging + "}) { edges { node { "
                  + object_selection + " fields(paging: {first: 1000}) { edges { node { "
                  + field_selection + " } } } } } pageInfo { hasNextPage endCursor } } }";
  return "{\"query\":" + json::quote(q) + "}";
}

expected<metadata_page, std::string> parse_metadata_page(std::string_view body) {
  std::string perr;
  auto doc = json::parse(body, &perr);
  if (!doc)
    return make_unexpected("metadata answer is not JSON: " + perr);
  if (!doc->IsObject())
    return make_unexpected(std::string("metadata answer is not a JSON object"));
  if (auto errors = json::find(*doc, "errors"); errors && errors->IsArray() && !errors->Empty())
    return make_unexpected("metadata query failed: " + graphql_errors(*errors));
  auto data = json::find(*doc, "data");
  auto objects = data ? json::find(*data, "objects") : nullptr;
  if (!objects || !objects->IsObject())
    return make_unexpected(std::string("metadata answer has no data.objects connection"));
  metadata_page page;
  for (auto n : nodes_of(objects))
    page.objects.push_back(parse_object(*n));
  if (auto info = json::find(*objects, "pageInfo")) {
    page.has_next_page = bool_of(*info, "hasNextPage", false);
    page.end_cursor = str_of(*info, "endCursor");
  }
  return page;
}

} // namespace tmcp::twenty

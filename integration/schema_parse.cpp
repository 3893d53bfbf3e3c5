// The /metadata GraphQL query for objects and fields, and the parser of its answer.
#include "integration/schema_model.hpp"

#include "protocol/json.hpp"

#include <unordered_map>

namespace tmcp::twenty {

namespace {

// The newest names by default: `isCustom` is a validation error there (twenty-api.md §2.2).
constexpr const char* object_selection =
  "id nameSingular namePlural labelSingular labelPlural description isActive isSystem "
  "isSearchable labelIdentifierFieldMetadataId";
constexpr const char* field_selection =
  "id name label description type isActive isSystem isNullable isUnique defaultValue options "
  "settings";
// 1.x and newer; 0.50 resolves it only behind a feature flag (an error per relation field).
constexpr const char* relation_selection_text =
  "relation { type targetObjectMetadata { id nameSingular namePlural } }";
// 0.x (recorded on 0.50); unknown on 2.x.
constexpr const char* relation_definition_text =
  "relationDefinition { direction sourceObjectMetadata { nameSingular namePlural } "
  "targetObjectMetadata { id nameSingular namePlural } sourceFieldMetadata { name } "
  "targetFieldMetadata { name } }";

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

// A many-to-one relation's foreign key: settings.joinColumnName (2.x), else name + "Id".
void settle_join_column(field& f, const json::value* settings) {
  if (!f.is_many_to_one() || !f.join_column.empty())
    return;
  f.join_column = settings && settings->IsObject() ? str_of(*settings, "joinColumnName")
                                                   : std::string{};
  if (f.join_column.empty())
    f.join_column = f.name + "Id";
}

// The other end of a relation kept on one side ({relationType, xObjectMetadata}).
std::string other_object(const json::value& meta, const char* key) {
  auto o = json::find(meta, key);
  return o && o->IsObject() ? str_of(*o, "nameSingular") : std::string{};
}

// 0.50 REST metadata: this field is the `from` side (its type as stated) or the `to` side (the
// inverse of the stated type: a company's ONE_TO_MANY people is a person's MANY_TO_ONE company).
bool read_legacy_relation(const json::value& n, field& f) {
  if (auto from = json::find(n, "fromRelationMetadata"); from && from->IsObject()) {
    f.relation_type = str_of(*from, "relationType");
    f.relation_target_object = other_object(*from, "toObjectMetadata");
    return true;
  }
  if (auto to = json::find(n, "toRelationMetadata"); to && to->IsObject()) {
    auto type = str_of(*to, "relationType");
    f.relation_type = type == "ONE_TO_MANY" ? "MANY_TO_ONE"
                      : type == "MANY_TO_ONE" ? "ONE_TO_MANY"
                                              : type;
    f.relation_target_object = other_object(*to, "fromObjectMetadata");
    return true;
  }
  return false;
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
  } else if (auto def = json::find(n, "relationDefinition"); def && def->IsObject()) {
    f.relation_type = str_of(*def, "direction");
    if (auto target = json::find(*def, "targetObjectMetadata"); target && target->IsObject())
      f.relation_target_object = str_of(*target, "nameSingular");
  } else if (!read_legacy_relation(n, f) && settings && settings->IsObject()) {
    f.relation_type = str_of(*settings, "relationType");
  }
  settle_join_column(f, settings);
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
  o.is_custom_guess = bool_of(n, "isCustom", !is_standard_object(o.name_singular));
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

// The objects of a connection or list, and where the next page starts.
metadata_page page_of(const json::value& objects, const json::value* info) {
  metadata_page page;
  for (auto n : nodes_of(&objects))
    page.objects.push_back(parse_object(*n));
  if (info) {
    page.has_next_page = bool_of(*info, "hasNextPage", false);
    page.end_cursor = str_of(*info, "endCursor");
  }
  return page;
}

std::string graphql_errors_of_one(const json::value& e) {
  auto m = json::get_string(e, "message");
  std::string code;
  if (auto ext = json::find(e, "extensions"))
    code = str_of(*ext, "code");
  std::string msg = m ? *m : std::string("unknown error");
  if (!code.empty())
    msg += " (" + code + ")";
  return msg;
}

std::string graphql_errors(const json::value& errors) {
  std::string msg;
  for (auto& e : errors.GetArray()) {
    if (!msg.empty())
      msg += "; ";
    msg += graphql_errors_of_one(e);
  }
  return msg;
}

} // namespace

std::string metadata_objects_query(const std::string& after_cursor,
                                   const metadata_query_options& options) {
  std::string paging = "first: 1000";
  if (!after_cursor.empty())
    paging += ", after: " + json::quote(after_cursor); // a JSON string is a GraphQL string
  std::string objects = options.relations_only ? "id" : object_selection;
  std::string fields = options.relations_only ? "id" : field_selection;
  if (options.is_custom && !options.relations_only) {
    objects += " isCustom";
    fields += " isCustom";
  }
  if (options.relations == relation_selection::relation)
    fields += std::string(" ") + relation_selection_text;
  else if (options.relations == relation_selection::relation_definition)
    fields += std::string(" ") + relation_definition_text;
  std::string q = "query TmcpObjects { objects(paging: {" + paging + "}) { edges { node { "
                  + objects + " fields(paging: {first: 1000}) { edges { node { " + fields
                  + " } } } } } pageInfo { hasNextPage endCursor } } }";
  return "{\"query\":" + json::quote(q) + "}";
}

expected<metadata_page, std::string> parse_metadata_page(std::string_view body) {
  std::string perr;
  auto doc = json::parse(body, &perr);
  if (!doc)
    return make_unexpected("metadata answer is not JSON: " + perr);
  if (!doc->IsObject())
    return make_unexpected(std::string("metadata answer is not a JSON object"));
  auto errors = json::find(*doc, "errors");
  bool failed = errors && errors->IsArray() && !errors->Empty();
  auto data = json::find(*doc, "data");
  auto objects = data && data->IsObject() ? json::find(*data, "objects") : nullptr;
  if (failed && (!objects || !objects->IsObject()))
    return make_unexpected("metadata query failed: " + graphql_errors(*errors));
  if (!objects || !objects->IsObject())
    return make_unexpected(std::string("metadata answer has no data.objects connection"));
  auto page = page_of(*objects, json::find(*objects, "pageInfo"));
  if (failed)
    for (auto& e : errors->GetArray())
      page.field_errors.push_back(graphql_errors_of_one(e));
  return page;
}

expected<metadata_page, std::string> parse_rest_metadata_objects(std::string_view body) {
  std::string perr;
  auto doc = json::parse(body, &perr);
  if (!doc)
    return make_unexpected("metadata answer is not JSON: " + perr);
  auto data = doc->IsObject() ? json::find(*doc, "data") : nullptr;
  // The legacy format nests the list ({data:{objects:[...]}}); the new one does not.
  auto objects = data && data->IsObject() ? json::find(*data, "objects") : data;
  if (!objects || !objects->IsArray())
    return make_unexpected(std::string("REST metadata answer has no data.objects list"));
  return page_of(*objects, json::find(*doc, "pageInfo"));
}

std::vector<std::string> unknown_selections(std::string_view error_text) {
  std::vector<std::string> out;
  constexpr std::string_view marker = "Cannot query field \"";
  for (auto at = error_text.find(marker); at != std::string_view::npos;
       at = error_text.find(marker, at + 1)) {
    auto begin = at + marker.size();
    auto end = error_text.find('"', begin);
    if (end == std::string_view::npos)
      break;
    out.emplace_back(error_text.substr(begin, end - begin));
  }
  return out;
}

std::size_t merge_relations(std::vector<object>& into, const std::vector<object>& source) {
  std::unordered_map<std::string, const field*> by_id;
  for (auto& o : source)
    for (auto& f : o.fields)
      if (!f.id.empty() && !f.relation_type.empty())
        by_id.emplace(f.id, &f);
  std::size_t filled = 0;
  for (auto& o : into)
    for (auto& f : o.fields) {
      auto it = by_id.find(f.id);
      if (it == by_id.end())
        continue;
      f.relation_type = it->second->relation_type;
      if (!it->second->relation_target_object.empty())
        f.relation_target_object = it->second->relation_target_object;
      if (f.join_column.empty())
        f.join_column = it->second->join_column;
      settle_join_column(f, nullptr);
      ++filled;
    }
  return filled;
}

} // namespace tmcp::twenty

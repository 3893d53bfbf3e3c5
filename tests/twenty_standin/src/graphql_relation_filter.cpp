// GraphQL filters through a to-one relation ({company: {name: {ilike: "%a%"}}}), as Twenty 2.5
// answers them (graphql-filter-on-relation.json): the related records matching the inner
// filter are found first, and the condition becomes `<relation>Id in [their ids]`, so a record
// without the relation never matches (an inner join).
#include "graphql_exec.hpp"

#include "query.hpp"

namespace standin {

result<json_value> resolve_relation_filters(store& db, const object_def& o, const json_value& filter,
                                            json_alloc& a) {
  if (!filter.IsObject()) return json_value(filter, a);
  json_value out(rapidjson::kObjectType);
  for (auto it = filter.MemberBegin(); it != filter.MemberEnd(); ++it) {
    std::string key = it->name.GetString();
    if ((key == "and" || key == "or") && it->value.IsArray()) {
      json_value items(rapidjson::kArrayType);
      for (auto& item : it->value.GetArray()) {
        auto sub = resolve_relation_filters(db, o, item, a);
        if (!sub) return sub;
        items.PushBack(sub.value, a);
      }
      out.AddMember(str_value(key, a), items, a);
      continue;
    }
    if (key == "not") {
      auto sub = resolve_relation_filters(db, o, it->value, a);
      if (!sub) return sub;
      out.AddMember(str_value(key, a), sub.value, a);
      continue;
    }
    const field_def* fd = o.field(key);
    if (!fd || !fd->is_many_to_one() || !it->value.IsObject()) {
      out.AddMember(str_value(key, a), json_value(it->value, a), a);
      continue;
    }
    const object_def* target = db.meta().by_singular(fd->relation->target_object);
    if (!target) return bad_request("Relation '" + key + "' has no target object");
    auto inner = resolve_relation_filters(db, *target, it->value, a);
    if (!inner) return inner;
    auto parsed = filter_from_graphql(inner.value);
    if (!parsed) return *parsed.error;
    if (auto err = bind_filter(parsed.value, *target)) return *err;
    json_value ids(rapidjson::kArrayType);
    for (row* r : match_all(db, *target, parsed.value)) ids.PushBack(str_value(r->id, a), a);
    json_value cond(rapidjson::kObjectType);
    cond.AddMember("in", ids, a);
    out.AddMember(str_value(fd->join_column(), a), cond, a);
  }
  return result<json_value>(std::move(out));
}

}  // namespace standin

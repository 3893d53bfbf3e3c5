// PATCH /rest/{plural}/merge: fold up to 9 records into the priority one.
#include "rest.hpp"

namespace standin {

namespace {

bool empty_value(const json_value& v) {
  if (v.IsNull()) return true;
  if (v.IsString()) return v.GetStringLength() == 0;
  if (v.IsArray()) return v.Empty();
  if (v.IsObject()) {
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m)
      if (!empty_value(m->value)) return false;
    return true;
  }
  return false;
}

bool server_managed(const std::string& k) {
  return k == "id" || k == "createdAt" || k == "updatedAt" || k == "deletedAt" || k == "createdBy"
         || k == "updatedBy" || k == "searchVector" || k == "position";
}

}  // namespace

http_response rest_merge(request_context& ctx, const object_def& o, const std::string& body,
                         const query_params& q) {
  auto depth = parse_depth(q);
  if (!depth) return rest_error(*depth.error);
  rapidjson::Document d;
  if (!parse_json(body, d) || !d.IsObject() || !d.HasMember("ids") || !d["ids"].IsArray())
    return rest_error(bad_request("Body must contain \"ids\": an array of record ids"));
  auto& ids = d["ids"];
  if (ids.Size() < 2) return rest_error(bad_request("At least 2 records are required to merge"));
  if (ids.Size() > 9) return rest_error(bad_request("Maximum 9 records can be merged at once"));
  int priority = d.HasMember("conflictPriorityIndex") && d["conflictPriorityIndex"].IsInt()
                   ? d["conflictPriorityIndex"].GetInt() : 0;
  if (priority < 0 || priority >= static_cast<int>(ids.Size()))
    return rest_error(bad_request("conflictPriorityIndex is out of range"));
  const bool dry_run = d.HasMember("dryRun") && d["dryRun"].IsBool() && d["dryRun"].GetBool();
  std::vector<row*> rows;
  for (auto& id : ids.GetArray()) {
    if (!id.IsString() || !is_uuid(id.GetString()))
      return rest_error(bad_request("'" + to_json(id) + "' is not a valid UUID"));
    row* r = ctx.db.find(o, id.GetString());
    if (!r || r->soft_deleted()) return rest_error(not_found("Record not found"));
    rows.push_back(r);
  }
  row* keep = rows[static_cast<std::size_t>(priority)];
  // The patch takes each empty column of the priority record from the first other record that has it.
  auto& a = ctx.db.alloc();
  json_value patch(rapidjson::kObjectType);
  for (auto m = keep->data.MemberBegin(); m != keep->data.MemberEnd(); ++m) {
    std::string key = m->name.GetString();
    if (server_managed(key) || !empty_value(m->value)) continue;
    for (auto r : rows) {
      if (r == keep) continue;
      auto it = r->data.FindMember(key.c_str());
      if (it != r->data.MemberEnd() && !empty_value(it->value)) {
        patch.AddMember(str_value(key, a), json_value(it->value, a), a);
        break;
      }
    }
  }
  if (dry_run) {
    json_value preview(keep->data, a);
    for (auto m = patch.MemberBegin(); m != patch.MemberEnd(); ++m)
      preview[m->name.GetString()] = json_value(m->value, a);
    row shadow{keep->id, std::move(preview), false};
    return json_response(200, record_envelope(ctx.db, o, "merge" + capitalize(o.name_plural), shadow,
                                              depth.value));
  }
  if (auto err = update_record(ctx, o, *keep, patch)) return rest_error(*err);
  // Re-point every foreign key that referenced a merged-away record, then trash it.
  for (auto r : rows) {
    if (r == keep) continue;
    for (auto& other : ctx.db.meta().objects())
      for (auto& f : other->fields)
        if (f->is_many_to_one() && f->relation->target_object == o.name_singular)
          for (auto& [id, child] : ctx.db.table_for(*other).by_id) {
            auto fk = child->data.FindMember(f->join_column().c_str());
            if (fk != child->data.MemberEnd() && fk->value.IsString() && r->id == fk->value.GetString())
              fk->value = str_value(keep->id, a);
          }
    soft_delete_record(ctx, o, *r);
  }
  return json_response(200, record_envelope(ctx.db, o, "merge" + capitalize(o.name_plural), *keep,
                                            depth.value));
}

}  // namespace standin

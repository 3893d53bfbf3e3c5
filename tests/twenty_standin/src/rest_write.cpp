// REST writes and the write primitives (with their record events) shared with GraphQL.
#include "rest.hpp"

namespace standin {

namespace {

std::string create_key(const object_def& o, bool many) {
  return "create" + capitalize(many ? o.name_plural : o.name_singular);
}

result<int> depth_of(const query_params& q) { return parse_depth(q); }

bool parse_body(const std::string& body, rapidjson::Document& d, api_error& err) {
  std::string msg;
  if (!parse_json(body.empty() ? "{}" : body, d, &msg)) {
    err = bad_request("Invalid JSON body: " + msg);
    return false;
  }
  return true;
}

// Upsert match: the id, else the object's unique business key.
row* upsert_target(store& db, const object_def& o, const json_value& input) {
  if (!input.IsObject()) return nullptr;
  if (input.HasMember("id") && input["id"].IsString())
    if (row* r = db.find(o, input["id"].GetString())) return r;
  const char* field = o.name_singular == "company" ? "domainName"
                      : o.name_singular == "person" ? "emails" : nullptr;
  const char* sub = o.name_singular == "company" ? "primaryLinkUrl" : "primaryEmail";
  if (!field || !input.HasMember(field) || !input[field].IsObject() || !input[field].HasMember(sub))
    return nullptr;
  auto& want = input[field][sub];
  if (!want.IsString() || want.GetStringLength() == 0) return nullptr;
  for (auto& [id, r] : db.table_for(o).by_id)
    if (!r->soft_deleted() && r->data[field][sub] == want) return r;
  return nullptr;
}

}  // namespace

result<row*> create_record(request_context& ctx, const object_def& o, const json_value& input,
                           bool upsert) {
  ctx.wrote = true;
  if (upsert)
    if (row* existing = upsert_target(ctx.db, o, input)) {
      if (auto err = update_record(ctx, o, *existing, input)) return *err;
      return existing;
    }
  auto created = ctx.db.create(o, input, ctx.who, ctx.now_ms);
  if (created) ctx.events.push_back(make_event(event_action::created, o, *created.value));
  return created;
}

std::optional<api_error> update_record(request_context& ctx, const object_def& o, row& r,
                                       const json_value& input) {
  ctx.wrote = true;
  std::vector<std::string> changed;
  if (auto err = ctx.db.update(o, r, input, ctx.who, ctx.now_ms, &changed)) return err;
  ctx.events.push_back(make_event(event_action::updated, o, r, std::move(changed)));
  return std::nullopt;
}

void soft_delete_record(request_context& ctx, const object_def& o, row& r) {
  ctx.wrote = true;
  ctx.events.push_back(make_event(event_action::deleted, o, r));
  ctx.db.soft_delete(o, r, ctx.now_ms);
}

void destroy_record(request_context& ctx, const object_def& o, row& r) {
  ctx.wrote = true;
  ctx.events.push_back(make_event(event_action::destroyed, o, r));
  ctx.db.destroy(o, r);
}

void restore_record(request_context& ctx, const object_def& o, row& r) {
  ctx.wrote = true;
  ctx.db.restore(o, r, ctx.now_ms);
  ctx.events.push_back(make_event(event_action::restored, o, r));
}

http_response rest_create_one(request_context& ctx, const object_def& o, const std::string& body,
                              const query_params& q) {
  auto depth = depth_of(q);
  if (!depth) return rest_error(*depth.error);
  rapidjson::Document d;
  api_error err;
  if (!parse_body(body, d, err)) return rest_error(err);
  auto created = create_record(ctx, o, d, query_get(q, "upsert").value_or("") == "true");
  if (!created) return rest_error(*created.error);
  return json_response(201, record_envelope(ctx.db, o, create_key(o, false), *created.value, depth.value));
}

http_response rest_create_many(request_context& ctx, const object_def& o, const std::string& body,
                               const query_params& q) {
  auto depth = depth_of(q);
  if (!depth) return rest_error(*depth.error);
  rapidjson::Document d;
  api_error err;
  if (!parse_body(body, d, err)) return rest_error(err);
  if (!d.IsArray()) return rest_error(bad_request("Body must be an array"));
  if (d.Empty()) return rest_error(bad_request("Input must not be empty"));
  if (d.Size() > 200) return rest_error(bad_request("Maximum number of records to upsert is 200."));
  const bool upsert = query_get(q, "upsert").value_or("") == "true";
  // All or nothing, like Twenty's single transaction: undo on the first failure.
  std::vector<row*> created;
  auto events_before = ctx.events.size();
  for (auto& item : d.GetArray()) {
    auto r = create_record(ctx, o, item, upsert);
    if (!r) {
      for (auto c : created)
        if (!c->destroyed) ctx.db.destroy(o, *c);
      ctx.events.resize(events_before);
      return rest_error(*r.error);
    }
    created.push_back(r.value);
  }
  return json_response(201, records_envelope(ctx.db, o, create_key(o, true), created, depth.value));
}

http_response rest_update_one(request_context& ctx, const object_def& o, const std::string& id,
                              const std::string& body, const query_params& q) {
  auto depth = depth_of(q);
  if (!depth) return rest_error(*depth.error);
  rapidjson::Document d;
  api_error err;
  if (!parse_body(body, d, err)) return rest_error(err);
  row* r = ctx.db.find(o, id);
  if (!r || r->soft_deleted()) return rest_error(not_found("Record not found"));
  if (auto e = update_record(ctx, o, *r, d)) return rest_error(*e);
  return json_response(200, record_envelope(ctx.db, o, "update" + capitalize(o.name_singular), *r,
                                            depth.value));
}

http_response rest_update_many(request_context& ctx, const object_def& o, const std::string& body,
                               const query_params& q) {
  auto depth = depth_of(q);
  if (!depth) return rest_error(*depth.error);
  rapidjson::Document d;
  api_error err;
  if (!parse_body(body, d, err)) return rest_error(err);
  auto rows = rows_for_filter(ctx.db, o, q);
  if (!rows) return rest_error(*rows.error);
  for (auto r : rows.value)
    if (auto e = update_record(ctx, o, *r, d)) return rest_error(*e);
  return json_response(200, records_envelope(ctx.db, o, "update" + capitalize(o.name_plural),
                                             rows.value, depth.value));
}

http_response rest_delete_one(request_context& ctx, const object_def& o, const std::string& id,
                              const query_params& q) {
  const bool soft = query_get(q, "soft_delete").value_or("") == "true";
  row* r = ctx.db.find(o, id);
  if (!r || (soft && r->soft_deleted())) return rest_error(not_found("Record not found"));
  std::string rid = r->id;
  if (soft) soft_delete_record(ctx, o, *r);
  else destroy_record(ctx, o, *r);
  return json_response(200, ids_envelope("delete" + capitalize(o.name_singular), {rid}, false));
}

http_response rest_delete_many(request_context& ctx, const object_def& o, const query_params& q) {
  const bool soft = query_get(q, "soft_delete").value_or("") == "true";
  if (query_get(q, "filter").value_or("").empty())
    return rest_error(bad_request("Filters are mandatory for bulk destroy operations. "
                                  "Please provide a filter to select the records to delete."));
  // A destroy also reaches rows already in the trash.
  auto rows = rows_for_filter(ctx.db, o, q, !soft);
  if (!rows) return rest_error(*rows.error);
  std::vector<std::string> ids;
  for (auto r : rows.value) {
    ids.push_back(r->id);
    if (soft) soft_delete_record(ctx, o, *r);
    else destroy_record(ctx, o, *r);
  }
  return json_response(200, ids_envelope("delete" + capitalize(o.name_plural), ids, true));
}

http_response rest_restore_one(request_context& ctx, const object_def& o, const std::string& id,
                               const query_params& q) {
  auto depth = depth_of(q);
  if (!depth) return rest_error(*depth.error);
  row* r = ctx.db.find(o, id);
  if (!r) return rest_error(not_found("Record not found"));
  restore_record(ctx, o, *r);
  return json_response(200, record_envelope(ctx.db, o, "restore" + capitalize(o.name_singular), *r,
                                            depth.value));
}

http_response rest_restore_many(request_context& ctx, const object_def& o, const query_params& q) {
  auto depth = depth_of(q);
  if (!depth) return rest_error(*depth.error);
  auto rows = rows_for_filter(ctx.db, o, q, true);
  if (!rows) return rest_error(*rows.error);
  std::vector<row*> restored;
  for (auto r : rows.value)
    if (r->soft_deleted()) {
      restore_record(ctx, o, *r);
      restored.push_back(r);
    }
  return json_response(200, records_envelope(ctx.db, o, "restore" + capitalize(o.name_plural),
                                             restored, depth.value));
}

}  // namespace standin

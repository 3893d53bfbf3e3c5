// REST reads: find many (paged), find one, find duplicates.
#include "group_by.hpp"
#include "rest.hpp"

namespace standin {

http_response rest_find_many(request_context& ctx, const std::string& object, const query_params& q) {
  // Twenty parses the arguments first, then looks the object up.
  auto depth = parse_depth(q);
  if (!depth) return rest_error(*depth.error);
  auto limit = parse_limit(q);
  if (!limit) return rest_error(*limit.error);
  auto order = parse_rest_order_by(query_get(q, "order_by"));
  if (!order) return rest_error(*order.error);
  find_args args;
  if (auto text = query_get(q, "filter")) {
    auto parsed = parse_rest_filter(*text);
    if (!parsed) return rest_error(*parsed.error);
    args.filter = std::move(parsed.value);
  }
  args.before = query_get(q, "ending_before").value_or("");
  args.after = query_get(q, "starting_after").value_or("");
  auto obj = resolve_object(ctx.db.meta(), object);
  if (!obj) return rest_error(*obj.error);
  const object_def& o = *obj.value;
  if (auto err = bind_filter(args.filter, o)) return rest_error(*err);
  args.order = std::move(order.value);
  if (auto err = bind_order(args.order, o)) return rest_error(*err);
  args.limit = limit.value;
  auto found = find_many(ctx.db, o, args);
  if (!found) return rest_error(*found.error);
  auto& res = found.value;

  rapidjson::StringBuffer sb;
  json_writer w(sb);
  relation_cache cache(ctx.db);
  w.StartObject();
  w.Key("data");
  w.StartObject();
  w.Key(o.name_plural.c_str());
  w.StartArray();
  for (auto r : res.rows) write_record(w, ctx.db, o, *r, depth.value, cache);
  w.EndArray();
  w.EndObject();
  w.Key("totalCount");
  w.Uint64(res.total_count);
  w.Key("pageInfo");
  w.StartObject();
  w.Key("hasNextPage");
  w.Bool(res.has_next_page);
  w.Key("hasPreviousPage");
  w.Bool(res.has_previous_page);
  w.Key("startCursor");
  res.start_cursor.empty() ? w.Null() : w.String(res.start_cursor.c_str());
  w.Key("endCursor");
  res.end_cursor.empty() ? w.Null() : w.String(res.end_cursor.c_str());
  w.EndObject();
  w.EndObject();
  return json_response(200, std::string(sb.GetString(), sb.GetSize()));
}

http_response rest_find_one(request_context& ctx, const object_def& o, const std::string& id,
                            const query_params& q) {
  auto depth = parse_depth(q);
  if (!depth) return rest_error(*depth.error);
  row* r = ctx.db.find(o, id);
  if (!r || r->soft_deleted()) return rest_error(not_found("Record not found"));
  return json_response(200, record_envelope(ctx.db, o, o.name_singular, *r, depth.value));
}

namespace {

// Twenty's standard duplicate criteria (each inner list must all match).
std::vector<std::vector<std::vector<std::string>>> duplicate_criteria(const object_def& o) {
  if (o.name_singular == "company")
    return {{{"name"}}, {{"domainName", "primaryLinkUrl"}}};
  if (o.name_singular == "person")
    return {{{"name", "firstName"}, {"name", "lastName"}},
            {{"linkedinLink", "primaryLinkUrl"}},
            {{"emails", "primaryEmail"}}};
  return {};
}

bool non_empty_string(const json_value* v) { return v && v->IsString() && v->GetStringLength() > 0; }

}  // namespace

http_response rest_duplicates(request_context& ctx, const object_def& o, const std::string& body) {
  rapidjson::Document d;
  if (!parse_json(body, d) || !d.IsObject())
    return rest_error(bad_request("Body must be a JSON object"));
  bool has_ids = d.HasMember("ids") && d["ids"].IsArray();
  bool has_data = d.HasMember("data") && d["data"].IsArray();
  if (has_ids == has_data)
    return rest_error(bad_request("You must provide either \"ids\" or \"data\""));
  // Each probe is a record-shaped object: an existing row, or a draft built from `data`.
  std::vector<const json_value*> probes;
  std::vector<std::string> exclude;
  if (has_ids) {
    for (auto& id : d["ids"].GetArray()) {
      if (!id.IsString() || !is_uuid(id.GetString()))
        return rest_error(bad_request("'" + to_json(id) + "' is not a valid UUID"));
      row* r = ctx.db.find(o, id.GetString());
      if (!r || r->soft_deleted()) return rest_error(not_found("Record not found"));
      probes.push_back(&r->data);
      exclude.push_back(r->id);
    }
  } else {
    for (auto& item : d["data"].GetArray()) {
      probes.push_back(&item);
      exclude.emplace_back();
    }
  }
  auto criteria = duplicate_criteria(o);
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  w.Key("data");
  w.StartArray();
  order_spec by_id{{{"id"}, direction::asc_nulls_first, false}};
  for (std::size_t i = 0; i < probes.size(); ++i) {
    std::vector<row*> dups;
    for (auto& [id, r] : ctx.db.table_for(o).by_id) {
      if (r->soft_deleted() || id == exclude[i]) continue;
      bool match = false;
      for (auto& group : criteria) {
        bool all = true;
        for (auto& path : group) {
          auto a = value_at(*probes[i], path), b = value_at(r->data, path);
          all = all && non_empty_string(a) && non_empty_string(b) && *a == *b;
        }
        match = match || all;
      }
      if (match) dups.push_back(r);
    }
    w.StartObject();
    w.Key("totalCount");
    w.Uint64(dups.size());
    w.Key("pageInfo");
    w.StartObject();
    w.Key("hasNextPage");
    w.Bool(false);
    w.Key("hasPreviousPage");
    w.Bool(false);
    w.Key("startCursor");
    dups.empty() ? w.Null() : w.String(encode_cursor(by_id, dups.front()->data).c_str());
    w.Key("endCursor");
    dups.empty() ? w.Null() : w.String(encode_cursor(by_id, dups.back()->data).c_str());
    w.EndObject();
    w.Key((o.name_singular + "Duplicates").c_str());
    w.StartArray();
    for (auto r : dups) r->data.Accept(w);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json_response(200, std::string(sb.GetString(), sb.GetSize()));
}

}  // namespace standin

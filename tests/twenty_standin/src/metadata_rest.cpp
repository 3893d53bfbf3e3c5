// /rest/metadata/{objects,fields,webhooks} (legacy response format) and /rest/webhooks.
#include "metadata.hpp"

#include <algorithm>

namespace standin {

namespace {

// Id-cursor paging over an ordered list of DTOs: {items, pageInfo, totalCount}.
struct page {
  std::vector<const json_value*> items;
  bool has_next = false, has_prev = false;
};

result<page> paginate(const json_value& all, const query_params& q) {
  auto limit = parse_limit(q, 1000, 1000);
  if (!limit) return *limit.error;
  auto after = query_get(q, "starting_after"), before = query_get(q, "ending_before");
  for (auto* c : {&after, &before})
    if (*c && !is_uuid(**c)) return bad_request("'" + **c + "' is not a valid UUID");
  std::size_t begin = 0, end = all.Size();
  auto index_of = [&](const std::string& id) -> std::size_t {
    for (rapidjson::SizeType i = 0; i < all.Size(); ++i)
      if (id == all[i]["id"].GetString()) return i;
    return all.Size();
  };
  if (after) begin = std::min<std::size_t>(all.Size(), index_of(*after) + 1);
  if (before) end = index_of(*before);
  page p;
  if (before) {
    std::size_t start = end > limit.value ? end - limit.value : 0;
    p.has_prev = start > begin;
    p.has_next = end < all.Size();
    begin = std::max(begin, start);
  } else {
    p.has_next = end - begin > limit.value;
    p.has_prev = begin > 0;
    end = std::min(end, begin + limit.value);
  }
  for (std::size_t i = begin; i < end; ++i) p.items.push_back(&all[static_cast<rapidjson::SizeType>(i)]);
  return p;
}

void write_page_info(json_writer& w, const page& p) {
  w.Key("pageInfo");
  w.StartObject();
  w.Key("hasNextPage"); w.Bool(p.has_next);
  w.Key("hasPreviousPage"); w.Bool(p.has_prev);
  w.Key("startCursor");
  p.items.empty() ? w.Null() : w.String((*p.items.front())["id"].GetString());
  w.Key("endCursor");
  p.items.empty() ? w.Null() : w.String((*p.items.back())["id"].GetString());
  w.EndObject();
}

// {"data":{"<key>":…}}
http_response data_envelope(int status, const std::string& key, const std::string& json) {
  return json_response(status, "{\"data\":{\"" + key + "\":" + json + "}}");
}

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p < path.size()) {
    size_t s = path.find('/', p);
    if (s == std::string::npos) s = path.size();
    if (s > p) out.push_back(path.substr(p, s - p));
    p = s + 1;
  }
  return out;
}

// 0.50 (rest-metadata-objects.json): isCustom, and each relation kept on one side:
// fromRelationMetadata on the ONE_TO_MANY field, toRelationMetadata on its MANY_TO_ONE inverse.
void as_0_50(json_value& object, const object_def& o, json_alloc& a) {
  object.AddMember("isCustom", o.is_custom, a);
  auto& fields = object["fields"];
  for (rapidjson::SizeType i = 0; i < fields.Size() && i < o.fields.size(); ++i) {
    auto& f = fields[i];
    f.AddMember("isCustom", o.fields[i]->is_custom, a);
    json_value from, to;
    if (f.HasMember("relation") && f["relation"].IsObject()) {
      auto& rel = f["relation"];
      bool many_to_one = get_string(rel, "type") == "MANY_TO_ONE";
      json_value side(rapidjson::kObjectType);
      side.AddMember("relationType", "ONE_TO_MANY", a);
      json_value other(rel["targetObjectMetadata"], a);
      std::string other_field;
      if (rel["targetFieldMetadata"].IsObject()) other_field = get_string(rel["targetFieldMetadata"], "id");
      side.AddMember(rapidjson::StringRef(many_to_one ? "fromFieldMetadataId" : "toFieldMetadataId"),
                     str_value(other_field, a), a);
      side.AddMember(rapidjson::StringRef(many_to_one ? "fromObjectMetadata" : "toObjectMetadata"), other, a);
      (many_to_one ? to : from) = side;
    }
    f.RemoveMember("relation");
    f.RemoveMember("settings");
    f.AddMember("fromRelationMetadata", from, a);
    f.AddMember("toRelationMetadata", to, a);
  }
}

http_response objects_or_fields(request_context& ctx, const http_request& req, const std::string& kind,
                                const std::vector<std::string>& seg, const query_params& q) {
  const bool objects = kind == "objects";
  const std::string singular = objects ? "Object" : "Field";
  rapidjson::Document doc;
  auto& a = doc.GetAllocator();
  const std::string method = req.method == "PUT" ? "PATCH" : req.method;
  if (seg.size() == 3 && method == "GET") {
    json_value all(rapidjson::kArrayType);
    for (auto& o : ctx.db.meta().objects()) {
      if (objects) {
        auto dto = object_dto(ctx.db.meta(), *o, a, "fields");
        if (ctx.release == twenty_release::v0_50) as_0_50(dto, *o, a);
        all.PushBack(dto, a);
      }
      else for (auto& f : o->fields) all.PushBack(field_dto(ctx.db.meta(), *o, *f, a), a);
    }
    auto p = paginate(all, q);
    if (!p) return rest_error(*p.error);
    rapidjson::StringBuffer sb;
    json_writer w(sb);
    w.StartObject();
    w.Key("data");
    w.StartObject();
    w.Key(kind.c_str());
    w.StartArray();
    for (auto item : p.value.items) item->Accept(w);
    w.EndArray();
    w.EndObject();
    write_page_info(w, p.value);
    w.Key("totalCount"); w.Uint64(all.Size());
    w.EndObject();
    return json_response(200, sb.GetString());
  }
  rapidjson::Document body;
  if ((method == "POST" || method == "PATCH") && !parse_json(req.body.empty() ? "{}" : req.body, body))
    return rest_error(bad_request("Invalid JSON body"));
  if (seg.size() == 3 && method == "POST") {
    if (objects) {
      auto o = md_create_object(ctx, body);
      if (!o) return rest_error(*o.error);
      return data_envelope(201, "createOneObject", to_json(object_dto(ctx.db.meta(), *o.value, a, "fields")));
    }
    auto f = md_create_field(ctx, body);
    if (!f) return rest_error(*f.error);
    object_def* owner = nullptr;
    ctx.db.meta().field_by_id(f.value->id, &owner);
    return data_envelope(201, "createOneField", to_json(field_dto(ctx.db.meta(), *owner, *f.value, a)));
  }
  if (seg.size() != 4) return rest_error(not_found("Cannot " + req.method + " " + req.target));
  const std::string& id = seg[3];
  if (!is_uuid(id)) return rest_error(bad_request("'" + id + "' is not a valid UUID"));
  if (method == "GET") {
    object_def* owner = nullptr;
    if (objects) {
      auto o = ctx.db.meta().by_id(id);
      if (!o) return rest_error(not_found("Object does not exist"));
      return data_envelope(200, "object", to_json(object_dto(ctx.db.meta(), *o, a, "fields")));
    }
    auto f = ctx.db.meta().field_by_id(id, &owner);
    if (!f) return rest_error(not_found("Field does not exist"));
    return data_envelope(200, "field", to_json(field_dto(ctx.db.meta(), *owner, *f, a)));
  }
  if (method == "PATCH") {
    if (objects) {
      auto o = md_update_object(ctx, id, body);
      if (!o) return rest_error(*o.error);
      return data_envelope(200, "updateOneObject", to_json(object_dto(ctx.db.meta(), *o.value, a, "fields")));
    }
    auto f = md_update_field(ctx, id, body);
    if (!f) return rest_error(*f.error);
    object_def* owner = nullptr;
    ctx.db.meta().field_by_id(id, &owner);
    return data_envelope(200, "updateOneField", to_json(field_dto(ctx.db.meta(), *owner, *f.value, a)));
  }
  if (method == "DELETE") {
    auto dto = objects ? md_delete_object(ctx, id, true) : md_delete_field(ctx, id);
    if (!dto) return rest_error(*dto.error);
    return data_envelope(200, objects ? "deleteOneObject" : "deleteOneField", dto.value);
  }
  return rest_error(not_found("Cannot " + req.method + " " + req.target));
}

http_response webhooks_route(request_context& ctx, const http_request& req, const std::vector<std::string>& seg,
                             const query_params& q, bool legacy) {
  rapidjson::Document doc;
  auto& a = doc.GetAllocator();
  const std::string method = req.method == "PUT" ? "PATCH" : req.method;
  const std::size_t base = legacy ? 2 : 3;  // segments before the id
  http_response res;
  if (seg.size() == base && method == "GET") {
    json_value all(rapidjson::kArrayType);
    for (auto& h : *ctx.webhooks) all.PushBack(webhook_dto(h, a), a);
    if (legacy) {
      res = json_response(200, to_json(all));
    } else {
      auto p = paginate(all, q);
      if (!p) return rest_error(*p.error);
      rapidjson::StringBuffer sb;
      json_writer w(sb);
      w.StartObject();
      w.Key("data");
      w.StartArray();
      for (auto item : p.value.items) item->Accept(w);
      w.EndArray();
      write_page_info(w, p.value);
      w.Key("totalCount"); w.Uint64(all.Size());
      w.EndObject();
      res = json_response(200, sb.GetString());
    }
  } else {
    rapidjson::Document body;
    if ((method == "POST" || method == "PATCH") && !parse_json(req.body.empty() ? "{}" : req.body, body))
      return rest_error(bad_request("Invalid JSON body"));
    if (seg.size() == base && method == "POST") {
      auto h = md_create_webhook(ctx, body);
      if (!h) return rest_error(*h.error);
      res = json_response(201, to_json(webhook_dto(*h.value, a)));
    } else if (seg.size() == base + 1) {
      const std::string& id = seg[base];
      if (!is_uuid(id)) return rest_error(bad_request("'" + id + "' is not a valid UUID"));
      if (method == "GET") {
        auto it = std::find_if(ctx.webhooks->begin(), ctx.webhooks->end(), [&](auto& h) { return h.id == id; });
        if (it == ctx.webhooks->end()) return rest_error(not_found("Webhook not found"));
        res = json_response(200, to_json(webhook_dto(*it, a)));
      } else if (method == "PATCH") {
        auto h = md_update_webhook(ctx, id, body);
        if (!h) return rest_error(*h.error);
        res = json_response(200, to_json(webhook_dto(*h.value, a)));
      } else if (method == "DELETE") {
        auto h = md_delete_webhook(ctx, id);
        if (!h) return rest_error(*h.error);
        res = json_response(200, "true");
      } else {
        return rest_error(not_found("Cannot " + req.method + " " + req.target));
      }
    } else {
      return rest_error(not_found("Cannot " + req.method + " " + req.target));
    }
  }
  if (legacy) {
    res.headers.emplace_back("Deprecation", "@1786320000");
    res.headers.emplace_back("Link", "</rest/metadata/webhooks>; rel=\"successor-version\"");
  }
  return res;
}

}  // namespace

http_response handle_rest_metadata(request_context& ctx, const http_request& req,
                                   const std::string& path, const query_params& q) {
  auto seg = split(path);  // rest, metadata, kind[, id]  or  rest, webhooks[, id]
  if (seg.size() >= 2 && seg[1] == "webhooks") return webhooks_route(ctx, req, seg, q, true);
  if (seg.size() >= 3 && seg[2] == "webhooks") return webhooks_route(ctx, req, seg, q, false);
  if (seg.size() >= 3 && (seg[2] == "objects" || seg[2] == "fields"))
    return objects_or_fields(ctx, req, seg[2], seg, q);
  return rest_error(not_found("Cannot " + req.method + " " + path));
}

}  // namespace standin

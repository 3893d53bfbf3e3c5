// /metadata: objects / fields (cursor-paged connections), webhooks, and schema mutations.
#include "graphql_exec.hpp"
#include "metadata.hpp"

namespace standin {

namespace {

constexpr std::size_t default_page = 10, max_page = 1000;

class metadata_exec {
public:
  metadata_exec(request_context& ctx, const gql_operation& op, const json_value& vars)
    : ctx_(ctx), op_(op), vars_(vars), a_(out_.GetAllocator()) {}

  std::string run() {
    out_.SetObject();
    const bool mutation = op_.type == "mutation";
    for (auto& f : op_.selection) {
      json_value v;
      std::optional<gql_error> err;
      if (f.name == "__typename") v = str_value(mutation ? "Mutation" : "Query", a_);
      else err = mutation ? mutate(f, v) : query(f, v);
      if (err) {
        if (err->code == "GRAPHQL_VALIDATION_FAILED") return gql_error_body({*err}, nullptr);
        err->path = f.key();
        errors_.push_back(*err);
        v.SetNull();
      }
      out_.AddMember(str_value(f.key(), a_), v, a_);
    }
    if (!errors_.empty()) return gql_error_body(errors_, &out_);
    rapidjson::StringBuffer sb;
    json_writer w(sb);
    w.StartObject();
    w.Key("data");
    out_.Accept(w);
    w.EndObject();
    return sb.GetString();
  }

private:
  static gql_error invalid(const std::string& field, const std::string& type) {
    return {"Cannot query field \"" + field + "\" on type \"" + type + "\".", "GRAPHQL_VALIDATION_FAILED", ""};
  }
  static gql_error from(const api_error& e) { return {e.message, gql_code_for(e), ""}; }

  // Projects a DTO through a selection; unknown fields are validation errors, as on v2.43.
  std::optional<gql_error> project(const json_value& node, const std::vector<gql_field>& sel,
                                   const std::string& type, json_value& out) {
    out.SetObject();
    for (auto& f : sel) {
      json_value item;
      if (f.name == "__typename") {
        item = str_value(type, a_);
      } else if (auto old = release_metadata_field(ctx_.release, type, f.name, is_relation(node, type),
                                                   is_custom(node, type))) {
        if (old->as_bool) item.SetBool(*old->as_bool);
        else if (!old->field_error.empty()) errors_.push_back({old->field_error, "INTERNAL_SERVER_ERROR", ""});
        else if (old->relation_definition && node.HasMember("relation") && node["relation"].IsObject()) {
          if (auto err = project(relation_definition(node["relation"]), f.selection, "RelationDefinition", item))
            return err;
        }
        if (old->unknown) return invalid(f.name, type);
      } else if (type == "Object" && f.name == "fields") {
        json_value fields(rapidjson::kArrayType);
        object_def* o = ctx_.db.meta().by_id(node["id"].GetString());
        for (auto& fd : o->fields) fields.PushBack(field_dto(ctx_.db.meta(), *o, *fd, a_), a_);
        if (auto err = connection(fields, f, "Field", item)) return err;
      } else if (node.HasMember(f.name.c_str())) {
        const json_value& v = node[f.name.c_str()];
        std::string sub_type = f.name == "relation" ? "Relation"
                               : f.name == "fieldsList" ? "Field"
                               : (f.name.find("ObjectMetadata") != std::string::npos ? "Object" : "Field");
        if (!f.selection.empty() && v.IsObject()) {
          if (auto err = project(v, f.selection, sub_type, item)) return err;
        } else if (!f.selection.empty() && v.IsArray()) {
          item.SetArray();
          for (auto& e : v.GetArray()) {
            json_value pe;
            if (e.IsObject()) { if (auto err = project(e, f.selection, sub_type, pe)) return err; }
            else pe.CopyFrom(e, a_);
            item.PushBack(pe, a_);
          }
        } else {
          item.CopyFrom(v, a_);
        }
      } else {
        return invalid(f.name, type);
      }
      out.AddMember(str_value(f.key(), a_), item, a_);
    }
    return std::nullopt;
  }

  static bool is_relation(const json_value& node, const std::string& type) {
    return type == "Field" && get_string(node, "type") == "RELATION";
  }

  // The workspace's own objects and fields; the DTOs (v2.43) carry no isCustom.
  bool is_custom(const json_value& node, const std::string& type) const {
    if (type == "Object")
      if (auto o = ctx_.db.meta().by_id(get_string(node, "id"))) return o->is_custom;
    if (type == "Field")
      if (auto o = ctx_.db.meta().by_id(get_string(node, "objectMetadataId")))
        for (auto& fd : o->fields)
          if (fd->id == get_string(node, "id")) return fd->is_custom;
    return false;
  }

  // 0.50's relationDefinition from the newest `relation` DTO: `type` is called `direction`.
  json_value relation_definition(const json_value& relation) {
    json_value d(relation, a_);
    if (d.HasMember("type")) {
      json_value direction(d["type"], a_);
      d.RemoveMember("type");
      d.AddMember("direction", direction, a_);
    }
    return d;
  }

  // Generic filter on DTO keys: {key: {eq|neq|in|is}} with and/or lists.
  bool matches(const json_value& node, const json_value& filter) {
    if (!filter.IsObject()) return true;
    for (auto it = filter.MemberBegin(); it != filter.MemberEnd(); ++it) {
      std::string key = it->name.GetString();
      if (key == "and" || key == "or") {
        if (!it->value.IsArray()) continue;
        bool any = false, all = true;
        for (auto& sub : it->value.GetArray()) { bool m = matches(node, sub); any = any || m; all = all && m; }
        if (key == "and" ? !all : !any) return false;
        continue;
      }
      if (!node.HasMember(key.c_str()) || !it->value.IsObject()) return false;
      const json_value& v = node[key.c_str()];
      for (auto op = it->value.MemberBegin(); op != it->value.MemberEnd(); ++op) {
        std::string o = op->name.GetString();
        if (o == "eq" || o == "is") { if (!(v == op->value)) return false; }
        else if (o == "neq" || o == "isNot") { if (v == op->value) return false; }
        else if (o == "in" && op->value.IsArray()) {
          bool found = false;
          for (auto& c : op->value.GetArray()) found = found || v == c;
          if (!found) return false;
        }
      }
    }
    return true;
  }

  // Offset cursors, as nestjs-query writes them: base64("arrayconnection:<index>").
  std::optional<gql_error> connection(const json_value& all_in, const gql_field& f, const std::string& type,
                                      json_value& out) {
    json_value args = gql_args(f, vars_, op_.variable_defaults, a_);
    std::vector<const json_value*> all;
    for (auto& n : all_in.GetArray())
      if (!args.HasMember("filter") || matches(n, args["filter"])) all.push_back(&n);
    std::size_t first = default_page, begin = 0, end = all.size();
    bool backward = false;
    auto decode = [](const json_value& c) -> std::optional<std::size_t> {
      if (!c.IsString()) return std::nullopt;
      auto raw = base64_decode(c.GetString());
      if (!raw || raw->rfind("arrayconnection:", 0) != 0) return std::nullopt;
      return static_cast<std::size_t>(std::stoul(raw->substr(16)));
    };
    if (args.HasMember("paging") && args["paging"].IsObject()) {
      auto& p = args["paging"];
      for (const char* k : {"first", "last"})
        if (p.HasMember(k) && p[k].IsInt64()) {
          auto n = p[k].GetInt64();
          if (n < 0 || static_cast<std::size_t>(n) > max_page)
            return gql_error{"Field paging." + std::string(k) + " max allowed value is `1000`.", "BAD_USER_INPUT", ""};
          first = static_cast<std::size_t>(n);
          backward = std::string(k) == "last";
        }
      if (p.HasMember("after") && !p["after"].IsNull()) {
        auto i = decode(p["after"]);
        if (!i) return gql_error{"Invalid cursor", "BAD_USER_INPUT", ""};
        begin = std::min(all.size(), *i + 1);
      }
      if (p.HasMember("before") && !p["before"].IsNull()) {
        auto i = decode(p["before"]);
        if (!i) return gql_error{"Invalid cursor", "BAD_USER_INPUT", ""};
        end = std::min(all.size(), *i);
        backward = true;
      }
    }
    if (backward) begin = std::max(begin, end > first ? end - first : 0);
    else end = std::min(end, begin + first);
    out.SetObject();
    for (auto& s : f.selection) {
      json_value item;
      if (s.name == "__typename") item = str_value(type + "Connection", a_);
      else if (s.name == "totalCount") item.SetUint64(all.size());
      else if (s.name == "edges") {
        item.SetArray();
        for (std::size_t i = begin; i < end; ++i) {
          json_value edge(rapidjson::kObjectType);
          for (auto& e : s.selection) {
            json_value ev;
            if (e.name == "node") { if (auto err = project(*all[i], e.selection, type, ev)) return err; }
            else if (e.name == "cursor") ev = str_value(base64_encode("arrayconnection:" + std::to_string(i)), a_);
            else if (e.name == "__typename") ev = str_value(type + "Edge", a_);
            else return invalid(e.name, type + "Edge");
            edge.AddMember(str_value(e.key(), a_), ev, a_);
          }
          item.PushBack(edge, a_);
        }
      } else if (s.name == "pageInfo") {
        item.SetObject();
        for (auto& p : s.selection) {
          json_value pv;
          if (p.name == "hasNextPage") pv.SetBool(end < all.size());
          else if (p.name == "hasPreviousPage") pv.SetBool(begin > 0);
          else if (p.name == "startCursor" && begin < end) pv = str_value(base64_encode("arrayconnection:" + std::to_string(begin)), a_);
          else if (p.name == "endCursor" && begin < end) pv = str_value(base64_encode("arrayconnection:" + std::to_string(end - 1)), a_);
          else if (p.name == "__typename") pv = str_value("PageInfo", a_);
          item.AddMember(str_value(p.key(), a_), pv, a_);
        }
      } else {
        return invalid(s.name, type + "Connection");
      }
      out.AddMember(str_value(s.key(), a_), item, a_);
    }
    return std::nullopt;
  }

  std::optional<gql_error> query(const gql_field& f, json_value& v) {
    auto& s = ctx_.db.meta();
    json_value args = gql_args(f, vars_, op_.variable_defaults, a_);
    std::string id = get_string(args, "id");
    if (f.name == "objects" || f.name == "fields") {
      json_value all(rapidjson::kArrayType);
      for (auto& o : s.objects()) {
        if (f.name == "objects") all.PushBack(object_dto(s, *o, a_, "fieldsList"), a_);
        else for (auto& fd : o->fields) all.PushBack(field_dto(s, *o, *fd, a_), a_);
      }
      return connection(all, f, f.name == "objects" ? "Object" : "Field", v);
    }
    if (f.name == "object") {
      auto o = s.by_id(id);
      if (!o) return from(not_found("Object does not exist"));
      return project(object_dto(s, *o, a_, "fieldsList"), f.selection, "Object", v);
    }
    if (f.name == "field") {
      object_def* owner = nullptr;
      auto fd = s.field_by_id(id, &owner);
      if (!fd) return from(not_found("Field does not exist"));
      return project(field_dto(s, *owner, *fd, a_), f.selection, "Field", v);
    }
    if ((f.name == "webhooks" || f.name == "webhook") && !release_has_metadata_webhooks(ctx_.release))
      return invalid(f.name, "Query");
    if (f.name == "webhooks" || f.name == "webhook") {
      v.SetArray();
      for (auto& h : *ctx_.webhooks) {
        if (f.name == "webhook" && h.id != id) continue;
        json_value p;
        if (auto err = project(webhook_dto(h, a_), f.selection, "Webhook", p)) return err;
        if (f.name == "webhook") { v = p; return std::nullopt; }
        v.PushBack(p, a_);
      }
      if (f.name == "webhook") return from(not_found("Webhook not found"));
      return std::nullopt;
    }
    return invalid(f.name, "Query");
  }

  std::optional<gql_error> mutate(const gql_field& f, json_value& v) {
    auto& s = ctx_.db.meta();
    ctx_.wrote = true;
    json_value args = gql_args(f, vars_, op_.variable_defaults, a_);
    static const json_value empty(rapidjson::kObjectType);
    const json_value& input = args.HasMember("input") ? args["input"] : empty;
    auto member = [&](const char* k) -> const json_value& { return input.IsObject() && input.HasMember(k) ? input[k] : empty; };
    std::string id = get_string(input, "id", get_string(args, "id"));
    auto parse_dto = [&](const std::string& text, const std::string& type) -> std::optional<gql_error> {
      rapidjson::Document d;
      parse_json(text, d);
      return project(json_value(d, a_), f.selection, type, v);
    };
    if (f.name == "createOneObject") {
      auto o = md_create_object(ctx_, member("object"));
      if (!o) return from(*o.error);
      return project(object_dto(s, *o.value, a_, "fieldsList"), f.selection, "Object", v);
    }
    if (f.name == "updateOneObject") {
      auto o = md_update_object(ctx_, id, member("update"));
      if (!o) return from(*o.error);
      return project(object_dto(s, *o.value, a_, "fieldsList"), f.selection, "Object", v);
    }
    if (f.name == "deleteOneObject") {
      auto dto = md_delete_object(ctx_, id, false);
      if (!dto) return from(*dto.error);
      return parse_dto(dto.value, "Object");
    }
    if (f.name == "createOneField" || f.name == "updateOneField") {
      auto fd = f.name == "createOneField" ? md_create_field(ctx_, member("field"))
                                           : md_update_field(ctx_, id, member("update"));
      if (!fd) return from(*fd.error);
      object_def* owner = nullptr;
      s.field_by_id(fd.value->id, &owner);
      return project(field_dto(s, *owner, *fd.value, a_), f.selection, "Field", v);
    }
    if (f.name == "deleteOneField") {
      auto dto = md_delete_field(ctx_, id);
      if (!dto) return from(*dto.error);
      return parse_dto(dto.value, "Field");
    }
    const bool webhook_mutation = f.name == "createWebhook" || f.name == "updateWebhook" || f.name == "deleteWebhook";
    if (webhook_mutation && !release_has_metadata_webhooks(ctx_.release)) return invalid(f.name, "Mutation");
    if (f.name == "createWebhook" || f.name == "updateWebhook") {
      auto h = f.name == "createWebhook" ? md_create_webhook(ctx_, input) : md_update_webhook(ctx_, id, member("update"));
      if (!h) return from(*h.error);
      return project(webhook_dto(*h.value, a_), f.selection, "Webhook", v);
    }
    if (f.name == "deleteWebhook") {
      auto h = md_delete_webhook(ctx_, id);
      if (!h) return from(*h.error);
      return project(webhook_dto(h.value, a_), f.selection, "Webhook", v);
    }
    return invalid(f.name, "Mutation");
  }

  request_context& ctx_;
  const gql_operation& op_;
  const json_value& vars_;
  rapidjson::Document out_;
  json_alloc& a_;
  std::vector<gql_error> errors_;
};

}  // namespace

std::string execute_metadata_graphql(request_context& ctx, const gql_operation& op,
                                     const json_value& variables) {
  metadata_exec exec(ctx, op, variables);
  return exec.run();
}

}  // namespace standin

#include "releases.hpp"

#include "json_util.hpp"

namespace standin {

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t at = 1;
  while (at <= path.size()) {
    auto next = path.find('/', at);
    if (next == std::string::npos) next = path.size();
    if (next > at) out.push_back(path.substr(at, next - at));
    at = next + 1;
  }
  return out;
}

bool old(twenty_release r) { return r != twenty_release::newest; }

// 0.50: rest-restore-*-form.json; 2.x: rest-restore-old-form.json.
http_response invalid_path(twenty_release r, const std::string& path) {
  std::string examples = r == twenty_release::v0_50
                           ? "/rest/companies/id or /rest/companies"
                           : "/rest/companies/id or /rest/companies or /rest/batch/companies";
  return rest_error(bad_request("Query path '" + path + "' invalid. Valid examples: " + examples));
}

// 0.50: rest-groupby.json, rest-companies-get-missing.json, rest-companies-get-bad-uuid.json.
http_response rest_api_exception() {
  return rest_error({400, "RestApiException", "Rest Api Exception", {}});
}

// Rewrites a JSON body in place; false when it is not JSON.
template <class F>
bool rewrite_json(http_response& res, F&& f) {
  rapidjson::Document d;
  if (!parse_json(res.body, d)) return false;
  f(d, d.GetAllocator());
  res.body = to_json(d);
  return true;
}

// 0.50 keeps webhooks as workspace records (rest-metadata-objects.json lists `webhook`, without
// applicationId): /rest/webhooks answers as every record route of 0.50 does.
void as_0_50_webhook_record(const std::string& method, const std::vector<std::string>& seg,
                            http_response& res) {
  res.headers.clear();  // rest-webhooks-core.json: no Deprecation header
  // rest-companies-get-missing.json: a missing record is the generic 400.
  if (method == "GET" && seg.size() == 3 && (res.status == 404 || res.status == 400)) {
    res = rest_api_exception();
    return;
  }
  if (res.status >= 300) return;
  rewrite_json(res, [&](rapidjson::Document& d, json_alloc& a) {
    auto strip = [](json_value& w) {
      if (w.IsObject()) w.RemoveMember("applicationId");
    };
    json_value data(rapidjson::kObjectType);
    if (seg.size() == 2 && method == "GET") {
      // rest-webhooks-core.json: {data:{webhooks:[…]}, pageInfo} without totalCount.
      json_value list(d, a);
      if (!list.IsArray()) list.SetArray();
      for (auto& w : list.GetArray()) strip(w);
      data.AddMember("webhooks", list, a);
      json_value info(rapidjson::kObjectType);
      info.AddMember("hasNextPage", false, a);
      info.AddMember("startCursor", json_value(), a);
      info.AddMember("endCursor", json_value(), a);
      d.SetObject();
      d.AddMember("data", data, a);
      d.AddMember("pageInfo", info, a);
      return;
    }
    // rest-create.json, rest-companies-get.json: {data:{createWebhook|webhook|updateWebhook:{…}}};
    // a delete names the id only, as record deletes do.
    const char* key = method == "POST" ? "createWebhook" : method == "GET" ? "webhook"
                    : method == "DELETE" ? "deleteWebhook" : "updateWebhook";
    json_value one(rapidjson::kObjectType);
    if (method == "DELETE") one.AddMember("id", str_value(seg.size() == 3 ? seg[2] : "", a), a);
    else one.CopyFrom(d, a);
    strip(one);
    data.AddMember(json_value(key, a), one, a);
    d.SetObject();
    d.AddMember("data", data, a);
  });
}

}  // namespace

bool release_has_metadata_webhooks(twenty_release r) { return r != twenty_release::v0_50; }

std::optional<twenty_release> parse_release(const std::string& name) {
  if (name == "0.50") return twenty_release::v0_50;
  if (name == "2.5") return twenty_release::v2_5;
  if (name == "2.19") return twenty_release::v2_19;
  if (name == "newest") return twenty_release::newest;
  return std::nullopt;
}

const char* release_name(twenty_release r) {
  switch (r) {
    case twenty_release::v0_50: return "0.50";
    case twenty_release::v2_5: return "2.5";
    case twenty_release::v2_19: return "2.19";
    case twenty_release::newest: break;
  }
  return "newest";
}

std::optional<http_response> release_auth_failure(twenty_release r, bool missing) {
  // 0.50: rest-no-key.json and rest-bad-key.json answer alike.
  if (r == twenty_release::v0_50)
    return rest_error({400, "ForbiddenException", "Forbidden resource", {}});
  // 2.5: rest-bad-key.json ("No payload"; 2.19 says "Token invalid." as the newest).
  if (r == twenty_release::v2_5 && !missing)
    return json_response(401, R"({"statusCode":401,"messages":["No payload"],"error":"UNAUTHENTICATED"})");
  return std::nullopt;
}

std::optional<http_response> release_rest_answer(twenty_release r, const std::string& method,
                                                 const std::string& path, const query_params& q) {
  if (!old(r)) return std::nullopt;
  auto seg = segments(path);  // "rest", ...
  if (seg.size() < 2 || seg[0] != "rest") return std::nullopt;
  const bool metadata = seg[1] == "metadata";
  // rest-restore-new-form.json / rest-restore-old-form.json: neither route exists.
  if (method == "PATCH" && !metadata && (seg[1] == "restore" || seg.back() == "restore")) {
    if (r != twenty_release::v0_50 && seg.size() == 4 && seg.back() == "restore")
      return rest_error(bad_request("'" + seg[2] + "ore' is not a valid UUID"));
    return invalid_path(r, path);
  }
  if (r != twenty_release::v0_50) return std::nullopt;
  // 0.50: rest-webhooks.json (a plain Nest 400).
  if (metadata && seg.size() >= 3 && seg[2] == "webhooks")
    return json_response(400, "{\"statusCode\":400,\"message\":\"Query path '" + path
                                + "' invalid. Metadata path \\\"webhooks\\\" does not exist. Valid examples: "
                                  "/rest/metadata/fields or /rest/metadata/objects or "
                                  "/rest/metadata/relations\",\"error\":\"Bad Request\"}");
  if (metadata || seg[1] == "webhooks") return std::nullopt;
  // 0.50: rest-groupby.json.
  if (method == "GET" && seg.size() == 3 && seg[2] == "groupBy") return rest_api_exception();
  // 0.50: rest-companies-order-by.json and rest-companies-order-by-asc.json.
  if (method == "GET" && seg.size() == 2 && query_get(q, "order_by"))
    return rest_error({400, "TypeError", "Cannot read properties of undefined (reading 'fields')", {}});
  return std::nullopt;
}

void release_rest_rewrite(twenty_release r, const std::string& method, const std::string& path,
                          http_response& res) {
  if (!old(r)) return;
  auto seg = segments(path);
  if (seg.size() < 2 || seg[0] != "rest") return;
  const bool metadata = seg[1] == "metadata";
  // rest-bad-limit.json of every recorded release: no CustomException `code` in the body.
  if (res.status >= 400 && res.status != 429)
    rewrite_json(res, [](rapidjson::Document& d, json_alloc&) {
      if (d.IsObject()) d.RemoveMember("code");
    });
  // 2.5: rest-429.json: the old body, without Retry-After or X-RateLimit-* headers.
  if (r == twenty_release::v2_5 && res.status == 429) {
    rapidjson::Document d;
    std::string message = "Limit reached";
    if (parse_json(res.body, d) && d.IsObject() && d.HasMember("messages") && d["messages"].IsArray()
        && !d["messages"].Empty() && d["messages"][0].IsString())
      message = d["messages"][0].GetString();
    res = rest_error({429, "HttpException", message, {}});
    return;
  }
  // 2.x: rest-webhooks.json: the metadata webhooks list is a bare array.
  if (metadata && seg.size() == 3 && seg[2] == "webhooks" && method == "GET" && res.status == 200) {
    rewrite_json(res, [](rapidjson::Document& d, json_alloc& a) {
      if (d.IsObject() && d.HasMember("data") && d["data"].IsArray()) {
        json_value list(d["data"], a);
        d.SetArray();
        for (auto& w : list.GetArray()) d.PushBack(json_value(w, a), a);
      }
    });
    return;
  }
  if (metadata) return;
  if (r != twenty_release::v0_50) {
    // 2.5 and 2.19: rest-groupby-stage.json: only the dimension values, in a bare array.
    if (method == "GET" && seg.size() == 3 && seg[2] == "groupBy" && res.status == 200)
      rewrite_json(res, [](rapidjson::Document& d, json_alloc& a) {
        if (!d.IsObject() || !d.HasMember("data") || !d["data"].IsObject() || d["data"].MemberCount() != 1) return;
        json_value groups(d["data"].MemberBegin()->value, a);
        d.SetArray();
        if (!groups.IsArray()) return;
        for (auto& g : groups.GetArray()) {
          json_value only(rapidjson::kObjectType);
          if (g.IsObject() && g.HasMember("groupByDimensionValues"))
            only.AddMember("groupByDimensionValues", json_value(g["groupByDimensionValues"], a), a);
          d.PushBack(only, a);
        }
      });
    return;
  }
  if (seg[1] == "webhooks") {
    as_0_50_webhook_record(method, seg, res);
    return;
  }
  // 0.50: rest-companies-get-missing.json and -get-bad-uuid.json: one generic 400 for both.
  if (method == "GET" && seg.size() == 3 && seg[2] != "groupBy" && (res.status == 404 || res.status == 400)) {
    res = rest_api_exception();
    return;
  }
  // 0.50: rest-batch-create.json: {"data":{"data":{"createCompanies":[…]}}}.
  if (method == "POST" && seg.size() == 3 && seg[1] == "batch" && res.status == 201) {
    rewrite_json(res, [](rapidjson::Document& d, json_alloc& a) {
      if (!d.IsObject() || !d.HasMember("data")) return;
      json_value inner(rapidjson::kObjectType);
      inner.AddMember("data", json_value(d["data"], a), a);
      d["data"] = inner;
    });
    return;
  }
  // 0.50: rest-companies-list.json: pageInfo has no hasPreviousPage.
  if (method == "GET" && seg.size() == 2 && res.status == 200)
    rewrite_json(res, [](rapidjson::Document& d, json_alloc&) {
      if (d.IsObject() && d.HasMember("pageInfo") && d["pageInfo"].IsObject())
        d["pageInfo"].RemoveMember("hasPreviousPage");
    });
}

std::optional<metadata_selection> release_metadata_field(twenty_release r, const std::string& type,
                                                         const std::string& field,
                                                         bool is_relation, bool is_custom) {
  if (field == "isCustom" && (type == "Object" || type == "Field")) {
    // 0.50 and 2.5 know isCustom (rest-metadata-objects.json); 2.19 and newer do not.
    if (r == twenty_release::v0_50 || r == twenty_release::v2_5) {
      metadata_selection s;
      s.as_bool = is_custom;
      return s;
    }
    return std::nullopt;
  }
  if (type != "Field" || r != twenty_release::v0_50) return std::nullopt;
  metadata_selection s;
  // 0.50: metadata-graphql-relation.json: null, and one error per relation field.
  if (field == "relation") {
    if (is_relation) s.field_error = "New relation feature is not enabled for this workspace";
    return s;
  }
  // 0.50: metadata-graphql-relationDefinition.json.
  if (field == "relationDefinition") {
    s.relation_definition = true;
    return s;
  }
  return std::nullopt;
}

}  // namespace standin

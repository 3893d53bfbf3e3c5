#include "app.hpp"

#include "graphql_exec.hpp"
#include "metadata.hpp"
#include "rest.hpp"

namespace standin {

namespace {

std::string bearer_token(const http_request& req, bool& present) {
  std::string h = req.header("Authorization");
  present = false;
  if (h.size() < 7 || to_lower(h.substr(0, 7)) != "bearer ") return {};
  std::string token = h.substr(7);
  while (!token.empty() && token.front() == ' ') token.erase(0, 1);
  present = !token.empty();
  return token;
}

http_response graphql_auth_error(const std::string& message) {
  return json_response(200, gql_error_body({{message, "UNAUTHENTICATED", ""}}, nullptr));
}

}  // namespace

app::app(app_config cfg)
  : cfg_(std::move(cfg)),
    schema_(cfg_.seed.seed, cfg_.seed.anchor_ms - 400LL * 86400000, cfg_.release),
    store_(schema_),
    limiter_(cfg_.rate),
    faults_(cfg_.faults) {
  rng ids(cfg_.seed.seed ^ 0xA11CE5ULL);
  workspace_id_ = ids.uuid_v4();
  for (auto& k : cfg_.api_keys) key_ids_[k] = ids.uuid_v4();
  if (cfg_.seed_data) seeded_ = seed_workspace(store_, cfg_.seed);
}

std::string app::api_key_id(const std::string& key) const {
  auto it = key_ids_.find(key);
  return it == key_ids_.end() ? std::string() : it->second;
}

std::string app::route_key(const std::string& method, const std::string& path) const {
  if (path.rfind("/rest/metadata/", 0) == 0 || path.rfind("/rest/webhooks", 0) == 0) {
    // /rest/metadata/objects/<id> -> /rest/metadata/objects/{id}
    auto last = path.find_last_of('/');
    std::string tail = path.substr(last + 1);
    return method + " " + (is_uuid(tail) ? path.substr(0, last) + "/{id}" : path);
  }
  if (path == "/rest" || path.rfind("/rest/", 0) == 0) {
    auto r = classify_rest(method, path);
    return r.method + " " + r.pattern;
  }
  return method + " " + path;
}

app_outcome app::handle(const http_request& req) {
  auto qpos = req.target.find('?');
  std::string path = req.target.substr(0, qpos);
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  query_params q = qpos == std::string::npos ? query_params{} : parse_query(req.target.substr(qpos + 1));
  app_outcome out;
  if (path.rfind("/_standin/", 0) == 0) {
    out.response = handle_admin(req, path);
    return out;
  }
  if (path == "/healthz") {
    out.response = json_response(200, "{\"status\":\"ok\"}");
    return out;
  }
  stats_.count_request(route_key(req.method, path));
  // Faults come first: an injected failure never reaches the workspace.
  out.fault = faults_.next();
  if (out.fault.kind != fault_kind::none) {
    stats_.count_fault(std::string(fault_name(out.fault.kind)));
    if (out.fault.kind == fault_kind::server_error) {
      static const char* names[] = {"InternalServerErrorException", "BadGatewayException",
                                    "ServiceUnavailableException"};
      int i = out.fault.status == 500 ? 0 : (out.fault.status == 502 ? 1 : 2);
      out.response = rest_error({out.fault.status, names[i], "Injected fault (stand-in)", {}});
    }
    return out;
  }
  const bool is_graphql = path == "/graphql" || path == "/metadata";
  const bool is_rest = path == "/rest" || path.rfind("/rest/", 0) == 0;
  if (!is_graphql && !is_rest) {
    out.response = json_response(404, "{\"message\":\"Cannot " + req.method + " " + path
                                          + "\",\"error\":\"Not Found\",\"statusCode\":404}");
    return out;
  }
  bool present = false;
  std::string key = bearer_token(req, present);
  if (!present || !key_ids_.count(key))
    if (auto old = release_auth_failure(cfg_.release, !present); old && !is_graphql) {
      out.response = *old;
      return out;
    }
  if (!present) {
    out.response = is_graphql ? graphql_auth_error("Missing authentication token")
                              : json_response(403, "{\"statusCode\":403,\"messages\":[\"Missing authentication token\"],"
                                                   "\"error\":\"FORBIDDEN_EXCEPTION\"}");
    return out;
  }
  if (!key_ids_.count(key)) {
    out.response = is_graphql ? graphql_auth_error("Token invalid.")
                              : json_response(401, "{\"statusCode\":401,\"messages\":[\"Token invalid.\"],"
                                                   "\"error\":\"UNAUTHENTICATED\"}");
    return out;
  }
  auto api = handle_api(req, path, q, key);
  api.fault = out.fault;
  return api;
}

app_outcome app::handle_api(const http_request& req, const std::string& path, const query_params& q,
                            const std::string& key) {
  app_outcome out;
  request_context ctx{store_, actor_info{"API", "Stand-in API key", ""}, cfg_.clock(), {}, false,
                      &webhooks_, workspace_id_, cfg_.release};
  // 0.50 has no GraphQL groupBy (added in 1.x); --no-graphql-group-by says the same of any mode.
  ctx.graphql_group_by = cfg_.graphql_group_by && cfg_.release != twenty_release::v0_50;
  const std::string key_id = key_ids_.at(key);
  auto throttle = [&](const std::string& op) -> std::optional<http_response> {
    auto d = limiter_.consume(key_id, cfg_.clock());
    if (d.allowed) return std::nullopt;
    stats_.count_rate_limited();
    return rate_limited_response(d, key_id, op);
  };
  const bool metadata_rest = path.rfind("/rest/metadata", 0) == 0 || path.rfind("/rest/webhooks", 0) == 0;
  if (path == "/graphql" || path == "/metadata") {
    gql_request gr;
    std::string err;
    gql_error perr;
    if (req.method != "POST" || !parse_gql_request(req.body, gr, &err)) {
      out.response = json_response(400, gql_error_body({{err.empty() ? "GraphQL requests must be POST" : err,
                                                         "BAD_REQUEST", ""}}, nullptr));
      return out;
    }
    auto op = parse_graphql(gr.query, gr.operation_name, &perr);
    if (!op) {
      out.response = json_response(200, gql_error_body({perr}, nullptr));
      return out;
    }
    const bool mutation = op.value.type == "mutation";
    std::unique_lock<std::shared_mutex> wlock(mu_, std::defer_lock);
    std::shared_lock<std::shared_mutex> rlock(mu_, std::defer_lock);
    if (mutation) wlock.lock(); else rlock.lock();
    std::string body;
    if (path == "/metadata") {
      body = execute_metadata_graphql(ctx, op.value, gr.variables);
    } else {
      token_fn take = [&]() -> std::optional<api_error> {
        auto d = limiter_.consume(key_id, cfg_.clock());
        if (d.allowed) return std::nullopt;
        stats_.count_rate_limited();
        return api_error{429, "RATE_LIMITED", "Limit reached (" + std::to_string(static_cast<long long>(d.limit))
                                                + " tokens per " + std::to_string(d.ttl_ms) + " ms)", {}};
      };
      body = execute_core_graphql(ctx, op.value, gr.variables, take);
    }
    out.response = json_response(200, std::move(body));
  } else {
    // 0.50's webhooks are records: rate limited as every record route is.
    const bool records = !metadata_rest || (cfg_.release == twenty_release::v0_50 && path.rfind("/rest/webhooks", 0) == 0);
    if (records)
      if (auto limited = throttle(req.method == "GET" ? "read" : "write")) {
        out.response = *limited;
        release_rest_rewrite(cfg_.release, req.method, path, out.response);
        return out;
      }
    if (auto old = release_rest_answer(cfg_.release, req.method, path, q)) {
      out.response = *old;
      return out;
    }
    const bool read = req.method == "GET";
    std::unique_lock<std::shared_mutex> wlock(mu_, std::defer_lock);
    std::shared_lock<std::shared_mutex> rlock(mu_, std::defer_lock);
    if (read) rlock.lock(); else wlock.lock();
    out.response = metadata_rest ? handle_rest_metadata(ctx, req, path, q) : handle_rest_records(ctx, req, path, q);
    if (metadata_rest && !read && out.response.status < 400) ctx.wrote = true;
    release_rest_rewrite(cfg_.release, req.method, path, out.response);
  }
  if (!ctx.events.empty()) {
    std::shared_lock<std::shared_mutex> lock(mu_);
    out.webhooks = webhook_jobs(webhooks_, ctx.events, workspace_id_, ctx.now_ms);
  }
  if (ctx.wrote) stats_.count_write();
  return out;
}

http_response app::handle_admin(const http_request& req, const std::string& path) {
  if (path == "/_standin/stats" && req.method == "GET")
    return json_response(200, stats_.to_json(limiter_.config().short_bucket.ttl_ms,
                                             limiter_.busiest_window()));
  if (path == "/_standin/reset-stats" && req.method == "POST") {
    stats_.reset();
    limiter_.forget_admitted();
    return json_response(200, "{\"ok\":true}");
  }
  if (path == "/_standin/faults") {
    fault_config c = faults_.config();
    if (req.method == "POST") {
      if (auto err = parse_fault_config(req.body, c); !err.empty())
        return json_response(400, "{\"error\":\"" + err + "\"}");
      faults_.configure(c);
    }
    return json_response(200, fault_config_json(c));
  }
  if (path == "/_standin/rate-limits") {
    rate_config c = limiter_.config();
    if (req.method == "POST") {
      if (auto err = parse_rate_config(req.body, c); !err.empty())
        return json_response(400, "{\"error\":\"" + err + "\"}");
      limiter_.configure(c);
    }
    return json_response(200, rate_config_json(c));
  }
  return json_response(404, "{\"error\":\"unknown admin endpoint\"}");
}

std::string parse_rate_config(const std::string& body, rate_config& c) {
  rapidjson::Document d;
  if (!parse_json(body.empty() ? "{}" : body, d) || !d.IsObject()) return "body must be a JSON object";
  auto apply = [&](const char* name, bucket_config& b) -> bool {
    if (!d.HasMember(name)) return true;
    auto& v = d[name];
    if (!v.IsObject()) return false;
    if (v.HasMember("enabled") && v["enabled"].IsBool()) b.enabled = v["enabled"].GetBool();
    if (v.HasMember("limit") && v["limit"].IsNumber()) b.limit = v["limit"].GetDouble();
    if (v.HasMember("ttlMs") && v["ttlMs"].IsNumber()) b.ttl_ms = v["ttlMs"].GetInt64();
    return b.limit > 0 && b.ttl_ms > 0;
  };
  if (!apply("short", c.short_bucket) || !apply("long", c.long_bucket))
    return "short/long must be {enabled, limit > 0, ttlMs > 0}";
  return {};
}

std::string rate_config_json(const rate_config& c) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  for (auto [name, b] : {std::pair<const char*, const bucket_config*>{"short", &c.short_bucket},
                         {"long", &c.long_bucket}}) {
    w.Key(name);
    w.StartObject();
    w.Key("enabled"); w.Bool(b->enabled);
    w.Key("limit"); write_number(w, b->limit);
    w.Key("ttlMs"); w.Int64(b->ttl_ms);
    w.EndObject();
  }
  w.EndObject();
  return sb.GetString();
}

}  // namespace standin

// Test helpers: an in-process stand-in with a manual clock, and JSON accessors.
#pragma once

#include "app.hpp"
#include "json_util.hpp"

#include <rapidjson/pointer.h>

#include <cctype>
#include <memory>
#include <string>

namespace standin::test {

constexpr const char* demo_key = "standin-demo-key";

struct reply {
  int status = 0;
  std::string body;
  header_list headers;
  rapidjson::Document json;
  std::string header(const std::string& name) const {
    for (auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
  // RFC 6901 pointer into the body, e.g. "/data/people/0/id".
  const json_value* at(const char* pointer) const { return rapidjson::Pointer(pointer).Get(json); }
  std::string str(const char* pointer) const {
    auto v = at(pointer);
    return v && v->IsString() ? v->GetString() : (v ? to_json(*v) : "<missing>");
  }
  std::int64_t num(const char* pointer) const {
    auto v = at(pointer);
    return v && v->IsNumber() ? v->GetInt64() : -1;
  }
  std::size_t size(const char* pointer) const {
    auto v = at(pointer);
    return v && v->IsArray() ? v->Size() : static_cast<std::size_t>(-1);
  }
};

// A stand-in workspace driven through app::handle, no sockets; time only moves by hand.
struct workspace {
  std::int64_t now = 1767225600000;  // 2026-01-01T00:00:00.000Z
  std::unique_ptr<app> a;
  std::vector<webhook_job> jobs;  // webhook deliveries produced so far

  explicit workspace(bool seeded = true, std::size_t scale = 0, bool rate_limits = false,
                     twenty_release release = twenty_release::newest) {
    app_config cfg;
    cfg.release = release;
    cfg.seed_data = seeded;
    cfg.seed.opportunities = scale;
    if (!rate_limits) cfg.rate.short_bucket.enabled = cfg.rate.long_bucket.enabled = false;
    cfg.clock = [this] { return now; };
    a = std::make_unique<app>(cfg);
  }

  reply call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string& key = demo_key) {
    http_request req{method, target, body, {}};
    if (!key.empty()) req.headers.emplace_back("Authorization", "Bearer " + key);
    auto out = a->handle(req);
    for (auto& j : out.webhooks) jobs.push_back(j);
    reply r;
    r.status = out.response.status;
    r.body = out.response.body;
    r.headers = out.response.headers;
    r.json.Parse(r.body.c_str());
    return r;
  }

  reply gql(const std::string& query, const std::string& variables = "{}", const std::string& path = "/graphql") {
    rapidjson::StringBuffer sb;
    json_writer w(sb);
    w.StartObject();
    w.Key("query");
    w.String(query.c_str());
    w.EndObject();
    std::string body = sb.GetString();
    body.pop_back();
    body += ",\"variables\":" + variables + "}";
    return call("POST", path, body);
  }

  // Creates a record over REST and returns its id.
  std::string create(const std::string& plural, const std::string& body) {
    auto r = call("POST", "/rest/" + plural, body);
    if (!r.json.IsObject() || !r.json.HasMember("data") || !r.json["data"].IsObject()
        || r.json["data"].MemberCount() != 1)
      return "create failed: " + r.body;
    auto& rec = r.json["data"].MemberBegin()->value;
    return rec.HasMember("id") ? rec["id"].GetString() : "create failed: " + r.body;
  }
};

// Percent-encodes a query value the way a careful client would.
inline std::string url_encode(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '[' || c == ']' || c == ':'
        || c == '(' || c == ')' || c == ',')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Ids in a list response, in order.
inline std::vector<std::string> ids_of(const reply& r, const std::string& plural) {
  std::vector<std::string> out;
  auto list = r.at(("/data/" + plural).c_str());
  if (list && list->IsArray())
    for (auto& rec : list->GetArray()) out.push_back(rec["id"].GetString());
  return out;
}

}  // namespace standin::test

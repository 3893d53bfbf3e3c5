#include "webhooks.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace standin {

bool webhook_matches(const webhook_def& w, const std::string& object, std::string_view action) {
  const std::string a(action);
  const std::string candidates[] = {object + "." + a, "*." + a, object + ".*", "*.*"};
  for (auto& op : w.operations)
    for (auto& c : candidates)
      if (op == c) return true;
  return false;
}

std::string webhook_payload(const webhook_def& w, const record_event& e,
                            const std::string& workspace_id, std::int64_t event_ms) {
  rapidjson::Document record;
  parse_json(e.record_json, record);
  // A changed webhook record never carries its secret.
  if (record.IsObject() && e.object_singular == "webhook") record.RemoveMember("secret");
  rapidjson::StringBuffer sb;
  json_writer out(sb);
  out.StartObject();
  out.Key("targetUrl"); out.String(w.target_url.c_str());
  out.Key("eventName");
  out.String((e.object_singular + "." + std::string(action_name(e.action))).c_str());
  out.Key("objectMetadata");
  out.StartObject();
  out.Key("id"); out.String(e.object_metadata_id.c_str());
  out.Key("nameSingular"); out.String(e.object_singular.c_str());
  out.EndObject();
  out.Key("workspaceId"); out.String(workspace_id.c_str());
  out.Key("webhookId"); out.String(w.id.c_str());
  out.Key("eventDate"); out.String(iso_time(event_ms).c_str());
  // userId / workspaceMemberId are undefined for API-key writes, hence omitted.
  out.Key("record");
  record.Accept(out);
  if (e.action == event_action::updated) {
    out.Key("updatedFields");
    out.StartArray();
    for (auto& f : e.updated_fields) out.String(f.c_str());
    out.EndArray();
  }
  out.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

std::vector<webhook_job> webhook_jobs(const std::vector<webhook_def>& hooks,
                                      const std::vector<record_event>& events,
                                      const std::string& workspace_id, std::int64_t event_ms) {
  std::vector<webhook_job> jobs;
  for (auto& e : events)
    for (auto& h : hooks)
      if (webhook_matches(h, e.object_singular, action_name(e.action)))
        jobs.push_back({h.id, h.target_url, h.secret, webhook_payload(h, e, workspace_id, event_ms)});
  return jobs;
}

std::string webhook_signature(const std::string& secret, const std::string& timestamp,
                              const std::string& body) {
  const std::string msg = timestamp + ":" + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0xF];
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> webhook_headers(const webhook_job& job,
                                                                 std::int64_t now_ms,
                                                                 const std::string& nonce_hex) {
  std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
  if (!job.secret.empty()) {
    const std::string ts = std::to_string(now_ms);
    h.emplace_back("X-Twenty-Webhook-Timestamp", ts);
    h.emplace_back("X-Twenty-Webhook-Signature", webhook_signature(job.secret, ts, job.body));
    h.emplace_back("X-Twenty-Webhook-Nonce", nonce_hex);
  }
  return h;
}

void write_webhook(json_writer& w, const webhook_def& h) {
  w.StartObject();
  w.Key("id"); w.String(h.id.c_str());
  w.Key("targetUrl"); w.String(h.target_url.c_str());
  w.Key("operations");
  w.StartArray();
  for (auto& op : h.operations) w.String(op.c_str());
  w.EndArray();
  w.Key("description"); w.String(h.description.c_str());
  w.Key("secret"); w.String(h.secret.c_str());
  w.Key("applicationId"); w.Null();
  w.Key("createdAt"); w.String(h.created_at.c_str());
  w.Key("updatedAt"); w.String(h.updated_at.c_str());
  w.Key("deletedAt"); w.Null();
  w.EndObject();
}

}  // namespace standin

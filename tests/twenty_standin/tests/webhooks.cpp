#define CAF_SUITE standin.webhooks
#include "caf/test/unit_test.hpp"

#include "support.hpp"
#include "webhooks.hpp"

#include <openssl/hmac.h>

using namespace standin;
using namespace standin::test;

namespace {

struct webhook_fixture {
  workspace ws{false};
  std::string hook(const std::string& ops, const std::string& secret = "") {
    auto r = ws.call("POST", "/rest/metadata/webhooks",
                     "{\"targetUrl\":\"http://127.0.0.1:9/in\",\"operations\":" + ops + ",\"secret\":\"" + secret + "\"}");
    return r.str("/id");
  }
};

std::vector<std::string> keys_of(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  std::vector<std::string> out;
  for (auto m = d.MemberBegin(); m != d.MemberEnd(); ++m) out.push_back(m->name.GetString());
  return out;
}

// An independent HMAC-SHA256, hex encoded.
std::string hmac_hex(const std::string& key, const std::string& msg) {
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), mac, &len);
  char buf[65];
  for (unsigned i = 0; i < len; ++i) std::snprintf(buf + 2 * i, 3, "%02x", mac[i]);
  return std::string(buf, 2 * len);
}

using strings = std::vector<std::string>;

}  // namespace

CAF_TEST(operations match exact wildcard object and action forms) {
  webhook_def w;
  w.operations = {"person.created"};
  CAF_CHECK(webhook_matches(w, "person", "created"));
  CAF_CHECK(!webhook_matches(w, "person", "updated"));
  CAF_CHECK(!webhook_matches(w, "company", "created"));
  w.operations = {"*.updated"};
  CAF_CHECK(webhook_matches(w, "company", "updated"));
  CAF_CHECK(!webhook_matches(w, "company", "deleted"));
  w.operations = {"task.*"};
  CAF_CHECK(webhook_matches(w, "task", "destroyed"));
  CAF_CHECK(!webhook_matches(w, "note", "created"));
  w.operations = {"*.*"};
  CAF_CHECK(webhook_matches(w, "note", "restored"));
}

CAF_TEST(the signature is hmac sha256 of timestamp colon body) {
  CAF_CHECK_EQUAL(webhook_signature("key", "1700000000000", "{\"a\":1}"), hmac_hex("key", "1700000000000:{\"a\":1}"));
  webhook_job job{"id", "http://x/", "", "{}"};
  auto plain = webhook_headers(job, 1, "00");
  CAF_CHECK_EQUAL(plain.size(), 1u);  // only Content-Type without a secret
  job.secret = "s";
  auto signed_headers = webhook_headers(job, 1700000000123, "abcd");
  CAF_REQUIRE_EQUAL(signed_headers.size(), 4u);
  CAF_CHECK_EQUAL(signed_headers[1].second, "1700000000123");
  CAF_CHECK_EQUAL(signed_headers[2].second, hmac_hex("s", "1700000000123:{}"));
  CAF_CHECK_EQUAL(signed_headers[3].first, "X-Twenty-Webhook-Nonce");
}

CAF_TEST_FIXTURE_SCOPE(webhook_tests, webhook_fixture)

CAF_TEST(a create event has the exact payload and key order) {
  auto hook_id = hook("[\"person.created\"]", "topsecret");
  auto person = ws.create("people", R"({"jobTitle":"CTO"})");
  CAF_REQUIRE_EQUAL(ws.jobs.size(), 1u);
  auto& job = ws.jobs[0];
  CAF_CHECK_EQUAL(job.secret, "topsecret");
  CAF_CHECK(keys_of(job.body) == (strings{"targetUrl", "eventName", "objectMetadata", "workspaceId", "webhookId", "eventDate", "record"}));
  rapidjson::Document d;
  d.Parse(job.body.c_str());
  CAF_CHECK_EQUAL(std::string(d["eventName"].GetString()), "person.created");
  CAF_CHECK_EQUAL(std::string(d["objectMetadata"]["nameSingular"].GetString()), "person");
  CAF_CHECK_EQUAL(std::string(d["webhookId"].GetString()), hook_id);
  CAF_CHECK_EQUAL(std::string(d["workspaceId"].GetString()), ws.a->workspace_id());
  CAF_CHECK_EQUAL(std::string(d["eventDate"].GetString()), "2026-01-01T00:00:00.000Z");
  CAF_CHECK_EQUAL(std::string(d["record"]["id"].GetString()), person);
  CAF_CHECK_EQUAL(std::string(d["targetUrl"].GetString()), "http://127.0.0.1:9/in");
}

CAF_TEST(updates carry updatedFields and deletes carry the record before) {
  hook("[\"*.*\"]");
  auto id = ws.create("companies", R"({"name":"A"})");
  ws.call("PATCH", "/rest/companies/" + id, R"({"name":"B","address":{"addressCity":"Rome"}})");
  CAF_REQUIRE_EQUAL(ws.jobs.size(), 2u);
  CAF_CHECK(keys_of(ws.jobs[1].body).back() == "updatedFields");
  rapidjson::Document d;
  d.Parse(ws.jobs[1].body.c_str());
  CAF_CHECK_EQUAL(std::string(d["eventName"].GetString()), "company.updated");
  CAF_CHECK_EQUAL(d["updatedFields"].Size(), 2u);
  CAF_CHECK_EQUAL(std::string(d["updatedFields"][0].GetString()), "name");
  CAF_CHECK_EQUAL(std::string(d["record"]["name"].GetString()), "B");
  ws.call("DELETE", "/rest/companies/" + id + "?soft_delete=true");
  ws.call("PATCH", "/rest/companies/" + id + "/restore");
  ws.call("DELETE", "/rest/companies/" + id);
  CAF_REQUIRE_EQUAL(ws.jobs.size(), 5u);
  d.Parse(ws.jobs[2].body.c_str());
  CAF_CHECK_EQUAL(std::string(d["eventName"].GetString()), "company.deleted");
  CAF_CHECK(d["record"]["deletedAt"].IsNull());  // the record before the delete
  d.Parse(ws.jobs[3].body.c_str());
  CAF_CHECK_EQUAL(std::string(d["eventName"].GetString()), "company.restored");
  d.Parse(ws.jobs[4].body.c_str());
  CAF_CHECK_EQUAL(std::string(d["eventName"].GetString()), "company.destroyed");
  CAF_CHECK_EQUAL(std::string(d["record"]["name"].GetString()), "B");
}

CAF_TEST(only matching webhooks receive an event) {
  hook("[\"person.created\"]");
  hook("[\"company.*\"]");
  hook("[\"*.updated\"]");
  ws.create("companies", R"({"name":"A"})");
  CAF_CHECK_EQUAL(ws.jobs.size(), 1u);
  ws.create("people", R"({"jobTitle":"x"})");
  CAF_CHECK_EQUAL(ws.jobs.size(), 2u);
  ws.gql(R"(mutation { createNote(data: {title: "n"}) { id } })");
  CAF_CHECK_EQUAL(ws.jobs.size(), 2u);  // nobody listens to notes
  ws.gql(R"(mutation { updateNotes(filter: {title: {eq: "n"}}, data: {title: "m"}) { id } })");
  CAF_CHECK_EQUAL(ws.jobs.size(), 3u);  // *.updated
}

CAF_TEST_FIXTURE_SCOPE_END()

// Twenty's webhook payloads parsed, and what each event invalidates and announces.
#define CAF_SUITE integration.webhook_event
#include "caf/test/unit_test.hpp"

#include <algorithm>

#include "integration/support/recorded_schema.hpp"
#include "integration/webhook_event.hpp"

using namespace tmcp;
using namespace tmcp::twenty;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A body in Twenty's key order (jobs/call-webhook.job.ts).
std::string record_body(const std::string& event, const std::string& singular,
                        const std::string& id, const std::string& extra = "") {
  return R"({"targetUrl":"http://x/webhooks/twenty","eventName":")" + event
         + R"(","objectMetadata":{"id":"5b0c","nameSingular":")" + singular
         + R"("},"workspaceId":"ws","webhookId":"wh1","eventDate":"2026-02-14T11:27:01.779Z","record":{"id":")"
         + id + R"(","name":"x"})" + extra + "}";
}

const std::string person_id = "8f9a1c2e-0b1d-4c3e-9f00-123456789abc";

} // namespace

CAF_TEST(a record event is parsed with its object action and record id) {
  auto e = parse_webhook_event(
    record_body("person.updated", "person", person_id, R"(,"updatedFields":["name","city"])"));
  CAF_REQUIRE(e.has_value());
  CAF_CHECK(!e->metadata);
  CAF_CHECK_EQUAL(e->object, "person");
  CAF_CHECK(e->action == event_action::updated);
  CAF_CHECK_EQUAL(e->record_id, person_id);
  CAF_CHECK_EQUAL(e->webhook_id, "wh1");
  CAF_CHECK_EQUAL(e->updated_fields.size(), 2u);
}

CAF_TEST(every record action is understood) {
  for (auto a : {"created", "updated", "deleted", "destroyed", "restored", "upserted"}) {
    auto e = parse_webhook_event(record_body(std::string("company.") + a, "company", "c1"));
    CAF_REQUIRE(e.has_value());
    CAF_CHECK_EQUAL(std::string(to_string(e->action)), a);
  }
}

CAF_TEST(a metadata event names its entity) {
  auto e = parse_webhook_event(
    R"({"eventName":"metadata.field.created","record":{"id":"f1","name":"nickname"}})");
  CAF_REQUIRE(e.has_value());
  CAF_CHECK(e->metadata);
  CAF_CHECK_EQUAL(e->entity, "field");
  CAF_CHECK(e->action == event_action::created);
}

CAF_TEST(malformed bodies get a specific reason) {
  auto check = [](const std::string& body, const std::string& words) {
    auto e = parse_webhook_event(body);
    CAF_REQUIRE(!e);
    CAF_MESSAGE(e.error());
    CAF_CHECK(e.error().find(words) != std::string::npos);
  };
  check("not json", "not JSON");
  check("[1]", "JSON object");
  check(R"({"record":{}})", "eventName is missing");
  check(R"({"eventName":"person"})", "not <object>.<action>");
  check(R"({"eventName":"person.exploded"})", "unknown action 'exploded'");
  check(R"({"eventName":"metadata.created"})", "names no object");
}

CAF_TEST(a record event drops the record its object related objects and graphql answers) {
  test::recorded_schema rs;
  auto e = parse_webhook_event(record_body("person.updated", "person", person_id));
  CAF_REQUIRE(e.has_value());
  auto c = changes_for(*e, &rs.schema);
  CAF_CHECK(!c.refresh_schema);
  CAF_CHECK(has(c.tags, "object:people"));
  CAF_CHECK(has(c.tags, "record:people:" + person_id));
  CAF_CHECK(has(c.tags, "graphql"));
  CAF_CHECK(has(c.tags, "object:companies")); // person.company is a relation
  CAF_CHECK(!has(c.tags, "*"));
  CAF_CHECK(has(c.uris, "twenty://records/people/" + person_id));
  CAF_CHECK(has(c.uris, "twenty://records/person/" + person_id));
  CAF_CHECK(has(c.uris, "twenty://records/people"));
}

CAF_TEST(an event for an object the schema does not know drops everything and rereads it) {
  test::recorded_schema rs;
  auto e = parse_webhook_event(record_body("invoice.created", "invoice", "i1"));
  CAF_REQUIRE(e.has_value());
  auto c = changes_for(*e, &rs.schema);
  CAF_CHECK(c.refresh_schema);
  CAF_CHECK(has(c.tags, "*"));
  CAF_CHECK(has(c.uris, "twenty://records/invoice/i1"));
  auto none = changes_for(*e, nullptr);
  CAF_CHECK(none.refresh_schema);
}

CAF_TEST(a metadata event rereads the schema and announces the schema resources) {
  test::recorded_schema rs;
  auto e = parse_webhook_event(R"({"eventName":"metadata.object.updated","record":{"id":"o1"}})");
  CAF_REQUIRE(e.has_value());
  auto c = changes_for(*e, &rs.schema);
  CAF_CHECK(c.refresh_schema);
  CAF_CHECK(has(c.tags, "*"));
  CAF_CHECK(has(c.uris, "twenty://schema"));
  CAF_CHECK(has(c.uris, "twenty://objects"));
}

CAF_TEST(an opportunity or task event makes the dashboard stale and a person event does not) {
  test::recorded_schema rs;
  for (const char* singular : {"opportunity", "task"}) {
    auto e = parse_webhook_event(record_body(std::string(singular) + ".updated", singular,
                                             person_id));
    CAF_REQUIRE(e.has_value());
    auto c = changes_for(*e, &rs.schema);
    CAF_CHECK(has(c.uris, "twenty://analytics/dashboard"));
    CAF_CHECK_EQUAL(std::count(c.uris.begin(), c.uris.end(), "twenty://analytics/dashboard"), 1);
  }
  auto e = parse_webhook_event(record_body("person.updated", "person", person_id));
  CAF_REQUIRE(e.has_value());
  CAF_CHECK(!has(changes_for(*e, &rs.schema).uris, "twenty://analytics/dashboard"));
}

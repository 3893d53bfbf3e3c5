#define CAF_SUITE actors.schema_actor
#define FAIL(msg) CAF_FAIL(msg)
#include "caf/test/dsl.hpp"

#include <map>

#include <rapidjson/document.h>

#include "actors/schema_actor.hpp"

using namespace tmcp;
using namespace std::chrono_literals;

namespace {

// What the fake gateway answers: /metadata bodies by the `after` cursor of the query.
struct upstream {
  std::map<std::string, std::string> pages;
  std::optional<twenty::error> failure;
  std::vector<std::string> cursors_seen;
  std::vector<twenty::request> requests;
};
using upstream_ptr = std::shared_ptr<upstream>;

std::string after_cursor(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.HasMember("query"))
    return "<unparsable>";
  std::string q = d["query"].GetString();
  auto at = q.find("after: \"");
  if (at == std::string::npos)
    return "";
  at += 8;
  return q.substr(at, q.find('"', at) - at);
}

actors::twenty_gateway_actor::behavior_type
fake_gateway(actors::twenty_gateway_actor::pointer, upstream_ptr up) {
  auto unsupported = [] {
    return twenty::outcome{make_unexpected(
      twenty::error{twenty::errc::twenty_api_error, 0, "not supported by the fake", ""})};
  };
  return {
    [up](atom::fetch, const twenty::request& req) -> twenty::outcome {
      up->requests.push_back(req);
      if (up->failure)
        return make_unexpected(*up->failure);
      auto cursor = after_cursor(req.body);
      up->cursors_seen.push_back(cursor);
      auto it = up->pages.find(cursor);
      if (it == up->pages.end())
        return twenty::response{400, R"({"errors":[{"message":"Invalid cursor"}]})", {}, {}, {}, {}};
      return twenty::response{200, it->second, {}, {}, {}, {}};
    },
    [unsupported](atom::record, const std::string&, const std::string&, int32_t,
                  const std::string&) -> twenty::outcome { return unsupported(); },
    [](atom::fetch, const twenty::request&, twenty_reply&) {},
    [](atom::record, const std::string&, const std::string&, int32_t, const std::string&,
       twenty_reply&) {},
    [](atom::done, uint64_t, twenty::outcome&) {},
    [](atom::retry, uint64_t) {},
    [](atom::tick) {},
    [](atom::stats) { return std::string("{}"); },
  };
}

std::string object_node(const std::string& singular, const std::string& plural,
                        const std::vector<std::string>& text_fields) {
  std::string fields;
  for (auto& f : text_fields)
    fields += std::string(fields.empty() ? "" : ",") + R"({"node":{"id":"f-)" + singular + "-"
              + f + R"(","name":")" + f + R"(","label":")" + f
              + R"(","type":"TEXT","isActive":true,"isSystem":false,"isNullable":true}})";
  return R"({"node":{"id":"o-)" + singular + R"(","nameSingular":")" + singular
         + R"(","namePlural":")" + plural + R"(","labelSingular":")" + singular
         + R"(","labelPlural":")" + plural + R"(","isActive":true,"isSystem":false,)"
         + R"("fields":{"edges":[)" + fields + "]}}}";
}

std::string page_json(const std::vector<std::string>& nodes, bool has_next,
                      const std::string& end_cursor) {
  std::string edges;
  for (auto& n : nodes)
    edges += (edges.empty() ? "" : ",") + n;
  return R"({"data":{"objects":{"edges":[)" + edges + R"(],"pageInfo":{"hasNextPage":)"
         + (has_next ? "true" : "false") + R"(,"endCursor":")" + end_cursor + R"("}}}})";
}

struct fixture : test_coordinator_fixture<> {
  upstream_ptr up = std::make_shared<upstream>();
  std::vector<schema_ptr> changes;
  actors::twenty_gateway_actor gateway;
  actors::schema_actor schema;

  fixture() {
    up->pages[""] = page_json({object_node("company", "companies", {"name", "tier"}),
                               object_node("person", "people", {"jobTitle"})},
                              true, "Y3Vyc29yOjE=");
    up->pages["Y3Vyc29yOjE="] = page_json({object_node("note", "notes", {"title"})}, false,
                                          "Y3Vyc29yOjI=");
    gateway = sys.spawn(fake_gateway, up);
  }

  ~fixture() {
    caf::anon_send_exit(schema, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
  }

  void start(std::chrono::milliseconds interval = 10s) {
    actors::schema_settings s;
    s.refresh_interval = interval;
    s.on_change = [this](schema_ptr p) { changes.push_back(std::move(p)); };
    schema = sys.spawn(actors::schema_actor_impl, gateway, s);
    // The actor refreshes on a periodic timer, so run() (which fires every timeout) never
    // ends; messages are consumed and time is advanced explicitly.
    consume_messages();
  }

  schema_ptr current() {
    auto rh = self->request(schema, caf::infinite, atom::schema_v);
    consume_messages();
    schema_ptr out;
    rh.receive([&](schema_ptr& p) { out = std::move(p); },
               [](caf::error&) { CAF_FAIL("schema request failed"); });
    return out;
  }

  // The version after a refresh, or the error text.
  std::string refresh() {
    auto rh = self->request(schema, caf::infinite, atom::refresh_v);
    consume_messages();
    std::string out;
    rh.receive([&](uint64_t v) { out = std::to_string(v); },
               [&](caf::error& e) { out = to_string(e); });
    return out;
  }

  void tick() {
    advance_time(10s);
    consume_messages();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(schema_actor_tests, fixture)

CAF_TEST(the first load pages through both pages and announces the schema once) {
  start();
  CAF_CHECK_EQUAL(up->cursors_seen, (std::vector<std::string>{"", "Y3Vyc29yOjE="}));
  CAF_REQUIRE_EQUAL(changes.size(), 1u);
  auto s = changes[0];
  CAF_CHECK_EQUAL(s->version, 1u);
  CAF_CHECK_EQUAL(s->object_names(), (std::vector<std::string>{"companies", "notes", "people"}));
  CAF_CHECK(current() == s);
  auto& req = up->requests.at(0);
  CAF_CHECK(req.method == twenty::verb::post);
  CAF_CHECK_EQUAL(req.target, "/metadata");
  CAF_CHECK(req.kind == twenty::api::metadata);
  CAF_CHECK(req.idempotent);
  CAF_CHECK_EQUAL(req.fairness_key, "schema");
}

CAF_TEST(a periodic refresh with identical pages announces nothing) {
  start();
  auto first = current();
  tick();
  CAF_CHECK_EQUAL(up->cursors_seen.size(), 4u);
  tick();
  CAF_CHECK_EQUAL(up->cursors_seen.size(), 6u);
  CAF_CHECK_EQUAL(changes.size(), 1u);
  CAF_CHECK(current() == first);
  CAF_CHECK_EQUAL(refresh(), "1");
}

CAF_TEST(a refresh after a new custom field announces a new version) {
  start();
  up->pages["Y3Vyc29yOjE="] = page_json({object_node("note", "notes", {"title", "mood"})}, false,
                                        "Y3Vyc29yOjI=");
  CAF_CHECK_EQUAL(refresh(), "2");
  CAF_REQUIRE_EQUAL(changes.size(), 2u);
  auto s = current();
  CAF_CHECK(s == changes[1]);
  CAF_CHECK_EQUAL(s->version, 2u);
  CAF_CHECK(s->find_object("note")->find_field("mood") != nullptr);
  CAF_CHECK(changes[0]->find_object("note")->find_field("mood") == nullptr); // immutable
}

CAF_TEST(a new custom object found by the periodic refresh is announced) {
  start();
  up->pages["Y3Vyc29yOjE="] = page_json({object_node("note", "notes", {"title"}),
                                         object_node("pet", "pets", {"species"})},
                                        false, "Y3Vyc29yOjI=");
  tick();
  CAF_REQUIRE_EQUAL(changes.size(), 2u);
  CAF_CHECK_EQUAL(changes[1]->version, 2u);
  auto pet = changes[1]->find_object("pets");
  CAF_REQUIRE(pet != nullptr);
  CAF_CHECK(pet->is_custom_guess);
}

CAF_TEST(an upstream error keeps the previous snapshot and the next tick recovers) {
  start();
  auto first = current();
  up->failure = twenty::error{twenty::errc::network_error, 0, "connection refused", ""};
  auto answer = refresh();
  CAF_CHECK(answer.find("schema refresh failed") != std::string::npos);
  CAF_CHECK(answer.find("NETWORK_ERROR") != std::string::npos);
  CAF_CHECK(current() == first);
  CAF_CHECK_EQUAL(changes.size(), 1u);
  up->failure.reset();
  up->pages[""] = page_json({object_node("company", "companies", {"name"})}, false, "x");
  tick();
  CAF_REQUIRE_EQUAL(changes.size(), 2u);
  CAF_CHECK_EQUAL(current()->version, 2u);
  CAF_CHECK(current()->find_object("people") == nullptr);
}

CAF_TEST(a graphql error or a bad cursor mid paging keeps the previous snapshot) {
  start();
  auto first = current();
  up->pages["Y3Vyc29yOjE="] =
    R"({"errors":[{"message":"Forbidden resource","extensions":{"code":"FORBIDDEN"}}]})";
  auto answer = refresh();
  CAF_CHECK(answer.find("Forbidden resource (FORBIDDEN)") != std::string::npos);
  up->pages.erase("Y3Vyc29yOjE=");
  CAF_CHECK(refresh().find("HTTP 400") != std::string::npos);
  CAF_CHECK(current() == first);
  CAF_CHECK_EQUAL(changes.size(), 1u);
}

CAF_TEST(a server whose paging does not advance is stopped) {
  up->pages[""] = page_json({object_node("company", "companies", {"name"})}, true, "same");
  up->pages["same"] = page_json({object_node("person", "people", {"name"})}, true, "same");
  start();
  CAF_CHECK_EQUAL(up->cursors_seen.size(), 2u);
  CAF_CHECK(changes.empty());
  CAF_CHECK(current() == nullptr);
}

CAF_TEST(the schema is null until the first successful load) {
  up->failure = twenty::error{twenty::errc::invalid_api_key, 401, "bad key", ""};
  start();
  CAF_CHECK(current() == nullptr);
  CAF_CHECK(changes.empty());
  up->failure.reset();
  tick();
  CAF_REQUIRE_EQUAL(changes.size(), 1u);
  CAF_CHECK_EQUAL(current()->version, 1u);
}

CAF_TEST(concurrent refresh requests share one introspection) {
  start();
  auto before = up->cursors_seen.size();
  auto a = self->request(schema, caf::infinite, atom::refresh_v);
  auto b = self->request(schema, caf::infinite, atom::refresh_v);
  consume_messages();
  uint64_t va = 0, vb = 0;
  a.receive([&](uint64_t v) { va = v; }, [](caf::error&) { CAF_FAIL("refresh a failed"); });
  b.receive([&](uint64_t v) { vb = v; }, [](caf::error&) { CAF_FAIL("refresh b failed"); });
  CAF_CHECK_EQUAL(va, 1u);
  CAF_CHECK_EQUAL(vb, 1u);
  CAF_CHECK_EQUAL(up->cursors_seen.size() - before, 2u); // one introspection of two pages
}

CAF_TEST(a zero interval turns the periodic refresh off) {
  start(0ms);
  advance_time(1h);
  consume_messages();
  CAF_CHECK_EQUAL(up->cursors_seen.size(), 2u);
  CAF_CHECK_EQUAL(refresh(), "1");
  CAF_CHECK_EQUAL(up->cursors_seen.size(), 4u);
}

CAF_TEST_FIXTURE_SCOPE_END()

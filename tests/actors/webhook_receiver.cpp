// The webhook receiver: every rejection answers 401 and processes nothing, a signed event is
// answered before it is processed, a duplicate delivery is processed once.
#define CAF_SUITE actors.webhook_receiver
#define FAIL(msg) CAF_FAIL(msg)
#include "caf/test/dsl.hpp"

#include "actors/webhook_receiver.hpp"

using namespace tmcp;
using namespace tmcp::actors;
using namespace std::chrono_literals;

namespace {

const std::string secret = "s3cret";
const int64_t now_ms = 1'765'000'000'000;
const std::string person_id = "8f9a1c2e-0b1d-4c3e-9f00-123456789abc";

std::string event_body(const std::string& event = "person.updated") {
  return R"({"eventName":")" + event
         + R"(","objectMetadata":{"id":"m","nameSingular":"person"},"record":{"id":")"
         + person_id + R"("}})";
}

struct answer {
  int status = 0;
  std::string body;
  int calls = 0;
};

// A delivery signed `age_ms` before now; its answer lands in `out`.
webhook_delivery delivery(std::shared_ptr<answer> out, const std::string& body,
                          const std::string& nonce, int64_t age_ms = 0,
                          const std::string& key = secret) {
  auto ts = std::to_string(now_ms - age_ms);
  webhook_delivery d;
  d.signing = {ts, twenty::webhook_signature(key, ts, body), nonce};
  d.body = body;
  d.respond = [out](int status, std::string text) {
    out->status = status;
    out->body = std::move(text);
    ++out->calls;
  };
  return d;
}

struct state_fixture {
  webhook_state st;
  twenty::replay_guard::time_point t0 = twenty::replay_guard::time_point{} + 100s;

  state_fixture() { st.settings.secret = secret; }

  std::pair<std::shared_ptr<answer>, std::optional<change_note>>
  take(const std::string& body, const std::string& nonce, int64_t age_ms = 0,
       const std::string& key = secret) {
    auto out = std::make_shared<answer>();
    auto d = delivery(out, body, nonce, age_ms, key);
    auto note = st.take(d, now_ms, t0);
    return {out, std::move(note)};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(receiver_state_tests, state_fixture)

CAF_TEST(a signed event is acknowledged and becomes a change to apply) {
  auto [out, note] = take(event_body(), "n1");
  CAF_CHECK_EQUAL(out->status, 200);
  CAF_CHECK_EQUAL(out->calls, 1);
  CAF_REQUIRE(note.has_value());
  CAF_CHECK(!note->tags.empty());
  CAF_CHECK(std::find(note->uris.begin(), note->uris.end(),
                      "twenty://records/person/" + person_id)
            != note->uris.end());
}

CAF_TEST(unsigned wrong signature and stale deliveries answer 401 and change nothing) {
  auto out = std::make_shared<answer>();
  auto unsigned_d = delivery(out, event_body(), "n1");
  unsigned_d.signing.signature.clear();
  CAF_CHECK(!st.take(unsigned_d, now_ms, t0));
  CAF_CHECK_EQUAL(out->status, 401);
  auto [wrong, wrong_note] = take(event_body(), "n2", 0, "other");
  CAF_CHECK_EQUAL(wrong->status, 401);
  CAF_CHECK(!wrong_note);
  auto [stale, stale_note] = take(event_body(), "n3", 301'000);
  CAF_CHECK_EQUAL(stale->status, 401);
  CAF_CHECK(stale->body.find("allowed age") != std::string::npos);
  CAF_CHECK(!stale_note);
  CAF_CHECK_EQUAL(st.stats.rejected, 3u);
  CAF_CHECK_EQUAL(st.stats.processed, 0u);
}

CAF_TEST(a replayed nonce answers 401 even with a valid signature) {
  auto [first, note] = take(event_body(), "n1");
  CAF_CHECK_EQUAL(first->status, 200);
  auto [again, again_note] = take(event_body("person.created"), "n1");
  CAF_CHECK_EQUAL(again->status, 401);
  CAF_CHECK(again->body.find("nonce") != std::string::npos);
  CAF_CHECK(!again_note);
  CAF_CHECK_EQUAL(st.stats.replayed, 1u);
}

CAF_TEST(a duplicate delivery with a new nonce is acknowledged and processed once) {
  auto [a, first] = take(event_body(), "n1");
  auto [b, second] = take(event_body(), "n2", 1000);
  CAF_CHECK_EQUAL(a->status, 200);
  CAF_CHECK_EQUAL(b->status, 200);
  CAF_CHECK(first.has_value());
  CAF_CHECK(!second.has_value());
  CAF_CHECK_EQUAL(st.stats.duplicates, 1u);
  CAF_CHECK_EQUAL(st.stats.processed, 1u);
}

CAF_TEST(a signed body that is not an event answers 400 with the reason) {
  auto [out, note] = take(R"({"eventName":"person.exploded"})", "n1");
  CAF_CHECK_EQUAL(out->status, 400);
  CAF_CHECK(out->body.find("unknown action") != std::string::npos);
  CAF_CHECK(!note);
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

struct hub_log {
  std::vector<change_note> notes;
};

change_hub_actor::behavior_type fake_hub(std::shared_ptr<hub_log> log) {
  return {[log](atom::apply, const change_note& n) { log->notes.push_back(n); }};
}

struct actor_fixture : test_coordinator_fixture<> {
  std::shared_ptr<hub_log> log = std::make_shared<hub_log>();
  change_hub_actor hub;
  webhook_receiver_actor receiver;

  actor_fixture() {
    hub = sys.spawn(fake_hub, log);
    webhook_settings ws;
    ws.secret = secret;
    // The actor reads the wall clock: sign with it.
    receiver = sys.spawn(webhook_receiver_impl, ws, hub);
    run();
  }

  ~actor_fixture() override {
    caf::anon_send_exit(receiver, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(hub, caf::exit_reason::user_shutdown);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(receiver_actor_tests, actor_fixture)

CAF_TEST(the receiver actor answers then hands the change to the hub) {
  auto out = std::make_shared<answer>();
  auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  auto d = delivery(out, event_body(), "n1", now_ms - wall);
  self->send(receiver, atom::webhook_v, std::move(d));
  run();
  CAF_CHECK_EQUAL(out->status, 200);
  CAF_REQUIRE_EQUAL(log->notes.size(), 1u);
  CAF_CHECK(log->notes[0].refresh_schema); // no schema here: the object is new, so re-read
  auto stats = request<std::string>(receiver, atom::stats_v);
  CAF_CHECK(stats.find("\"processed\":1") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()

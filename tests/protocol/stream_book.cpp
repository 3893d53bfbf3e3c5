// The replay buffers of a session's SSE streams: answers that ended while their client was
// away stay resumable within a count and a byte budget.
#define CAF_SUITE protocol.stream_book
#include "caf/test/unit_test.hpp"

#include "protocol/stream_book.hpp"
#include "support/fake_session_env.hpp"

using namespace tmcp;
using namespace tmcp::testing;

namespace {

constexpr std::size_t answer_bytes = 10 * 1024;

struct fixture {
  stream_book book{stream_book_options{256, 32, std::chrono::milliseconds{1000}, 64 * 1024}};

  // A request stream whose client left before its answer of `bytes` ended; returns its
  // priming event id, the client's resumption point.
  std::string answered_while_away(std::size_t bytes = answer_bytes) {
    auto sink = std::make_shared<recording_sink>();
    auto no = book.open(sink, "", true);
    sink->live = false;
    book.emit(no, std::string(bytes, 'x'));
    book.finish(no);
    return sink->events.at(0).first;
  }

  // What a GET with Last-Event-ID `id` replays.
  std::vector<std::string> resume(const std::string& id) {
    auto sink = std::make_shared<recording_sink>();
    book.attach(id, sink, false);
    return sink->messages();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(stream_book_tests, fixture)

CAF_TEST(answers of departed clients stay within the replay byte budget) {
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    ids.push_back(answered_while_away());
    CAF_CHECK_LESS_OR_EQUAL(book.held_bytes(), 64u * 1024);
  }
  // Six 10 KiB answers fit in 64 KiB: the newest six, not the newest 32.
  CAF_CHECK_EQUAL(book.held_bytes(), 6 * answer_bytes);
  CAF_CHECK_EQUAL(resume(ids[39]).size(), 1u);
  CAF_CHECK_EQUAL(resume(ids[34]).size(), 1u);
  CAF_CHECK(resume(ids[33]).empty());
  CAF_CHECK(resume(ids[8]).empty());
}

CAF_TEST(an answer larger than the budget is still resumable until the next one ends) {
  auto first = answered_while_away(100 * 1024);
  CAF_CHECK_EQUAL(book.held_bytes(), 100u * 1024);
  auto second = answered_while_away(100 * 1024);
  CAF_CHECK_EQUAL(book.held_bytes(), 100u * 1024);
  CAF_CHECK(resume(first).empty());
  auto replayed = resume(second);
  CAF_REQUIRE_EQUAL(replayed.size(), 1u);
  CAF_CHECK_EQUAL(replayed[0].size(), 100u * 1024);
  // Replayed to the end: the stream and its bytes are gone.
  CAF_CHECK_EQUAL(book.held_bytes(), 0u);
}

CAF_TEST(answers delivered to a connected client are not held) {
  auto sink = std::make_shared<recording_sink>();
  auto no = book.open(sink, "", true);
  book.emit(no, std::string(answer_bytes, 'x'));
  CAF_CHECK_EQUAL(book.held_bytes(), answer_bytes);
  book.finish(no);
  CAF_CHECK_EQUAL(book.held_bytes(), 0u);
  CAF_CHECK(sink->closed);
  CAF_CHECK_EQUAL(sink->messages().size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

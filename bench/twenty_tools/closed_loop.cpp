#include "closed_loop.hpp"

#include "http_conn.hpp"
#include "report.hpp"

#include <memory>

namespace twenty_bench {
namespace {

constexpr int max_consecutive_failures = 20;  // a client whose peer is gone stops instead of spinning

struct shared_run {
  clock_type::time_point measure_from, deadline;
  latch done;
  explicit shared_run(std::size_t n) : done(n) {}
};

struct client_state {
  issue_fn issue;
  loop_totals totals;
  std::uint64_t seq = 0;
  int consecutive_failures = 0;
};

void step(const std::shared_ptr<client_state>& c, const std::shared_ptr<shared_run>& run) {
  auto started = clock_type::now();
  if (started >= run->deadline || c->consecutive_failures >= max_consecutive_failures) {
    if (c->consecutive_failures >= max_consecutive_failures)
      c->totals.errors["client gave up after 20 consecutive failures"]++;
    return run->done.count_down();
  }
  c->issue(c->seq++, [c, run, started](const std::string& error) {
    auto& t = c->totals;
    ++t.issued;
    bool measured = started >= run->measure_from;
    if (error.empty()) {
      c->consecutive_failures = 0;
      if (measured) {
        ++t.ok;
        t.latency_us.push_back(static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - started).count()));
      }
    } else {
      ++c->consecutive_failures;
      if (measured)
        ++t.failed;
      t.errors[measured ? error : "(warm-up) " + error]++;
    }
    step(c, run);
  });
}

}  // namespace

loop_totals run_closed_loop(const std::vector<issue_fn>& clients, double warmup_s, double duration_s) {
  auto run = std::make_shared<shared_run>(clients.size());
  auto now = clock_type::now();
  auto secs = [](double s) {
    return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
  };
  run->measure_from = now + secs(warmup_s);
  run->deadline = run->measure_from + secs(duration_s);
  std::vector<std::shared_ptr<client_state>> states;
  for (const auto& issue : clients) {
    auto c = std::make_shared<client_state>();
    c->issue = issue;
    states.push_back(c);
  }
  for (auto& c : states)
    step(c, run);  // the first send hops onto the client's strand
  run->done.wait();
  loop_totals all;
  for (auto& c : states) {
    auto& t = c->totals;
    all.latency_us.insert(all.latency_us.end(), t.latency_us.begin(), t.latency_us.end());
    all.ok += t.ok;
    all.failed += t.failed;
    all.issued += t.issued;
    for (const auto& [r, n] : t.errors)
      all.errors[r] += n;
  }
  return all;
}

}  // namespace twenty_bench

#include "bench_runner.hpp"

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>

namespace mcp_bench {
namespace {

struct runner_state {
  std::mutex m;
  std::condition_variable cv;
  std::size_t n = 0, next = 0, finished = 0;
  step_start start;
  std::vector<std::string> errors;
};

void launch_next(const std::shared_ptr<runner_state>& st) {
  std::size_t i;
  {
    std::lock_guard<std::mutex> lock(st->m);
    if (st->next >= st->n)
      return;
    i = st->next++;
  }
  st->start(i, [st, i](const std::string& error) {
    {
      std::lock_guard<std::mutex> lock(st->m);
      st->errors[i] = error;
      if (++st->finished == st->n)
        st->cv.notify_all();
    }
    launch_next(st);  // keeps `concurrency` items in flight
  });
}

}  // namespace

std::vector<std::string> run_bounded(std::size_t n, std::size_t concurrency, step_start start) {
  auto st = std::make_shared<runner_state>();
  st->n = n;
  st->start = std::move(start);
  st->errors.resize(n);
  for (std::size_t k = 0; k < concurrency && k < n; ++k)
    launch_next(st);
  std::unique_lock<std::mutex> lock(st->m);
  st->cv.wait(lock, [&] { return st->finished == st->n; });
  return std::move(st->errors);
}

std::map<std::string, std::size_t> count_errors(const std::vector<std::string>& errors) {
  std::map<std::string, std::size_t> out;
  for (const auto& e : errors)
    if (!e.empty())
      ++out[e];
  return out;
}

std::size_t report_errors(const char* label, const std::vector<std::string>& errors) {
  std::size_t failed = 0;
  for (const auto& [reason, count] : count_errors(errors)) {
    std::printf("  %s failure: %s x%zu\n", label, reason.c_str(), count);
    failed += count;
  }
  return failed;
}

}  // namespace mcp_bench

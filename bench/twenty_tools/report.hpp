// Latency summaries, error tallies and the machine-readable RESULT line.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace twenty_bench {

struct latency_summary {
  double per_s = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
};

// Sorts the samples; nearest-rank percentiles; per_s = samples / seconds.
latency_summary summarize(std::vector<std::uint32_t>& latency_us, double seconds);

// "  error: <reason> xN" lines.
void print_errors(const std::map<std::string, std::uint64_t>& errors);

// Collects key=value pairs and prints "RESULT k=v k=v" (values must not contain spaces).
class result_line {
public:
  template <class T>
  result_line& add(const std::string& key, const T& value) {
    std::ostringstream s;
    s << value;
    text_ += " " + key + "=" + s.str();
    return *this;
  }
  result_line& add_ms(const std::string& key, double ms);
  void print() const;

private:
  std::string text_;
};

// Counts down completions from io threads; wait() blocks the main thread.
class latch {
public:
  explicit latch(std::size_t n) : n_(n) {}
  void count_down();
  void wait();
  // False when the deadline passed first.
  template <class Clock, class Duration>
  bool wait_until(const std::chrono::time_point<Clock, Duration>& t) {
    std::unique_lock<std::mutex> lock(m_);
    return cv_.wait_until(lock, t, [&] { return n_ == 0; });
  }

private:
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t n_;
};

}  // namespace twenty_bench

// mcp-bench cold: spawn the server over stdio, time spawn -> tools/list reply, read its idle VmRSS.
#include "benches.hpp"
#include "proc_util.hpp"
#include "sse_reply.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace mcp_bench {
namespace {

using clock_type = std::chrono::steady_clock;
constexpr int reply_timeout_ms = 10'000;

const char* const handshake =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcp-bench","version":"0.1"}}})"
    "\n"
    R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
    "\n"
    R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})"
    "\n";

struct cold_run {
  double ms = 0;       // spawn -> tools/list reply
  long rss_kib = -1;   // right after the reply
  double exit_ms = 0;  // stdin closed -> process exited
  std::string error;
};

// Reads lines from fd until one carries id 2; returns that line, or "" on timeout/EOF.
std::string read_reply_line(int fd, clock_type::time_point t0) {
  std::string buf;
  char chunk[65536];
  for (;;) {
    for (std::size_t eol; (eol = buf.find('\n')) != std::string::npos; buf.erase(0, eol + 1)) {
      auto line = buf.substr(0, eol);
      if (line.find("\"id\":2") != std::string::npos)
        return line;
    }
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
    pollfd p{fd, POLLIN, 0};
    if (waited >= reply_timeout_ms || poll(&p, 1, static_cast<int>(reply_timeout_ms - waited)) <= 0)
      return {};
    auto n = read(fd, chunk, sizeof chunk);
    if (n <= 0)
      return {};
    buf.append(chunk, static_cast<std::size_t>(n));
  }
}

// Waits up to 5 s for the child, then kills it; returns ms waited.
double reap(pid_t pid) {
  auto t0 = clock_type::now();
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (clock_type::now() - t0 > std::chrono::seconds(5)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

cold_run run_once(const std::string& binary) {
  cold_run r;
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    r.error = "pipe failed";
    return r;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {binary, "--transport", "stdio", "--conformance", "--log-level", "warn"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  auto t0 = clock_type::now();
  int rc = posix_spawn(&pid, binary.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    r.error = "spawn failed";
    return r;
  }
  std::string msgs = handshake;
  if (write(in[1], msgs.data(), msgs.size()) != static_cast<ssize_t>(msgs.size()))
    r.error = "write failed";
  auto line = read_reply_line(out[0], t0);
  r.ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
  if (line.empty())
    r.error = "no tools/list reply within 10 s";
  else if (auto reason = check_reply("application/json", line, 2); !reason.empty())
    r.error = "tools/list: " + reason;
  r.rss_kib = read_vm_rss_kib(pid);
  close(in[1]);  // EOF on stdin: the server should exit by itself
  r.exit_ms = reap(pid);
  close(out[0]);
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n == 0 ? 0.0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

}  // namespace

int run_cold_bench(const bench_options& o) {
  std::printf("== cold: binary=%s runs=%d (+1 warm-up run not counted)\n", o.binary.c_str(), o.runs);
  run_once(o.binary);  // warm the page cache so every counted run sees the same disk state
  std::vector<double> times, rss, exits;
  int failures = 0, kills = 0;
  for (int i = 0; i < o.runs; ++i) {
    auto r = run_once(o.binary);
    if (!r.error.empty()) {
      ++failures;
      std::printf("  run %d failed: %s\n", i, r.error.c_str());
      continue;
    }
    times.push_back(r.ms);
    rss.push_back(static_cast<double>(r.rss_kib));
    if (r.exit_ms < 0)
      ++kills;
    else
      exits.push_back(r.exit_ms);
  }
  double min_ms = times.empty() ? 0 : *std::min_element(times.begin(), times.end());
  double max_ms = times.empty() ? 0 : *std::max_element(times.begin(), times.end());
  std::printf("spawn -> tools/list reply: median %.2f ms, min %.2f ms, max %.2f ms (%zu ok, %d failed)\n",
              median(times), min_ms, max_ms, times.size(), failures);
  std::printf("idle VmRSS after tools/list: median %s\n",
              format_kib(static_cast<long>(median(rss))).c_str());
  std::printf("stdin EOF -> exit: median %.2f ms, %d runs needed SIGKILL after 5 s\n", median(exits), kills);
  std::printf("RESULT cold runs=%d ok=%zu median_ms=%.2f min_ms=%.2f max_ms=%.2f rss_kib=%ld "
              "exit_median_ms=%.2f killed=%d\n",
              o.runs, times.size(), median(times), min_ms, max_ms, static_cast<long>(median(rss)),
              median(exits), kills);
  return failures == 0 && kills == 0 ? 0 : 1;
}

}  // namespace mcp_bench

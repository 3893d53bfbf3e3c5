// Runs the Twenty stand-in (if it was built) on an ephemeral loopback port for the optional
// end-to-end checks; the process is killed when this object goes away.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace tmcp::test {

class standin_process {
public:
  // `args` come after "--port 0"; false from running() when no binary was found or it failed.
  explicit standin_process(const std::vector<std::string>& args) {
    auto bin = find_binary();
    if (bin.empty())
      return;
    int fds[2];
    if (pipe(fds) != 0)
      return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> argv_s{bin, "--port", "0"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv.data(), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    // Kept open: a closed pipe would kill the stand-in on its next stdout write.
    out_fd_ = fds[0];
    if (pid_ > 0)
      url_ = read_url(out_fd_);
  }

  ~standin_process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0)
      close(out_fd_);
  }

  bool running() const { return !url_.empty(); }
  const std::string& url() const { return url_; }

private:
  static std::string find_binary() {
    std::vector<std::string> candidates;
    if (auto env = std::getenv("TWENTY_STANDIN"))
      candidates.emplace_back(env);
    char self[4096];
    auto n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
      std::string dir(self, static_cast<std::size_t>(n));
      candidates.push_back(dir.substr(0, dir.rfind('/')) + "/twenty-standin");
    }
    candidates.emplace_back("/work/main/build-standin/bin/twenty-standin");
    candidates.emplace_back("/work/main/build/bin/twenty-standin");
    for (auto& c : candidates)
      if (access(c.c_str(), X_OK) == 0)
        return c;
    return {};
  }

  // The first stdout line is "twenty-standin listening on http://127.0.0.1:<port>".
  static std::string read_url(int fd) {
    std::string out;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < until) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0)
        continue;
      char buf[256];
      auto got = read(fd, buf, sizeof(buf));
      if (got <= 0)
        break;
      out.append(buf, static_cast<std::size_t>(got));
    }
    auto at = out.find("http://");
    auto end = out.find('\n');
    if (at == std::string::npos || end == std::string::npos || end < at)
      return {};
    return out.substr(at, end - at);
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string url_;
};

} // namespace tmcp::test

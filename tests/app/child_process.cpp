#include "app/child_process.hpp"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tmcp::testing {

child_process::child_process(const std::vector<std::string>& argv) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0)
    return;
  auto parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // A test that aborts (watchdog, failed REQUIRE) must not leave servers holding ctest's pipe.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close(to_child[1]);
    close(from_child[0]);
    // The server's log output is kept for the secret grep (app.no_secrets_in_logs).
    const char* dir = std::getenv("TMCP_E2E_LOG_DIR");
    if (dir && *dir && argv[0].size() >= 17
        && argv[0].compare(argv[0].size() - 17, 17, "twenty-mcp-server") == 0) {
      auto path = std::string(dir) + "/server-" + std::to_string(getpid()) + ".log";
      int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0)
        dup2(fd, 2);
    }
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  in_ = to_child[1];
  out_ = from_child[0];
}

child_process::~child_process() {
  close_stdin();
  if (out_ >= 0)
    close(out_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool child_process::running() {
  if (pid_ <= 0)
    return false;
  int status = 0;
  auto r = waitpid(pid_, &status, WNOHANG);
  if (r == 0)
    return true;
  if (r == pid_)
    pid_ = -1;
  return false;
}

void child_process::write_line(const std::string& line) {
  auto data = line + "\n";
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = ::write(in_, data.data() + done, data.size() - done);
    if (n <= 0)
      return;
    done += static_cast<std::size_t>(n);
  }
}

std::optional<std::string> child_process::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      auto line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return std::nullopt;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0)
      return std::nullopt;
    char buf[4096];
    auto n = ::read(out_, buf, sizeof(buf));
    if (n <= 0)
      return std::nullopt;
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

void child_process::close_stdin() {
  if (in_ >= 0) {
    close(in_);
    in_ = -1;
  }
}

int child_process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    usleep(10000);
  }
  return -1;
}

} // namespace tmcp::testing

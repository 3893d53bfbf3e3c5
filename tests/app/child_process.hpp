// Runs a program with pipes on stdin and stdout, for end-to-end tests of the binary.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tmcp::testing {

class child_process {
public:
  explicit child_process(const std::vector<std::string>& argv);
  ~child_process();

  void write_line(const std::string& line);
  // Reads one line from the child's stdout; nullopt on EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void close_stdin();
  // Waits for the exit status; -1 on timeout (the child is then killed).
  int wait(std::chrono::milliseconds timeout);
  // True while the child has not exited.
  bool running();

private:
  int pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string buffer_;
};

} // namespace tmcp::testing

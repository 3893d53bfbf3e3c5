// Command-line options of the twenty-standin executable.
#pragma once

#include "app.hpp"

#include <cstdint>
#include <string>

namespace standin {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
  int threads = 2;
  app_config app;
  bool help = false;
};

// Returns an error message, or empty on success.
std::string parse_options(int argc, char** argv, server_options& out);
std::string usage();

}  // namespace standin

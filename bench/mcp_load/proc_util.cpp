#include "proc_util.hpp"

#include <cstdio>
#include <fstream>

namespace mcp_bench {

long read_vm_rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, 6, "VmRSS:") == 0)
      return std::stol(line.substr(6));  // "VmRSS:   12345 kB"
  return -1;
}

std::string format_kib(long kib) {
  if (kib < 0)
    return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(kib) / 1024.0);
  return buf;
}

}  // namespace mcp_bench

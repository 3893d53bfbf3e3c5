// /proc readers for the server's memory and CPU figures.
#pragma once

#include <string>

namespace mcp_bench {

// VmRSS of a process in KiB, or -1 when unreadable (process gone, no /proc).
long read_vm_rss_kib(int pid);

// utime + stime of a process in milliseconds, or -1 when unreadable.
double read_cpu_ms(int pid);

// "12.3 MiB", or "n/a" for a negative value.
std::string format_kib(long kib);

}  // namespace mcp_bench

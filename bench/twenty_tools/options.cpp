#include "options.hpp"

#include <iostream>
#include <stdexcept>

namespace twenty_bench {

void print_usage() {
  std::cerr <<
    "usage: twenty-tools-bench MODE [options]\n"
    "  mcp-load   --url U --standin S --tool get|list [--ids N] [--sessions 64] [--duration 10] [--warmup 1]\n"
    "             [--pid P: the server, for its CPU per call]\n"
    "  rest-load  --standin S --tool get|list [--ids N] [--sessions 64] [--duration 10] [--warmup 1]\n"
    "  burst      --url U --standin S [--sessions 20] [--rounds 3]\n"
    "  import     --url U --standin S [--records 1000]\n"
    "  offered    (--url U | --direct) --standin S [--rate 100] [--duration 10] [--drain 20] [--settle 2] [--first-call 0]\n"
    "  tools-list --url U\n"
    "  fairness   --url U --standin S [--sessions 16 readers] [--records 1000] [--duration 5] [--warmup 0.5]\n"
    "common: --label L --key K --object companies --threads 2 --timeout 120\n"
    "Loopback only. Each mode prints a human summary and one 'RESULT key=value ...' line.\n";
}

std::optional<options> parse_options(int argc, char** argv) {
  if (argc < 2) {
    print_usage();
    return std::nullopt;
  }
  options o;
  o.mode = argv[1];
  try {
    for (int i = 2; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--direct") {
        o.direct = true;
        continue;
      }
      if (i + 1 >= argc)
        throw std::invalid_argument(a + " needs a value");
      std::string v = argv[++i];
      if (a == "--url") o.url = v;
      else if (a == "--standin") o.standin = v;
      else if (a == "--key") o.key = v;
      else if (a == "--label") o.label = v;
      else if (a == "--tool") o.tool = v;
      else if (a == "--object") o.object = v;
      else if (a == "--sessions") o.sessions = std::stoi(v);
      else if (a == "--ids") o.ids = std::stoi(v);
      else if (a == "--duration") o.duration_s = std::stod(v);
      else if (a == "--warmup") o.warmup_s = std::stod(v);
      else if (a == "--threads") o.threads = std::stoi(v);
      else if (a == "--rounds") o.rounds = std::stoi(v);
      else if (a == "--records") o.records = std::stoi(v);
      else if (a == "--rate") o.rate = std::stod(v);
      else if (a == "--drain") o.drain_s = std::stod(v);
      else if (a == "--settle") o.settle_s = std::stod(v);
      else if (a == "--first-call") o.first_call = std::stoi(v);
      else if (a == "--timeout") o.timeout_s = std::stod(v);
      else if (a == "--pid") o.pid = std::stoi(v);
      else throw std::invalid_argument("unknown option " + a);
    }
  } catch (const std::exception& e) {
    std::cerr << "twenty-tools-bench: " << e.what() << "\n";
    print_usage();
    return std::nullopt;
  }
  if (o.label.empty())
    o.label = o.mode;
  if (o.sessions < 1 || o.threads < 1 || o.rate <= 0 || o.duration_s <= 0) {
    std::cerr << "twenty-tools-bench: sessions, threads, rate and duration must be positive\n";
    return std::nullopt;
  }
  return o;
}

}  // namespace twenty_bench

#include "options.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace mcp_bench {
namespace {

std::optional<endpoint> parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return std::nullopt;  // loopback benchmark: plain http only
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto hostport = rest.substr(0, slash);
  endpoint ep;
  ep.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = hostport.rfind(':');
  if (colon == std::string::npos) {
    ep.host = hostport;
    ep.port = "80";
  } else {
    ep.host = hostport.substr(0, colon);
    ep.port = hostport.substr(colon + 1);
  }
  if (ep.host.empty() || ep.port.empty())
    return std::nullopt;
  return ep;
}

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty())
      out.push_back(item);
  return out;
}

}  // namespace

void print_usage() {
  std::cerr <<
    "usage:\n"
    "  mcp-bench http --url URL --sessions N --duration S [--mix ping,tools/list,tools/call]\n"
    "                [--era legacy|modern]   (modern: one stateless client per session slot)\n"
    "                 [--max-requests M] [--threads T] [--connect-concurrency C] [--timeout S]\n"
    "  mcp-bench idle --url URL --sessions N --pid PID [--keep-connections] [--delete]\n"
    "                 [--threads T] [--connect-concurrency C]\n"
    "  mcp-bench cold --binary PATH [--runs R]\n";
}

std::optional<bench_options> parse_options(int argc, char** argv) {
  if (argc < 2) {
    print_usage();
    return std::nullopt;
  }
  bench_options o;
  o.mode = argv[1];
  if (o.mode != "http" && o.mode != "idle" && o.mode != "cold") {
    print_usage();
    return std::nullopt;
  }
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << a << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--url") o.url = value();
    else if (a == "--sessions") o.sessions = std::atoi(value().c_str());
    else if (a == "--duration") o.duration_s = std::atof(value().c_str());
    else if (a == "--mix") o.mix = split_csv(value());
    else if (a == "--era") o.era = value();
    else if (a == "--max-requests") o.max_requests = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--threads") o.threads = std::atoi(value().c_str());
    else if (a == "--connect-concurrency") o.connect_concurrency = std::atoi(value().c_str());
    else if (a == "--timeout") o.request_timeout_s = std::atof(value().c_str());
    else if (a == "--pid") o.pid = std::atoi(value().c_str());
    else if (a == "--keep-connections") o.keep_connections = true;
    else if (a == "--delete") o.delete_sessions = true;
    else if (a == "--binary") o.binary = value();
    else if (a == "--runs") o.runs = std::atoi(value().c_str());
    else {
      std::cerr << "unknown option " << a << "\n";
      print_usage();
      return std::nullopt;
    }
  }
  if (o.mode == "cold") {
    if (o.binary.empty() || o.runs < 1) {
      std::cerr << "cold needs --binary and --runs >= 1\n";
      return std::nullopt;
    }
    return o;
  }
  auto ep = parse_url(o.url);
  if (!ep) {
    std::cerr << "bad --url (expected http://host:port/path): " << o.url << "\n";
    return std::nullopt;
  }
  o.ep = *ep;
  for (const auto& m : o.mix)
    if (m != "ping" && m != "tools/list" && m != "tools/call") {
      std::cerr << "unknown method in --mix: " << m << "\n";
      return std::nullopt;
    }
  if (o.era != "legacy" && o.era != "modern") {
    std::cerr << "--era must be legacy or modern\n";
    return std::nullopt;
  }
  if (o.era == "modern" && std::find(o.mix.begin(), o.mix.end(), "ping") != o.mix.end()) {
    std::cerr << "ping does not exist in the modern era; pass --mix tools/list,tools/call\n";
    return std::nullopt;
  }
  if (o.sessions < 1 || o.threads < 1 || o.connect_concurrency < 1 || o.mix.empty()) {
    std::cerr << "--sessions, --threads, --connect-concurrency must be >= 1 and --mix non-empty\n";
    return std::nullopt;
  }
  return o;
}

}  // namespace mcp_bench

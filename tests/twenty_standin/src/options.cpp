#include "options.hpp"

#include <cstdlib>

namespace standin {

namespace {

bool to_num(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && *end == '\0';
}

// "N/ms" as in --rate-short 100/1000
bool parse_bucket(const std::string& s, bucket_config& b) {
  auto slash = s.find('/');
  double limit, ttl;
  if (slash == std::string::npos || !to_num(s.substr(0, slash), limit) || !to_num(s.substr(slash + 1), ttl)
      || limit <= 0 || ttl <= 0)
    return false;
  b.limit = limit;
  b.ttl_ms = static_cast<std::int64_t>(ttl);
  return true;
}

}  // namespace

std::string usage() {
  return R"(twenty-standin: a test double of Twenty CRM's HTTP API (REST, /graphql, /metadata).

Options:
  --host H                bind address (default 127.0.0.1)
  --port N                port, 0 picks a free one (default 3000)
  --threads N             I/O threads (default 2)
  --api-key KEY           accepted API key; repeatable (default: standin-demo-key)
  --seed N                data seed (default 42)
  --scale N               number of opportunities (default: demo workspace, 80)
  --anchor-date YYYY-MM-DD  dates are spread around this day (default 2026-01-01)
  --empty                 start with an empty workspace (schema only)
  --rate-short N/MS       short token bucket: N requests per MS ms (default 100/1000)
  --rate-long N/MS        long token bucket (default 100/60000)
  --no-rate-short         disable the short bucket
  --no-rate-long          disable the long bucket
  --no-rate-limit         disable both buckets
  --fault-rate X          share of API requests that fail, 0..1 (default 0)
  --fault-seed N          seed of the fault sequence (default 1)
  --latency-ms N          delay added to every API response (default 0)
  --stall-ms N            how long a stalled request is held before the drop (default 30000)
  --no-graphql-group-by   answer like a release without GraphQL groupBy (0.50)
  --twenty-version V      answer as Twenty V does where recordings show it differs:
                          0.50, 2.5, 2.19 or newest (default)
  --help                  this text

Admin endpoints (no auth): GET /_standin/stats, POST /_standin/reset-stats,
GET|POST /_standin/faults, GET|POST /_standin/rate-limits, GET /healthz.
)";
}

std::string parse_options(int argc, char** argv, server_options& out) {
  bool custom_keys = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& v) -> bool {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    std::string v;
    double n = 0;
    auto number = [&]() { return value(v) && to_num(v, n); };
    if (a == "--help" || a == "-h") out.help = true;
    else if (a == "--host") { if (!value(out.host)) return "--host needs a value"; }
    else if (a == "--port") { if (!number() || n < 0 || n > 65535) return "--port needs 0..65535"; out.port = static_cast<std::uint16_t>(n); }
    else if (a == "--threads") { if (!number() || n < 1) return "--threads needs N >= 1"; out.threads = static_cast<int>(n); }
    else if (a == "--api-key") {
      if (!value(v) || v.empty()) return "--api-key needs a value";
      if (!custom_keys) out.app.api_keys.clear();
      custom_keys = true;
      out.app.api_keys.push_back(v);
    }
    else if (a == "--seed") { if (!number()) return "--seed needs a number"; out.app.seed.seed = static_cast<std::uint64_t>(n); }
    else if (a == "--scale") { if (!number() || n < 1 || n > 1000000) return "--scale needs 1..1000000"; out.app.seed.opportunities = static_cast<std::size_t>(n); }
    else if (a == "--anchor-date") {
      if (!value(v)) return "--anchor-date needs YYYY-MM-DD";
      auto t = parse_iso_time(v);
      if (!t) return "--anchor-date needs YYYY-MM-DD";
      out.app.seed.anchor_ms = *t;
    }
    else if (a == "--empty") out.app.seed_data = false;
    else if (a == "--no-graphql-group-by") out.app.graphql_group_by = false;
    else if (a == "--twenty-version") {
      auto r = value(v) ? parse_release(v) : std::nullopt;
      if (!r) return "--twenty-version needs 0.50, 2.5, 2.19 or newest";
      out.app.release = *r;
    }
    else if (a == "--rate-short") { if (!value(v) || !parse_bucket(v, out.app.rate.short_bucket)) return "--rate-short needs N/MS"; }
    else if (a == "--rate-long") { if (!value(v) || !parse_bucket(v, out.app.rate.long_bucket)) return "--rate-long needs N/MS"; }
    else if (a == "--no-rate-short") out.app.rate.short_bucket.enabled = false;
    else if (a == "--no-rate-long") out.app.rate.long_bucket.enabled = false;
    else if (a == "--no-rate-limit") out.app.rate.short_bucket.enabled = out.app.rate.long_bucket.enabled = false;
    else if (a == "--fault-rate") { if (!number() || n < 0 || n > 1) return "--fault-rate needs 0..1"; out.app.faults.rate = n; }
    else if (a == "--fault-seed") { if (!number()) return "--fault-seed needs a number"; out.app.faults.seed = static_cast<std::uint64_t>(n); }
    else if (a == "--latency-ms") { if (!number() || n < 0) return "--latency-ms needs N >= 0"; out.app.faults.latency_ms = static_cast<std::int64_t>(n); }
    else if (a == "--stall-ms") { if (!number() || n < 0) return "--stall-ms needs N >= 0"; out.app.faults.stall_ms = static_cast<std::int64_t>(n); }
    else return "unknown option " + a + " (see --help)";
  }
  return {};
}

}  // namespace standin

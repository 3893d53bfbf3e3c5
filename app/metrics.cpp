#include "app/metrics.hpp"

#include <mutex>
#include <set>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "protocol/json.hpp"

namespace tmcp::app {

namespace pm = prometheus;

namespace {

const pm::Histogram::BucketBoundaries& latency_buckets() {
  static const pm::Histogram::BucketBoundaries b{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                 0.5,   1,    2.5,   5,    10,  30};
  return b;
}

// Label values come from clients: only known methods, and a bounded set of tool names, so a
// client cannot grow the series without limit.
std::string method_label(const std::string& m) {
  static const std::set<std::string> known{
    "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/read",
    "resources/templates/list", "resources/subscribe", "resources/unsubscribe", "prompts/list",
    "prompts/get", "completion/complete", "logging/setLevel", "tasks/get", "tasks/list",
    "tasks/result", "tasks/cancel"};
  return known.count(m) ? m : "other";
}

class label_budget {
public:
  std::string operator()(const std::string& v) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (seen_.count(v))
      return v;
    if (seen_.size() >= 256 || v.size() > 64)
      return "other";
    seen_.insert(v);
    return v;
  }

private:
  std::mutex mtx_;
  std::set<std::string> seen_;
};

const char* api_label(twenty::api a) {
  switch (a) {
    case twenty::api::rest: return "rest";
    case twenty::api::graphql: return "graphql";
    case twenty::api::metadata: return "metadata";
  }
  return "other";
}

pm::MetricFamily family(std::string name, std::string help, pm::MetricType type) {
  pm::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void add_value(pm::MetricFamily& f, double v, std::vector<pm::ClientMetric::Label> labels = {}) {
  pm::ClientMetric m;
  m.label = std::move(labels);
  if (f.type == pm::MetricType::Counter)
    m.counter.value = v;
  else
    m.gauge.value = v;
  f.metric.push_back(std::move(m));
}

double number(const json::value& obj, const char* key) {
  auto v = json::find(obj, key);
  return v && v->IsNumber() ? v->GetDouble() : 0.0;
}

// The actors' counters, read from the probe's stats JSON at scrape time.
std::vector<pm::MetricFamily> probed_families(const health_inputs& probe) {
  auto up = family("tmcp_actor_up", "1 when the core actor answered the scrape's probe",
                   pm::MetricType::Gauge);
  std::vector<pm::MetricFamily> out;
  for (const auto& a : probe.actors) {
    add_value(up, a.answered ? 1 : 0, {{"actor", a.name}});
    auto doc = json::parse(a.stats_json);
    if (!a.answered || !doc || !doc->IsObject())
      continue;
    const auto& s = *doc;
    if (a.name == "session_supervisor") {
      auto f = family("tmcp_sessions", "Live MCP sessions", pm::MetricType::Gauge);
      add_value(f, number(s, "sessions"));
      out.push_back(std::move(f));
    } else if (a.name == "integration_supervisor") {
      auto f = family("tmcp_actor_restarts_total",
                      "Integration actors (gateway, cache, schema) restarted after a crash",
                      pm::MetricType::Counter);
      add_value(f, number(s, "restarts"));
      out.push_back(std::move(f));
    } else if (a.name == "gateway") {
      auto queue = family("tmcp_queue_depth", "Requests waiting in a queue",
                          pm::MetricType::Gauge);
      add_value(queue, number(s, "queued"), {{"queue", "gateway"}});
      add_value(queue, number(s, "in_flight"), {{"queue", "gateway_in_flight"}});
      out.push_back(std::move(queue));
      auto tokens = family("tmcp_rate_budget_tokens",
                           "Requests Twenty's rate limits still allow now, per window",
                           pm::MetricType::Gauge);
      add_value(tokens, number(s, "short_tokens"), {{"window", "short"}});
      add_value(tokens, number(s, "long_tokens"), {{"window", "long"}});
      out.push_back(std::move(tokens));
      auto gw = family("tmcp_gateway_events_total",
                       "Gateway events: retries, shared reads, collapsed gets, expired, refused "
                       "(queue full), cancelled",
                       pm::MetricType::Counter);
      for (const char* k : {"retries", "shared", "collapsed_calls", "expired", "refused",
                            "cancelled"})
        add_value(gw, number(s, k), {{"event", k}});
      out.push_back(std::move(gw));
    } else if (a.name == "cache") {
      for (const char* k : {"hits", "misses", "evictions", "expirations", "invalidations"}) {
        auto f = family(std::string("tmcp_cache_") + k + "_total",
                        std::string("Cache ") + k + " of Twenty answers", pm::MetricType::Counter);
        add_value(f, number(s, k));
        out.push_back(std::move(f));
      }
      auto bytes = family("tmcp_cache_bytes", "Bytes held by the cache", pm::MetricType::Gauge);
      add_value(bytes, number(s, "bytes"));
      out.push_back(std::move(bytes));
    }
  }
  out.push_back(std::move(up));
  return out;
}

} // namespace

struct server_metrics::families {
  explicit families(pm::Registry& r)
    : requests(pm::BuildCounter()
                 .Name("tmcp_mcp_requests_total")
                 .Help("MCP requests answered, by method and outcome (ok, error, tool_error)")
                 .Register(r)),
      request_seconds(pm::BuildHistogram()
                        .Name("tmcp_mcp_request_duration_seconds")
                        .Help("Time from receiving an MCP request to its answer, by method")
                        .Register(r)),
      tool_calls(pm::BuildCounter()
                   .Name("tmcp_tool_calls_total")
                   .Help("tools/call answered, by tool and outcome")
                   .Register(r)),
      tool_seconds(pm::BuildHistogram()
                     .Name("tmcp_tool_call_duration_seconds")
                     .Help("tools/call latency by tool")
                     .Register(r)),
      upstream_calls(pm::BuildCounter()
                       .Name("tmcp_upstream_requests_total")
                       .Help("Calls to Twenty by API and status class (2xx..5xx, network)")
                       .Register(r)),
      upstream_errors(pm::BuildCounter()
                        .Name("tmcp_upstream_errors_total")
                        .Help("Failed calls to Twenty by error code")
                        .Register(r)),
      upstream_429(pm::BuildCounter()
                     .Name("tmcp_upstream_rate_limited_total")
                     .Help("Calls Twenty answered with 429 Too Many Requests")
                     .Register(r)
                     .Add({})),
      upstream_seconds(pm::BuildHistogram()
                         .Name("tmcp_upstream_duration_seconds")
                         .Help("Latency of one call to Twenty by API")
                         .Register(r)) {}

  pm::Family<pm::Counter>& requests;
  pm::Family<pm::Histogram>& request_seconds;
  pm::Family<pm::Counter>& tool_calls;
  pm::Family<pm::Histogram>& tool_seconds;
  pm::Family<pm::Counter>& upstream_calls;
  pm::Family<pm::Counter>& upstream_errors;
  pm::Counter& upstream_429;
  pm::Family<pm::Histogram>& upstream_seconds;
  label_budget tool_names;
};

server_metrics::server_metrics()
  : registry_(std::make_shared<pm::Registry>()), f_(std::make_unique<families>(*registry_)) {}

server_metrics::~server_metrics() = default;

void server_metrics::mcp_request(const std::string& method, const std::string& tool,
                                 const std::string& outcome, std::chrono::duration<double> took) {
  auto m = method_label(method);
  f_->requests.Add({{"method", m}, {"outcome", outcome}}).Increment();
  f_->request_seconds.Add({{"method", m}}, latency_buckets()).Observe(took.count());
  if (m != "tools/call")
    return;
  auto t = f_->tool_names(tool);
  f_->tool_calls.Add({{"tool", t}, {"outcome", outcome}}).Increment();
  f_->tool_seconds.Add({{"tool", t}}, latency_buckets()).Observe(took.count());
}

void server_metrics::upstream(twenty::api kind, const twenty::outcome& o,
                              std::chrono::duration<double> took) {
  std::string status = "network";
  if (o)
    status = std::to_string(o->status / 100) + "xx";
  f_->upstream_calls.Add({{"api", api_label(kind)}, {"status", status}}).Increment();
  f_->upstream_seconds.Add({{"api", api_label(kind)}}, latency_buckets()).Observe(took.count());
  if (o && o->status == 429)
    f_->upstream_429.Increment();
  if (!o)
    f_->upstream_errors.Add({{"code", twenty::to_string(o.error().code)}}).Increment();
  else if (o->status >= 400)
    f_->upstream_errors.Add({{"code", twenty::to_string(twenty::classify(*o).code)}}).Increment();
  else if (kind != twenty::api::rest && o->body.find("\"errors\"") != std::string::npos)
    // GraphQL reports failures (a bad key too) inside a 200.
    if (auto e = twenty::graphql_error(o->body))
      f_->upstream_errors.Add({{"code", twenty::to_string(e->code)}}).Increment();
}

std::string server_metrics::render(const health_inputs& probe) const {
  auto all = registry_->Collect();
  for (auto& f : probed_families(probe))
    all.push_back(std::move(f));
  return pm::TextSerializer{}.Serialize(all);
}

} // namespace tmcp::app

#include "app/health_report.hpp"

#include <ctime>

#include "protocol/json.hpp"

namespace tmcp::app {

namespace {

int rank(const std::string& status) {
  return status == "unhealthy" ? 2 : status == "degraded" ? 1 : 0;
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string field(const char* name, const std::string& json_value) {
  return json::quote(name) + ":" + json_value;
}

// The Twenty component: reachability from the schema introspections and the last error.
std::pair<std::string, std::string> twenty_check(const health_inputs& in) {
  if (!in.twenty) {
    auto status = in.conformance ? std::string("healthy") : std::string("degraded");
    auto why = in.conformance ? "conformance mode: no workspace is used"
                              : "no Twenty configured: set TWENTY_API_URL and TWENTY_API_KEY";
    return {status, "{" + field("status", json::quote(status)) + ","
                      + field("detail", json::quote(why)) + "}"};
  }
  const auto& t = *in.twenty;
  std::string status = "healthy";
  std::string detail;
  if (!t.attempted) {
    status = "degraded";
    detail = "the first schema load is under way";
  } else if (!t.loaded) {
    status = "unhealthy";
    detail = "no workspace schema was ever loaded: tools cannot work until the cause below is "
             "fixed";
  } else if (t.last_failure) {
    status = "degraded";
    detail = "the last schema refresh failed: serving the schema loaded at "
             + iso_time(t.last_success);
  }
  std::string out = "{" + field("status", json::quote(status)) + ","
                    + field("url", json::quote(t.url)) + ","
                    + field("schema_loaded", t.loaded ? "true" : "false");
  if (!detail.empty())
    out += "," + field("detail", json::quote(detail));
  if (t.loaded)
    out += "," + field("last_success", json::quote(iso_time(t.last_success)));
  if (!t.release.empty())
    out += "," + field("release", "{" + field("family", json::quote(t.release)) + ","
                                    + field("relations", json::quote(t.relations)) + "}");
  if (t.last_failure)
    out += "," + field("last_error",
                       "{" + field("code", json::quote(twenty::to_string(t.last_failure->code)))
                         + "," + field("http_status", std::to_string(t.last_failure->http_status))
                         + "," + field("message", json::quote(t.last_failure->message)) + ","
                         + field("at", json::quote(iso_time(t.last_failure_at))) + "}");
  return {status, out + "}"};
}

} // namespace

health_report evaluate_health(const health_inputs& in) {
  std::string worst = "healthy";
  auto note = [&](const std::string& s) {
    if (rank(s) > rank(worst))
      worst = s;
  };
  auto [twenty_status, twenty_json] = twenty_check(in);
  note(twenty_status);
  std::string checks = field("twenty", twenty_json);
  std::string actors;
  for (const auto& a : in.actors) {
    std::string status = a.answered ? "healthy" : "unhealthy";
    note(status);
    std::string entry = "{" + field("status", json::quote(status));
    if (a.answered && a.stats_json.size() > 2)
      entry += "," + field("stats", a.stats_json);
    if (!a.answered)
      entry += "," + field("detail", json::quote("did not answer within the probe's deadline"));
    actors += (actors.empty() ? "" : ",") + field(a.name.c_str(), entry + "}");
  }
  checks += "," + field("actors", "{" + actors + "}");
  for (const auto& e : in.extras) {
    note(e.status);
    checks += "," + field(e.name.c_str(), e.detail_json);
  }
  health_report r;
  r.status = worst;
  r.http_status = worst == "unhealthy" ? 503 : 200;
  r.body = "{" + field("status", json::quote(worst)) + "," + field("checks", "{" + checks + "}")
           + "}";
  return r;
}

} // namespace tmcp::app

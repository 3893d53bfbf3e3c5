#include "faults.hpp"

#include "json_util.hpp"

namespace standin {

fault_decision fault_plan::next() {
  std::lock_guard<std::mutex> lock(mu_);
  fault_decision d;
  d.latency_ms = cfg_.latency_ms;
  // Always draw twice so the sequence does not depend on earlier outcomes.
  double roll = rng_.uniform(), pick = rng_.uniform();
  if (cfg_.rate <= 0 || roll >= cfg_.rate) return d;
  double total = cfg_.weight_5xx + cfg_.weight_reset + cfg_.weight_stall;
  if (total <= 0) return d;
  double x = pick * total;
  if (x < cfg_.weight_5xx) {
    static const int codes[] = {500, 502, 503};
    d.kind = fault_kind::server_error;
    d.status = codes[static_cast<int>(x / cfg_.weight_5xx * 3) % 3];
  } else if (x < cfg_.weight_5xx + cfg_.weight_reset) {
    d.kind = fault_kind::reset;
  } else {
    d.kind = fault_kind::stall;
    d.stall_ms = cfg_.stall_ms;
  }
  return d;
}

void fault_plan::configure(const fault_config& cfg) {
  std::lock_guard<std::mutex> lock(mu_);
  cfg_ = cfg;
  rng_ = rng(cfg.seed);
}

fault_config fault_plan::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cfg_;
}

std::string_view fault_name(fault_kind k) {
  switch (k) {
    case fault_kind::server_error: return "5xx";
    case fault_kind::reset: return "reset";
    case fault_kind::stall: return "stall";
    default: return "none";
  }
}

std::string parse_fault_config(const std::string& body, fault_config& c) {
  rapidjson::Document d;
  std::string err;
  if (!parse_json(body.empty() ? "{}" : body, d, &err)) return "invalid JSON: " + err;
  if (!d.IsObject()) return "body must be a JSON object";
  auto num = [&](const char* k, auto& out) -> bool {
    if (!d.HasMember(k)) return true;
    if (!d[k].IsNumber()) return false;
    out = static_cast<std::decay_t<decltype(out)>>(d[k].GetDouble());
    return true;
  };
  if (!num("rate", c.rate) || !num("seed", c.seed) || !num("latencyMs", c.latency_ms)
      || !num("stallMs", c.stall_ms))
    return "rate, seed, latencyMs and stallMs must be numbers";
  if (c.rate < 0 || c.rate > 1) return "rate must be within 0..1";
  if (d.HasMember("weights") && d["weights"].IsObject()) {
    auto& w = d["weights"];
    if (w.HasMember("5xx") && w["5xx"].IsNumber()) c.weight_5xx = w["5xx"].GetDouble();
    if (w.HasMember("reset") && w["reset"].IsNumber()) c.weight_reset = w["reset"].GetDouble();
    if (w.HasMember("stall") && w["stall"].IsNumber()) c.weight_stall = w["stall"].GetDouble();
  }
  return {};
}

std::string fault_config_json(const fault_config& c) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  w.Key("rate"); write_number(w, c.rate);
  w.Key("seed"); w.Uint64(c.seed);
  w.Key("latencyMs"); w.Int64(c.latency_ms);
  w.Key("stallMs"); w.Int64(c.stall_ms);
  w.Key("weights");
  w.StartObject();
  w.Key("5xx"); write_number(w, c.weight_5xx);
  w.Key("reset"); write_number(w, c.weight_reset);
  w.Key("stall"); write_number(w, c.weight_stall);
  w.EndObject();
  w.EndObject();
  return sb.GetString();
}

}  // namespace standin

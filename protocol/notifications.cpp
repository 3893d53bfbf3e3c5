#include "protocol/notifications.hpp"

#include <cmath>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/json_rpc.hpp"

namespace tmcp {

namespace {

std::string number(double v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  // JSON has no NaN or infinity; and casting a double out of int64 range is undefined.
  if (!std::isfinite(v))
    return "0";
  if (std::fabs(v) < 9e15 && v == std::trunc(v))
    w.Int64(static_cast<int64_t>(v));
  else
    w.Double(v);
  return buf.GetString();
}

} // namespace

std::optional<std::string> progress_tracker::next(double value, std::optional<double> total,
                                                  const std::string& message) {
  if (token.empty())
    return std::nullopt;
  // Progress MUST increase; a stale or repeated value is dropped rather than sent.
  if (sent && value <= last)
    return std::nullopt;
  sent = true;
  last = value;
  std::string params = "{\"progressToken\":" + token + ",\"progress\":" + number(value);
  if (total)
    params += ",\"total\":" + number(*total);
  if (!message.empty())
    params += ",\"message\":" + json::quote(message);
  params += '}';
  return make_notification("notifications/progress", params);
}

std::string progress_token_of(const json::value* params) {
  if (!params)
    return {};
  auto meta = json::find(*params, "_meta");
  auto tok = meta ? json::find(*meta, "progressToken") : nullptr;
  if (tok && (tok->IsString() || tok->IsInt64()))
    return json::stringify(*tok);
  return {};
}

std::string make_log_notification(log_level level, const std::string& logger,
                                  const std::string& data_json) {
  std::string params = std::string("{\"level\":\"") + to_string(level) + "\"";
  if (!logger.empty())
    params += ",\"logger\":" + json::quote(logger);
  params += ",\"data\":" + (data_json.empty() ? std::string("null") : data_json) + "}";
  return make_notification("notifications/message", params);
}

} // namespace tmcp

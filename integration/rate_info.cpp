#include "integration/rate_info.hpp"

#include <cctype>
#include <string>

#include "protocol/json.hpp"

namespace tmcp::twenty {

namespace {

using std::chrono::milliseconds;

// Reads digits at `at`, advancing it; nullopt when there are none or they overflow.
std::optional<long long> digits(std::string_view s, std::size_t& at) {
  long long v = 0;
  auto start = at;
  while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) {
    if (v > 1'000'000'000'000LL)
      return std::nullopt;
    v = v * 10 + (s[at++] - '0');
  }
  return at == start ? std::nullopt : std::optional<long long>(v);
}

bool skip(std::string_view s, std::size_t& at, std::string_view word) {
  if (s.substr(at, word.size()) != word)
    return false;
  at += word.size();
  return true;
}

std::optional<int> small_int(const json::value& v, const char* key) {
  auto n = json::find(v, key);
  if (!n || !n->IsNumber())
    return std::nullopt;
  auto d = n->GetDouble();
  if (d < 0 || d > 2e9)
    return std::nullopt;
  return static_cast<int>(d);
}

// The fields of the newest 429 body, on the REST body or a GraphQL error's `extensions`.
void read_fields(const json::value& v, rate_info& out) {
  if (auto l = small_int(v, "limit"))
    out.limit = *l;
  if (auto r = small_int(v, "remaining"))
    out.remaining = *r;
  if (auto s = small_int(v, "retryAfterSeconds"))
    out.retry_after_seconds = *s;
  auto count = json::get_int(v, "periodCount");
  auto unit = json::get_string(v, "periodUnit");
  if (count && unit)
    if (auto p = period_of(*count, *unit))
      out.period = *p;
}

void read_message(std::string_view text, rate_info& out) {
  auto m = parse_limit_message(text);
  if (!m)
    return;
  if (!out.limit)
    out.limit = m->limit;
  if (!out.period)
    out.period = m->period;
}

void read_messages(const json::value& v, rate_info& out) {
  for (auto key : {"messages", "message"}) {
    auto m = json::find(v, key);
    if (!m)
      continue;
    if (m->IsString())
      read_message(std::string_view(m->GetString(), m->GetStringLength()), out);
    else if (m->IsArray())
      for (auto& item : m->GetArray())
        if (item.IsString())
          read_message(std::string_view(item.GetString(), item.GetStringLength()), out);
  }
}

bool is_rate_code(const std::optional<std::string>& code) {
  return code && (*code == "RATE_LIMITED" || *code == "TOO_MANY_REQUESTS");
}

// GraphQL reports the limit as an error inside a 200 answer.
void read_graphql(const json::value& doc, rate_info& out) {
  auto errs = json::find(doc, "errors");
  if (!errs || !errs->IsArray())
    return;
  for (auto& e : errs->GetArray()) {
    auto ext = json::find(e, "extensions");
    auto message = json::get_string(e, "message");
    bool limited = ext && is_rate_code(json::get_string(*ext, "code"));
    if (!limited && !(message && parse_limit_message(*message)))
      continue;
    out.limited = true;
    if (ext)
      read_fields(*ext, out);
    if (message)
      read_message(*message, out);
    return;
  }
}

} // namespace

std::optional<milliseconds> period_of(long long count, std::string_view unit) {
  if (count < 1 || count > 1'000'000'000LL)
    return std::nullopt;
  std::string u(unit);
  if (!u.empty() && u.back() == 's' && u != "ms")
    u.pop_back();
  long long ms = 0;
  if (u == "millisecond" || u == "ms")
    ms = 1;
  else if (u == "second")
    ms = 1000;
  else if (u == "minute")
    ms = 60'000;
  else if (u == "hour")
    ms = 3'600'000;
  else if (u == "day")
    ms = 86'400'000;
  else
    return std::nullopt;
  return milliseconds(count * ms);
}

std::optional<limit_message> parse_limit_message(std::string_view text) {
  auto at = text.find("imit reached (");
  if (at == std::string_view::npos)
    return std::nullopt;
  at += 14;
  auto limit = digits(text, at);
  if (!limit || !skip(text, at, " tokens per "))
    return std::nullopt;
  auto count = digits(text, at);
  if (!count || !skip(text, at, " "))
    return std::nullopt;
  auto close = text.find(')', at);
  if (close == std::string_view::npos)
    return std::nullopt;
  auto period = period_of(*count, text.substr(at, close - at));
  if (!period || *limit < 1 || *limit > 2'000'000'000LL)
    return std::nullopt;
  return limit_message{static_cast<int>(*limit), *period};
}

rate_info read_rate_info(const response& r, api kind) {
  rate_info out;
  out.limit = r.ratelimit_limit;
  out.remaining = r.ratelimit_remaining;
  out.retry_after_seconds = r.retry_after_seconds;
  out.reset_epoch = r.ratelimit_reset_epoch;
  bool graphql_limited = kind != api::rest && r.status == 200
                         && (r.body.find("RATE_LIMITED") != std::string::npos
                             || r.body.find("TOO_MANY_REQUESTS") != std::string::npos
                             || r.body.find("imit reached (") != std::string::npos);
  if (r.status != 429 && !graphql_limited)
    return out;
  auto doc = json::parse(r.body);
  if (r.status == 429) {
    out.limited = true;
    if (doc && doc->IsObject()) {
      if (json::find(*doc, "errors"))
        read_graphql(*doc, out);
      read_fields(*doc, out);
      read_messages(*doc, out);
    }
  } else if (doc && doc->IsObject()) {
    read_graphql(*doc, out);
  }
  // Headers win over the body where both speak; the body filled only what headers left open.
  if (r.ratelimit_limit)
    out.limit = r.ratelimit_limit;
  if (r.ratelimit_remaining)
    out.remaining = r.ratelimit_remaining;
  if (r.retry_after_seconds)
    out.retry_after_seconds = r.retry_after_seconds;
  return out;
}

} // namespace tmcp::twenty

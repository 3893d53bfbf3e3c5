#include "standin_admin.hpp"

#include <rapidjson/document.h>

#include <cctype>
#include <stdexcept>

namespace twenty_bench {

std::uint64_t standin_stats::route(const std::string& key) const {
  auto it = routes.find(key);
  return it == routes.end() ? 0 : it->second;
}

std::string standin_stats::routes_text() const {
  std::string out;
  for (const auto& [k, n] : routes)
    if (n)
      out += (out.empty() ? "" : ", ") + k + "=" + std::to_string(n);
  return out.empty() ? "(none)" : out;
}

std::pair<int, std::string> standin_admin::exchange(http::verb verb, const std::string& target,
                                                    bool auth) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(resolve(ioc, ep_));
  http_request req{verb, target, 11};
  req.set(http::field::host, ep_.host + ":" + ep_.port);
  if (auth)
    req.set(http::field::authorization, "Bearer " + key_);
  if (verb == http::verb::post)
    req.set(http::field::content_type, "application/json");
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  auto res = parser.release();
  return {res.result_int(), std::move(res.body())};
}

std::pair<int, std::string> standin_admin::get(const std::string& target, bool auth) {
  return exchange(http::verb::get, target, auth);
}

standin_stats standin_admin::stats() {
  auto [status, body] = exchange(http::verb::get, "/_standin/stats", false);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (status != 200 || doc.HasParseError() || !doc.IsObject())
    throw std::runtime_error("stand-in stats: HTTP " + std::to_string(status));
  standin_stats s;
  auto num = [&](const char* key) -> std::uint64_t {
    auto m = doc.FindMember(key);
    return m != doc.MemberEnd() && m->value.IsUint64() ? m->value.GetUint64() : 0;
  };
  s.total = num("totalRequests");
  s.rate_limited = num("rateLimited");
  s.writes = num("writes");
  if (auto r = doc.FindMember("routes"); r != doc.MemberEnd() && r->value.IsObject())
    for (const auto& m : r->value.GetObject())
      if (m.value.IsUint64())
        s.routes[m.name.GetString()] = m.value.GetUint64();
  return s;
}

void standin_admin::reset_stats() {
  auto [status, body] = exchange(http::verb::post, "/_standin/reset-stats", false);
  if (status != 200)
    throw std::runtime_error("stand-in reset-stats: HTTP " + std::to_string(status));
}

std::vector<std::string> standin_admin::ids(const std::string& plural, std::size_t max) {
  std::vector<std::string> out;
  std::string cursor;
  while (out.size() < max) {
    auto target = "/rest/" + plural + "?limit=200" + (cursor.empty() ? "" : "&starting_after=" + cursor);
    auto [status, body] = exchange(http::verb::get, target, true);
    if (status != 200)
      throw std::runtime_error("stand-in GET " + target + ": HTTP " + std::to_string(status));
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    const auto& data = doc["data"][plural.c_str()];
    for (const auto& rec : data.GetArray())
      if (out.size() < max)
        out.push_back(rec["id"].GetString());
    const auto& page = doc["pageInfo"];
    auto next = page.FindMember("hasNextPage");
    auto end = page.FindMember("endCursor");
    if (next == page.MemberEnd() || !next->value.IsBool() || !next->value.GetBool() ||
        end == page.MemberEnd() || !end->value.IsString())
      break;
    cursor.clear();  // base64 text: percent-encode all but letters and digits
    for (const char* c = end->value.GetString(); *c; ++c) {
      static const char* hex = "0123456789ABCDEF";
      if (std::isalnum(static_cast<unsigned char>(*c)))
        cursor += *c;
      else
        cursor += std::string("%") + hex[(*c >> 4) & 15] + hex[*c & 15];
    }
  }
  return out;
}

}  // namespace twenty_bench

#include "integration/record_batch.hpp"

#include <map>

#include "integration/url.hpp"
#include "protocol/json.hpp"
#include "protocol/json_skim.hpp"

namespace tmcp::twenty {

namespace {

using json::skim::space_end;
using json::skim::string_end;

// Skips `lit` (after optional whitespace); npos when it is not there.
std::size_t expect(std::string_view s, std::size_t at, std::string_view lit) {
  at = space_end(s, at);
  return s.substr(at, lit.size()) == lit ? at + lit.size() : std::string_view::npos;
}

outcome not_found(const std::string& plural, const std::string& id) {
  return make_unexpected(error{errc::record_not_found, 404,
                               "No " + plural + " record has id " + id
                                 + " (it may have been deleted); list the records to find "
                                   "valid ids",
                               ""});
}

outcome bad_shape(const response& r) {
  return make_unexpected(error{errc::twenty_api_error, r.status,
                               "Twenty answered with an unexpected shape for a record",
                               r.body.substr(0, 200)});
}

} // namespace

request record_batch_request(const std::string& plural, const std::vector<std::string>& ids,
                             int depth) {
  request req;
  auto d = std::to_string(depth);
  if (ids.size() == 1) {
    req.target = with_query("/rest/" + plural + "/" + ids.front(), {{"depth", d}});
    return req;
  }
  std::string list;
  for (const auto& id : ids)
    list += (list.empty() ? "" : ",") + id;
  req.target = with_query("/rest/" + plural, {{"filter", "id[in]:[" + list + "]"},
                                              {"limit", std::to_string(ids.size())},
                                              {"depth", d}});
  return req;
}

std::optional<std::string_view> find_one_record(std::string_view body) {
  auto at = expect(body, 0, "{");
  if (at != std::string_view::npos)
    at = expect(body, at, "\"data\"");
  if (at != std::string_view::npos)
    at = expect(body, at, ":");
  if (at != std::string_view::npos)
    at = expect(body, at, "{");
  if (at == std::string_view::npos)
    return std::nullopt;
  at = space_end(body, at);
  if (at >= body.size() || body[at] != '"')
    return std::nullopt;
  at = string_end(body, at);
  if (at != std::string_view::npos)
    at = expect(body, at, ":");
  if (at == std::string_view::npos)
    return std::nullopt;
  auto begin = space_end(body, at);
  if (begin >= body.size() || body[begin] != '{')
    return std::nullopt;
  auto end = json::skim::value_end(body, begin);
  if (end == std::string_view::npos)
    return std::nullopt;
  // Only the two closing braces may follow: one member in `data`, one in the answer.
  auto rest = expect(body, end, "}");
  if (rest != std::string_view::npos)
    rest = expect(body, rest, "}");
  if (rest == std::string_view::npos || space_end(body, rest) != body.size())
    return std::nullopt;
  return body.substr(begin, end - begin);
}

std::vector<outcome> split_record_batch(const std::string& plural,
                                        const std::vector<std::string>& ids,
                                        const response& answer) {
  std::vector<outcome> out;
  if (ids.size() == 1) {
    if (auto rec = find_one_record(answer.body)) {
      out.emplace_back(response{200, std::string(*rec), {}, {}, {}, {}});
      return out;
    }
    // Another layout of the same envelope (spaced, reordered): parse it after all.
    auto doc = json::parse(answer.body);
    auto data = doc ? json::find(*doc, "data") : nullptr;
    if (data && data->IsObject() && data->MemberCount() == 1
        && data->MemberBegin()->value.IsObject())
      out.emplace_back(response{200, json::stringify(data->MemberBegin()->value), {}, {}, {}, {}});
    else
      out.push_back(bad_shape(answer));
    return out;
  }
  std::map<std::string, std::string> found;
  auto doc = json::parse(answer.body);
  auto data = doc ? json::find(*doc, "data") : nullptr;
  if (!data || !data->IsObject() || data->MemberCount() < 1
      || !data->MemberBegin()->value.IsArray()) {
    for (std::size_t i = 0; i < ids.size(); ++i)
      out.push_back(bad_shape(answer));
    return out;
  }
  for (const auto& rec : data->MemberBegin()->value.GetArray())
    if (auto id = json::get_string(rec, "id"))
      found[*id] = json::stringify(rec);
  for (const auto& id : ids) {
    auto it = found.find(id);
    if (it == found.end())
      out.push_back(not_found(plural, id));
    else
      out.emplace_back(response{200, std::move(it->second), {}, {}, {}, {}});
  }
  return out;
}

} // namespace tmcp::twenty

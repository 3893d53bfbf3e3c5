#include "app/metered_sink.hpp"

#include <atomic>
#include <cstring>

#include "protocol/json.hpp"

namespace tmcp::app {

namespace {

// A linear skim of JSON text: strings are jumped over with memchr, nothing is allocated. Each
// function takes the index of a value's first byte and returns the index just past it, or
// npos when the text is not well formed there.
constexpr auto npos = std::string_view::npos;

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
    ++i;
  return i;
}

std::size_t skip_string(std::string_view s, std::size_t i) {
  for (std::size_t from = i + 1; from < s.size();) {
    auto q = static_cast<const char*>(std::memchr(s.data() + from, '"', s.size() - from));
    if (!q)
      return npos;
    std::size_t at = static_cast<std::size_t>(q - s.data());
    std::size_t slashes = 0;
    while (at - slashes > i + 1 && s[at - slashes - 1] == '\\')
      ++slashes;
    if (slashes % 2 == 0)
      return at + 1;
    from = at + 1;
  }
  return npos;
}

std::size_t skip_value(std::string_view s, std::size_t i) {
  if (i >= s.size())
    return npos;
  if (s[i] == '"')
    return skip_string(s, i);
  if (s[i] == '{' || s[i] == '[') {
    std::size_t depth = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == '"') {
        i = skip_string(s, i);
        if (i == npos)
          return npos;
        continue;
      }
      if (c == '{' || c == '[')
        ++depth;
      else if ((c == '}' || c == ']') && --depth == 0)
        return i + 1;
      ++i;
    }
    return npos;
  }
  auto end = s.find_first_of(",}] \t\r\n", i);
  return end == npos ? s.size() : end;
}

// Calls `member(key, value)` for each member of the object at s[i]; false when malformed.
template <class F>
bool each_member(std::string_view s, std::size_t i, F&& member) {
  i = skip_space(s, i);
  if (i >= s.size() || s[i] != '{')
    return false;
  i = skip_space(s, i + 1);
  if (i < s.size() && s[i] == '}')
    return true;
  while (i < s.size() && s[i] == '"') {
    auto key_end = skip_string(s, i);
    if (key_end == npos)
      return false;
    auto key = s.substr(i + 1, key_end - i - 2);
    i = skip_space(s, key_end);
    if (i >= s.size() || s[i] != ':')
      return false;
    auto start = skip_space(s, i + 1);
    auto end = skip_value(s, start);
    if (end == npos)
      return false;
    member(key, s.substr(start, end - start));
    i = skip_space(s, end);
    if (i < s.size() && s[i] == '}')
      return true;
    if (i >= s.size() || s[i] != ',')
      return false;
    i = skip_space(s, i + 1);
  }
  return false;
}

class metered_sink : public stream_sink {
public:
  metered_sink(sink_ptr inner, std::shared_ptr<server_metrics> metrics, std::string id,
               std::string method, std::string tool)
    : inner_(std::move(inner)), metrics_(std::move(metrics)), id_(std::move(id)),
      method_(std::move(method)), tool_(std::move(tool)) {}

  void open(const stream_open& info) override { inner_->open(info); }

  void event(const std::string& event_id, const std::string& data) override {
    see(data);
    inner_->event(event_id, data);
  }

  void close() override { inner_->close(); }

  void respond(int status, const std::string& body) override {
    if (!see(body) && status >= 400)
      record("error");
    inner_->respond(status, body);
  }

  void refuse(const fault& f) override {
    record("error");
    inner_->refuse(f);
  }

  bool connected() const override { return inner_->connected(); }
  // The transport's disconnect is the stateless era's cancellation: it must reach the request.
  void on_disconnect(std::function<void()> fn) override { inner_->on_disconnect(std::move(fn)); }

private:
  // True when `data` is this request's answer (counted once).
  bool see(const std::string& data) {
    if (done_)
      return false;
    auto outcome = answer_outcome(data, id_);
    if (!outcome)
      return false;
    record(std::string(*outcome));
    return true;
  }

  void record(const std::string& outcome) {
    if (done_.exchange(true))
      return;
    metrics_->mcp_request(method_, tool_, outcome, std::chrono::steady_clock::now() - start_);
  }

  sink_ptr inner_;
  std::shared_ptr<server_metrics> metrics_;
  std::string id_, method_, tool_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<bool> done_{false};
};

} // namespace

std::optional<std::string_view> answer_outcome(std::string_view data, std::string_view id) {
  if (data.find("\"id\"") == npos)
    return std::nullopt;
  bool same_id = false, error = false, tool_error = false;
  bool ok = each_member(data, 0, [&](std::string_view key, std::string_view v) {
    if (key == "id")
      same_id = v == id;
    else if (key == "error")
      error = true;
    else if (key == "result")
      each_member(v, 0, [&](std::string_view k, std::string_view x) {
        if (k == "isError")
          tool_error = x == "true";
      });
  });
  if (!ok || !same_id)
    return std::nullopt;
  return error ? "error" : tool_error ? "tool_error" : "ok";
}

void meter_inbound(const std::shared_ptr<server_metrics>& metrics, inbound& in) {
  if (in.verb != inbound_verb::post || !in.msg || !in.msg->is_request() || !in.sink)
    return;
  std::string tool;
  if (in.msg->method == "tools/call")
    if (auto p = in.msg->params(); p && p->IsObject())
      tool = json::get_string(*p, "name").value_or("");
  in.sink = std::make_shared<metered_sink>(std::move(in.sink), metrics, in.msg->id,
                                           in.msg->method, std::move(tool));
}

} // namespace tmcp::app

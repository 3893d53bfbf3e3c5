#include "app/metered_sink.hpp"

#include <atomic>

#include "protocol/json.hpp"
#include "protocol/json_skim.hpp"

namespace tmcp::app {

namespace {

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
  if (data.find("\"id\"") == std::string_view::npos)
    return std::nullopt;
  bool same_id = false, error = false, tool_error = false;
  bool ok = json::skim::each_member(data, 0, [&](std::string_view key, std::string_view v) {
    if (key == "id")
      same_id = v == id;
    else if (key == "error")
      error = true;
    else if (key == "result")
      json::skim::each_member(v, 0, [&](std::string_view k, std::string_view x) {
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

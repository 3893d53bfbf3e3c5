// The request_context a legacy session hands to method handlers: every call hops onto the
// session's thread.
#include "protocol/session.hpp"

#include <array>

namespace tmcp {

namespace {

constexpr std::array<const char*, 8> level_names{"debug", "info",     "notice", "warning",
                                                 "error", "critical", "alert",  "emergency"};

class context_impl : public request_context {
public:
  context_impl(std::weak_ptr<session> s, std::string session_id, host_ptr host, std::string req_id,
               client_view client, std::shared_ptr<context_flags> flags)
    : session_(std::move(s)),
      session_id_(std::move(session_id)),
      host_(std::move(host)),
      id_(std::move(req_id)),
      client_(std::move(client)),
      flags_(std::move(flags)) {}

  const client_view& client() const override { return client_; }

  const std::string& session_id() const override { return session_id_; }

  void reply(std::string result) override {
    if (flags_->done.exchange(true))
      return;
    on_session([id = id_, r = std::move(result)](session& s) mutable {
      s.complete(id, std::move(r));
    });
  }

  void fail(rpc_error error) override {
    if (flags_->done.exchange(true))
      return;
    on_session([id = id_, e = std::move(error)](session& s) mutable {
      s.complete_error(id, std::move(e));
    });
  }

  void progress(double value, std::optional<double> total, std::string message) override {
    if (ended())
      return;
    on_session([id = id_, value, total, m = std::move(message)](session& s) {
      s.send_progress(id, value, total, m);
    });
  }

  void log(log_level level, std::string logger, std::string data) override {
    if (ended())
      return;
    on_session([id = id_, level, l = std::move(logger), d = std::move(data)](session& s) {
      s.send_log(id, level, l, d);
    });
  }

  void request_client(std::string method, std::string params, std::chrono::milliseconds timeout,
                      client_reply done) override {
    on_session([id = id_, m = std::move(method), p = std::move(params), timeout,
                d = std::move(done)](session& s) mutable {
      s.send_client_request(id, m, p, timeout, std::move(d));
    });
  }

  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    host_->post(
      [weak = session_, flags = flags_, fn = std::move(fn)] {
        if (!flags->done && !flags->cancelled && weak.lock())
          fn();
      },
      delay);
  }

  void close_stream() override {
    on_session([id = id_](session& s) { s.close_request_stream(id); });
  }

  bool cancelled() const override { return flags_->cancelled; }

  void on_cancel(std::function<void()> fn) override {
    on_session([id = id_, flags = flags_, fn = std::move(fn)](session& s) mutable {
      if (flags->cancelled)
        fn();
      else
        s.add_cancel_hook(id, std::move(fn));
    });
  }

private:
  bool ended() const { return flags_->done || flags_->cancelled; }

  template <class F>
  void on_session(F fn) {
    host_->post(
      [weak = session_, fn = std::move(fn)]() mutable {
        if (auto s = weak.lock())
          fn(*s);
      },
      std::chrono::milliseconds{0});
  }

  std::weak_ptr<session> session_;
  std::string session_id_;
  host_ptr host_;
  std::string id_;
  client_view client_;
  std::shared_ptr<context_flags> flags_;
};

} // namespace

std::optional<log_level> parse_log_level(std::string_view s) {
  for (std::size_t i = 0; i < level_names.size(); ++i)
    if (s == level_names[i])
      return static_cast<log_level>(i);
  return std::nullopt;
}

const char* to_string(log_level l) {
  return level_names[static_cast<std::size_t>(l)];
}

bool client_view::supports(const char* capability) const {
  auto doc = json::parse(capabilities);
  return doc && doc->IsObject() && doc->HasMember(capability);
}

const char* capability_for_client_method(std::string_view method) {
  return method == "sampling/createMessage" ? "sampling"
         : method == "elicitation/create"   ? "elicitation"
         : method == "roots/list"           ? "roots"
                                            : nullptr;
}

ctx_ptr session::make_context(const in_flight_request& r) {
  return std::make_shared<context_impl>(weak_from_this(), id_, host_, r.id, client_, r.flags);
}

} // namespace tmcp

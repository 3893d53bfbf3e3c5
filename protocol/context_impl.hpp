// The request_context both eras hand to method handlers: every call hops onto the owner's
// thread (a legacy session or a stateless request) and reaches the owner's method of the same
// name, so handlers cannot tell the eras apart.
#pragma once

#include <memory>
#include <string>

#include "protocol/host.hpp"
#include "protocol/request_context.hpp"
#include "protocol/request_table.hpp"

namespace tmcp {

template <class Owner>
class context_impl : public request_context {
public:
  context_impl(std::weak_ptr<Owner> owner, std::string session_id, host_ptr host,
               std::string req_id, client_view client, std::shared_ptr<context_flags> flags)
    : owner_(std::move(owner)),
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
    on_owner([id = id_, r = std::move(result)](Owner& o) mutable { o.complete(id, std::move(r)); });
  }

  void fail(rpc_error error) override {
    if (flags_->done.exchange(true))
      return;
    on_owner([id = id_, e = std::move(error)](Owner& o) mutable {
      o.complete_error(id, std::move(e));
    });
  }

  void progress(double value, std::optional<double> total, std::string message) override {
    if (ended())
      return;
    on_owner([id = id_, value, total, m = std::move(message)](Owner& o) {
      o.send_progress(id, value, total, m);
    });
  }

  void log(log_level level, std::string logger, std::string data) override {
    if (ended())
      return;
    on_owner([id = id_, level, l = std::move(logger), d = std::move(data)](Owner& o) {
      o.send_log(id, level, l, d);
    });
  }

  void request_client(std::string method, std::string params, std::chrono::milliseconds timeout,
                      client_reply done) override {
    on_owner([id = id_, m = std::move(method), p = std::move(params), timeout,
              d = std::move(done)](Owner& o) mutable {
      o.send_client_request(id, m, p, timeout, std::move(d));
    });
  }

  void request_input(std::vector<input_request> asks, std::chrono::milliseconds timeout,
                     input_reply done) override {
    on_owner([id = id_, a = std::move(asks), timeout, d = std::move(done)](Owner& o) mutable {
      o.request_input(id, std::move(a), timeout, std::move(d));
    });
  }

  void cache(cache_hint hint) override {
    on_owner([id = id_, hint](Owner& o) { o.set_cache_hint(id, hint); });
  }

  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    host_->post(
      [weak = owner_, flags = flags_, fn = std::move(fn)] {
        if (!flags->done && !flags->cancelled && weak.lock())
          fn();
      },
      delay);
  }

  void close_stream() override {
    on_owner([id = id_](Owner& o) { o.close_request_stream(id); });
  }

  bool cancelled() const override { return flags_->cancelled; }

  void as_task(std::function<void(ctx_ptr)> body) override {
    on_owner([id = id_, b = std::move(body), self = shared_from_this()](Owner& o) mutable {
      o.start_task(id, std::move(b), std::move(self));
    });
  }

  void on_cancel(std::function<void()> fn) override {
    on_owner([id = id_, flags = flags_, fn = std::move(fn)](Owner& o) mutable {
      if (flags->cancelled)
        fn();
      else
        o.add_cancel_hook(id, std::move(fn));
    });
  }

private:
  bool ended() const { return flags_->done || flags_->cancelled; }

  template <class F>
  void on_owner(F fn) {
    host_->post(
      [weak = owner_, fn = std::move(fn)]() mutable {
        if (auto o = weak.lock())
          fn(*o);
      },
      std::chrono::milliseconds{0});
  }

  std::weak_ptr<Owner> owner_;
  std::string session_id_;
  host_ptr host_;
  std::string id_;
  client_view client_;
  std::shared_ptr<context_flags> flags_;
};

} // namespace tmcp

// Lets plain-C++ protocol logic (a session, a stateless request) schedule work on the actor
// that drives it, now or later: as typed `run` messages to itself.
#pragma once

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include "actors/interfaces.hpp"
#include "protocol/host.hpp"

namespace tmcp::actors {

template <class Handle>
class actor_host : public session_host {
public:
  explicit actor_host(caf::weak_actor_ptr self) : self_(std::move(self)) {}

  void post(std::function<void()> fn, std::chrono::milliseconds delay) override {
    auto strong = self_.lock();
    if (!strong)
      return;
    auto hdl = caf::actor_cast<Handle>(strong);
    if (delay.count() <= 0)
      caf::anon_send(hdl, atom::run_v, task{std::move(fn)});
    else
      caf::delayed_anon_send(hdl, delay, atom::run_v, task{std::move(fn)});
  }

private:
  caf::weak_actor_ptr self_;
};

} // namespace tmcp::actors

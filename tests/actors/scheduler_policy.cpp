#define CAF_SUITE actors.scheduler_policy
#include "caf/test/unit_test.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <caf/all.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "actors/scheduler_policy.hpp"

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

struct ran {
  std::thread::id thread;
  clock_type::time_point at;
};

// Two workers under the affine policy, as the server runs them.
template <long RescueMs>
struct affine_system {
  affine_system() {
    cfg.set("scheduler.max-threads", 2);
    cfg.module_factories.push_back([](caf::actor_system& s) -> caf::actor_system::module* {
      using policy = tmcp::actors::basic_affine_sharing<RescueMs>;
      return new caf::scheduler::coordinator<policy>(s);
    });
    sys.emplace(cfg);
  }
  caf::actor_system_config cfg;
  std::optional<caf::actor_system> sys;
};

// Notes where and when it ran.
caf::behavior recorder(caf::event_based_actor*, std::shared_ptr<std::promise<ran>> out) {
  return {[out](int) { out->set_value(ran{std::this_thread::get_id(), clock_type::now()}); }};
}

// Wakes `next` with caf::anon_send (as the server's actors mostly do), then keeps its worker
// busy for `hold`.
caf::behavior waker(caf::event_based_actor*, caf::actor next, std::chrono::milliseconds hold,
                    std::shared_ptr<std::promise<ran>> out) {
  return {[=](int n) {
    caf::anon_send(next, n);
    std::this_thread::sleep_for(hold);
    out->set_value(ran{std::this_thread::get_id(), clock_type::now()});
  }};
}

} // namespace

CAF_TEST(an actor woken by the running actor runs next on the same worker) {
  // A rescue interval far beyond the test: only the policy's hand-over is seen.
  affine_system<30000> s;
  for (int round = 0; round < 5; ++round) {
    auto second = std::make_shared<std::promise<ran>>();
    auto first = std::make_shared<std::promise<ran>>();
    auto b = s.sys->spawn(recorder, second);
    auto a = s.sys->spawn(waker, b, 20ms, first);
    // Both workers go back to sleep after starting the two actors; an idle worker that is
    // still awake may take a parked job (it costs no wake-up), which is not what is tested.
    std::this_thread::sleep_for(100ms);
    caf::anon_send(a, round);
    auto fa = first->get_future().get();
    auto fb = second->get_future().get();
    // The other worker slept through it: the woken actor waited for this one (CAF's sharing
    // policy would have woken the idle worker for it).
    CAF_CHECK(fa.thread == fb.thread);
    CAF_CHECK(fb.at >= fa.at);
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  }
}

CAF_TEST(a woken actor parked behind a long handler is rescued by an idle worker) {
  affine_system<10> s; // the server's interval
  auto second = std::make_shared<std::promise<ran>>();
  auto first = std::make_shared<std::promise<ran>>();
  auto b = s.sys->spawn(recorder, second);
  auto a = s.sys->spawn(waker, b, 1000ms, first);
  std::this_thread::sleep_for(100ms);
  auto sent = clock_type::now();
  caf::anon_send(a, 1);
  auto fb = second->get_future().get();
  auto fa = first->get_future().get();
  CAF_CHECK(fb.thread != fa.thread);
  CAF_CHECK(fb.at < fa.at);
  CAF_CHECK(fb.at - sent < 500ms);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
}

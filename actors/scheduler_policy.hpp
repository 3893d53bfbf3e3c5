// A CAF scheduler policy for a server that mostly waits on I/O: one shared queue whose idle
// workers sleep on a condition variable (as CAF's work sharing), plus a one-job slot per worker
// for the actor that the running actor just woke. A chain of messages (stdin -> supervisor ->
// session -> gateway) then runs on one thread instead of waking another worker at every hop.
// Header-only: CAF's coordinator and worker templates instantiate it (app/server.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include <caf/policy/unprofiled.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

namespace tmcp::actors {

// `RescueMs`: how often a sleeping worker looks for a job parked behind a long-running actor,
// which is also the longest such a job waits. CAF's work stealing uses 10 ms when relaxed.
template <long RescueMs>
class basic_affine_sharing : public caf::policy::unprofiled {
public:
  static constexpr std::chrono::milliseconds rescue_interval{RescueMs};

  struct coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator*) {}

    std::mutex lock;
    std::condition_variable cv;
    std::deque<caf::resumable*> queue;
    std::size_t sleeping = 0;
  };

  struct worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator*) {}
    // Each worker gets a fresh slot (CAF copies one prototype into every worker).
    worker_data(const worker_data&) {}

    std::atomic<caf::resumable*> next{nullptr};
  };

  // caf::anon_send carries no execution unit, so CAF hands every message that an actor sends
  // with it to the coordinator: one sent from a worker's thread still counts as that worker's.
  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    auto w = this_worker<typename Coordinator::worker_type>();
    if (w && w->parent() == self)
      return internal_enqueue(w, job);
    share(d(self), job);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    share(d(self->parent()), job);
  }

  // An actor woken by the actor running on this worker runs here next, without a wake-up; the
  // job it displaces goes to the shared queue, where a sleeping worker is woken for it.
  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    if (auto displaced = d(self).next.exchange(job, std::memory_order_acq_rel))
      share(d(self->parent()), displaced);
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    share(d(self->parent()), job);
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    this_worker<Worker>() = self;
    if (auto job = d(self).next.exchange(nullptr, std::memory_order_acq_rel))
      return job;
    auto& shared = d(self->parent());
    std::unique_lock<std::mutex> guard(shared.lock);
    for (;;) {
      if (!shared.queue.empty()) {
        auto job = shared.queue.front();
        shared.queue.pop_front();
        return job;
      }
      if (auto job = steal_parked(self))
        return job;
      ++shared.sleeping;
      shared.cv.wait_for(guard, rescue_interval);
      --shared.sleeping;
    }
  }

  // A worker leaving (shutdown) hands its parked job to the others.
  template <class Worker>
  void before_shutdown(Worker* self) {
    if (auto job = d(self).next.exchange(nullptr, std::memory_order_acq_rel))
      share(d(self->parent()), job);
  }

  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker* self, UnaryFunction f) {
    if (auto job = d(self).next.exchange(nullptr, std::memory_order_acq_rel))
      f(job);
  }

  template <class Coordinator, class UnaryFunction>
  void foreach_central_resumable(Coordinator* self, UnaryFunction f) {
    auto& shared = d(self);
    std::unique_lock<std::mutex> guard(shared.lock);
    while (!shared.queue.empty()) {
      auto job = shared.queue.front();
      shared.queue.pop_front();
      f(job);
    }
  }

private:
  template <class Worker>
  static Worker*& this_worker() {
    thread_local Worker* current = nullptr;
    return current;
  }

  static void share(coordinator_data& shared, caf::resumable* job) {
    bool wake;
    {
      std::lock_guard<std::mutex> guard(shared.lock);
      shared.queue.push_back(job);
      wake = shared.sleeping > 0;
    }
    if (wake)
      shared.cv.notify_one();
  }

  // A job parked in another worker's slot while that worker is busy with a long handler.
  template <class Worker>
  static caf::resumable* steal_parked(Worker* self) {
    auto parent = self->parent();
    for (std::size_t i = 0; i < parent->num_workers(); ++i) {
      auto other = parent->worker_by_id(i);
      if (other == self)
        continue;
      if (d(other).next.load(std::memory_order_relaxed) == nullptr)
        continue;
      if (auto job = d(other).next.exchange(nullptr, std::memory_order_acq_rel))
        return job;
    }
    return nullptr;
  }
};

using affine_sharing = basic_affine_sharing<10>;

} // namespace tmcp::actors

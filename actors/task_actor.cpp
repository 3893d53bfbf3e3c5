#include "actors/task_actor.hpp"

#include <caf/all.hpp>

#include "actors/actor_host.hpp"

namespace tmcp::actors {

namespace {

constexpr auto sweep_interval = std::chrono::seconds(30);

} // namespace

task_actor::behavior_type task_actor_impl(task_actor::stateful_pointer<task_state> self,
                                          task_book_options options) {
  auto host = std::make_shared<actor_host<task_actor>>(caf::actor_cast<caf::weak_actor_ptr>(self));
  self->state.book = std::make_shared<task_book>(host, std::move(options));
  self->set_exit_handler([self](caf::exit_msg& msg) {
    self->state.book->cancel_all();
    self->quit(msg.reason);
  });
  self->delayed_send(self, sweep_interval, atom::expire_v);
  return {
    [](atom::run, task& t) { t.fn(); },
    [self](atom::start, task_launch& l) {
      auto made = self->state.book->start(std::move(l.origin), std::move(l.body));
      if (!made)
        return l.done(make_unexpected(made.error()));
      l.done(task_answer{{*made}, {}});
    },
    [self](atom::status, task_request& r) {
      self->state.book->query(r.query, std::move(r.done));
    },
    [self](atom::expire) {
      self->state.book->expire();
      self->delayed_send(self, sweep_interval, atom::expire_v);
    },
  };
}

void actor_task_service::start(task_origin origin, task_body body, task_done done) {
  caf::anon_send(tasks_, atom::start_v,
                 task_launch{std::move(origin), std::move(body), std::move(done)});
}

void actor_task_service::query(task_query q, task_done done) {
  caf::anon_send(tasks_, atom::status_v, task_request{std::move(q), std::move(done)});
}

} // namespace tmcp::actors

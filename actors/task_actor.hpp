// The task actor: owns the task book (protocol/task_book.hpp) and runs every task's body in
// order on its own thread; requests of either era reach it through `actor_task_service`.
#pragma once

#include "actors/interfaces.hpp"
#include "protocol/task_book.hpp"

namespace tmcp::actors {

struct task_state {
  static inline const char* name = "mcp-tasks";
  std::shared_ptr<task_book> book;
};

task_actor::behavior_type task_actor_impl(task_actor::stateful_pointer<task_state> self,
                                          task_book_options options);

// The task_service the sessions and stateless requests use: one message per call.
class actor_task_service : public task_service {
public:
  explicit actor_task_service(task_actor tasks) : tasks_(std::move(tasks)) {}
  void start(task_origin origin, task_body body, task_done done) override;
  void query(task_query q, task_done done) override;

private:
  task_actor tasks_;
};

} // namespace tmcp::actors

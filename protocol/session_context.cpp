// A legacy session's request contexts, the log levels, and the multi-input requests a session
// sends to its client one by one.
#include "protocol/context_impl.hpp"
#include "protocol/method_dispatch.hpp"
#include "protocol/session.hpp"

#include <array>

namespace tmcp {

namespace {

constexpr std::array<const char*, 8> level_names{"debug", "info",     "notice", "warning",
                                                 "error", "critical", "alert",  "emergency"};

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

void session::start_task(const std::string& req_id, task_body body, ctx_ptr self) {
  auto r = requests_.find(req_id);
  auto params = r ? r->msg.params() : nullptr;
  auto task = params ? json::find(*params, "task") : nullptr;
  auto name = params && r->method == "tools/call" ? json::get_string(*params, "name")
                                                  : std::nullopt;
  auto tool = name ? catalog_->find_tool(*name) : nullptr;
  if (!opts_.tasks || !task || !task->IsObject() || !tool
      || tool->spec.tasks == task_support::forbidden)
    return body(std::move(self));
  auto ttl = json::get_int(*task, "ttl").value_or(0);
  // The request answers with the task (CreateTaskResult); the work goes on in the task, and
  // the session hears when it ends (notifications/tasks/status on its standalone stream).
  std::weak_ptr<session> weak = weak_from_this();
  opts_.tasks->start(
    task_origin{id_, client_, std::max<int64_t>(0, ttl)}, std::move(body),
    [self, weak, host = host_, tasks = opts_.tasks, owner = id_](expected<task_answer, rpc_error> t) {
      if (!t)
        return self->fail(t.error());
      self->reply(legacy_created(t->tasks.front()));
      task_query ended{task_op::result, t->tasks.front().id, owner, {}, {}};
      tasks->query(std::move(ended), [weak, host](expected<task_answer, rpc_error> r) {
        if (!r)
          return;
        host->post(
          [weak, view = r->tasks.front()] {
            if (auto s = weak.lock())
              s->notify_task_status(view);
          },
          std::chrono::milliseconds{0});
      });
    });
}

ctx_ptr session::make_context(const in_flight_request& r) {
  return std::make_shared<context_impl<session>>(weak_from_this(), id_, host_, r.id, client_,
                                                 r.flags);
}

void session::request_input(const std::string& req_id, std::vector<input_request> asks,
                            std::chrono::milliseconds timeout, input_reply done) {
  struct gather {
    input_answers answers;
    std::size_t left = 0;
    bool failed = false;
    input_reply done;
  };
  auto g = std::make_shared<gather>();
  g->left = asks.size();
  g->done = std::move(done);
  if (asks.empty())
    return g->done(input_answers{});
  for (auto& a : asks)
    send_client_request(req_id, a.method, a.params, timeout,
                        [g, key = a.key](expected<std::string, rpc_error> r) {
                          if (g->failed)
                            return;
                          if (!r) {
                            g->failed = true;
                            return g->done(make_unexpected(r.error()));
                          }
                          g->answers[key] = std::move(*r);
                          if (--g->left == 0)
                            g->done(std::move(g->answers));
                        });
}

} // namespace tmcp

#include "protocol/task_book.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

#include "protocol/context_impl.hpp"
#include "protocol/input_state.hpp"
#include "protocol/json.hpp"

namespace tmcp {

namespace {

rpc_error unknown_task(const std::string& id) {
  return make_rpc_error(rpc_errc::invalid_params,
                        "Invalid params: unknown task '" + id
                          + "' (it never existed, or its ttl ran out)");
}

std::string pending_json(const std::vector<input_request>& asks) {
  std::string out = "{";
  for (const auto& a : asks)
    out += (out.size() > 1 ? "," : "") + json::quote(a.key) + ":{\"method\":"
           + json::quote(a.method) + ",\"params\":" + (a.params.empty() ? "{}" : a.params) + "}";
  return out + "}";
}

std::string progress_text(double value, std::optional<double> total) {
  auto num = [](double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", d);
    return std::string(buf);
  };
  return "progress " + (total ? num(value) + " of " + num(*total) : num(value));
}

} // namespace

task_book::task_book(host_ptr host, task_book_options opts)
  : host_(std::move(host)), opts_(std::move(opts)) {
  if (!opts_.unix_ms)
    opts_.unix_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
    };
}

task_book::~task_book() { cancel_all(); }

std::string task_book::new_id() const {
  // 128 bits from the OS's CSPRNG: the id is the only handle to a stateless client's task.
  static thread_local std::random_device rd;
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "task-";
  for (int i = 0; i < 4; ++i) {
    auto word = rd();
    for (int j = 0; j < 8; ++j) {
      id += hex[word & 0xF];
      word >>= 4;
    }
  }
  return id;
}

bool task_book::make_room() {
  expire();
  if (tasks_.size() < opts_.max_tasks)
    return true;
  for (auto it = order_.begin(); it != order_.end(); ++it) {
    auto t = tasks_.find(*it);
    if (t != tasks_.end() && is_terminal(t->second.view.status)) {
      tasks_.erase(t);
      order_.erase(it);
      return true;
    }
  }
  return false;
}

expected<task_view, rpc_error> task_book::start(task_origin origin, task_body body) {
  if (!make_room())
    return make_unexpected(make_rpc_error(
      rpc_errc::internal_error,
      "Server busy: " + std::to_string(opts_.max_tasks)
        + " tasks are running, the most this server keeps (MCP_MAX_TASKS); retry after "
        + std::to_string(opts_.busy_retry_seconds) + " s, once some have finished",
      "{\"retryAfterSeconds\":" + std::to_string(opts_.busy_retry_seconds) + "}"));
  auto now = opts_.unix_ms();
  auto ttl = origin.ttl_ms > 0 ? std::min<int64_t>(origin.ttl_ms, opts_.max_ttl.count())
                               : static_cast<int64_t>(opts_.default_ttl.count());
  record r;
  r.view.id = new_id();
  r.view.created_ms = r.view.updated_ms = now;
  r.view.ttl_ms = ttl;
  r.view.poll_ms = opts_.poll_interval.count();
  r.owner = std::move(origin.owner);
  r.client = std::move(origin.client);
  auto id = r.view.id;
  auto& rec = tasks_.emplace(id, std::move(r)).first->second;
  order_.push_back(id);
  auto view = rec.view;
  // Its calls to Twenty queue fairly under the owner's session, or on their own.
  auto ctx = std::make_shared<context_impl<task_book>>(
    weak_from_this(), rec.owner.empty() ? id : rec.owner, host_, id, rec.client, rec.flags);
  // The body starts after the creator has its answer, so tasks/get finds the task at once.
  host_->post(
    [ctx, body = std::move(body)] {
      if (ctx->cancelled())
        return;
      try {
        body(ctx);
      } catch (const std::exception& e) {
        ctx->fail(make_rpc_error(rpc_errc::internal_error, e.what()));
      }
    },
    std::chrono::milliseconds{0});
  return view;
}

task_book::record* task_book::find(const std::string& id, const std::string& owner) {
  auto it = tasks_.find(id);
  if (it == tasks_.end())
    return nullptr;
  // A legacy session sees its own tasks only; a modern task is open to whoever holds its id.
  if (!it->second.owner.empty() && it->second.owner != owner)
    return nullptr;
  return &it->second;
}

void task_book::query(const task_query& q, task_done done) {
  expire();
  if (q.op == task_op::list) {
    task_answer page;
    bool started = q.cursor.empty();
    for (const auto& id : order_) {
      auto it = tasks_.find(id);
      if (it == tasks_.end() || it->second.owner != q.owner)
        continue;
      if (!started) {
        started = id == q.cursor;
        continue;
      }
      if (page.tasks.size() == opts_.page_size) {
        page.next_cursor = page.tasks.back().id;
        break;
      }
      page.tasks.push_back(it->second.view);
    }
    if (!started)
      return done(make_unexpected(
        make_rpc_error(rpc_errc::invalid_params, "Invalid params: unknown cursor")));
    return done(std::move(page));
  }
  auto r = find(q.id, q.owner);
  if (!r)
    return done(make_unexpected(unknown_task(q.id)));
  if (q.op == task_op::cancel)
    cancel(*r);
  if (q.op == task_op::update && r->view.status == task_status::input_required) {
    // Answers to asks no longer pending are ignored; the task resumes once none is left.
    for (const auto& entry : q.answers) {
      const auto& key = entry.first; // a named copy: clang's C++17 cannot capture a binding
      const auto& answer = entry.second;
      auto it = std::find_if(r->pending.begin(), r->pending.end(),
                             [&](const input_request& a) { return a.key == key; });
      if (it == r->pending.end())
        continue;
      r->answers[key] = answer;
      r->pending.erase(it);
    }
    r->view.updated_ms = opts_.unix_ms();
    r->view.input_requests = pending_json(r->pending);
    if (r->pending.empty()) {
      r->view.status = task_status::working;
      r->view.input_requests.clear();
      auto resume = std::move(r->waiting);
      r->waiting = nullptr;
      auto answers = r->answers;
      if (resume)
        host_->post([resume, answers]() mutable { resume(std::move(answers)); },
                    std::chrono::milliseconds{0});
    }
  }
  if (q.op == task_op::result && !is_terminal(r->view.status)) {
    r->result_waiters.push_back(std::move(done));
    return;
  }
  done(task_answer{{r->view}, {}});
}

void task_book::settle(record& r, task_status status) {
  r.view.status = status;
  r.view.updated_ms = opts_.unix_ms();
  r.view.input_requests.clear();
  r.pending.clear();
  r.waiting = nullptr;
  r.flags->done = true;
  auto waiters = std::move(r.result_waiters);
  r.result_waiters.clear();
  for (auto& w : waiters)
    w(task_answer{{r.view}, {}});
}

void task_book::cancel(record& r) {
  // Cancelling a finished task changes nothing: the answer is the same either way.
  if (is_terminal(r.view.status))
    return;
  r.flags->cancelled = true;
  r.view.message = "cancelled by the client";
  auto hooks = std::move(r.cancel_hooks);
  r.cancel_hooks.clear();
  settle(r, task_status::cancelled);
  for (auto& fn : hooks)
    fn();
}

void task_book::expire() {
  auto now = opts_.unix_ms();
  for (auto it = order_.begin(); it != order_.end();) {
    auto t = tasks_.find(*it);
    if (t == tasks_.end()) {
      it = order_.erase(it);
      continue;
    }
    if (now < t->second.view.created_ms + t->second.view.ttl_ms) {
      ++it;
      continue;
    }
    cancel(t->second);
    tasks_.erase(t);
    it = order_.erase(it);
  }
}

void task_book::cancel_all() {
  for (auto& [id, r] : tasks_)
    cancel(r);
}

// -- a task's request_context -----------------------------------------------------------------

void task_book::complete(const std::string& id, std::string result) {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || is_terminal(it->second.view.status))
    return;
  // A tool that ran and reported an error is still a completed task (isError in its result).
  it->second.view.result = std::move(result);
  settle(it->second, task_status::completed);
}

void task_book::complete_error(const std::string& id, rpc_error err) {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || is_terminal(it->second.view.status))
    return;
  it->second.view.error = std::move(err);
  settle(it->second, task_status::failed);
}

void task_book::send_progress(const std::string& id, double value, std::optional<double> total,
                              const std::string& message) {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || is_terminal(it->second.view.status))
    return;
  it->second.view.message = message.empty() ? progress_text(value, total) : message;
  it->second.view.updated_ms = opts_.unix_ms();
}

void task_book::send_client_request(const std::string& id, const std::string& method,
                                    const std::string& params, std::chrono::milliseconds timeout,
                                    client_reply done) {
  // The n-th ask of this task: keys stay distinct across rounds.
  auto it = tasks_.find(id);
  auto key = "input_" + std::to_string(it == tasks_.end() ? 1 : it->second.answers.size() + 1);
  request_input(id, {{key, method, params}}, timeout, single_input(key, std::move(done)));
}

void task_book::request_input(const std::string& id, std::vector<input_request> asks,
                              std::chrono::milliseconds, input_reply done) {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || is_terminal(it->second.view.status))
    return;
  auto& r = it->second;
  std::string missing;
  for (const auto& a : asks)
    if (auto cap = capability_for_client_method(a.method); cap && !r.client.supports(cap))
      missing += (missing.empty() ? "\"" : ",\"") + std::string(cap) + "\":{}";
  if (!missing.empty())
    return complete_error(id, make_rpc_error(rpc_errc::missing_client_capability,
                                             "Missing required client capability: the task "
                                             "needs input the client did not declare it can give",
                                             "{\"requiredCapabilities\":{" + missing + "}}"));
  input_answers got;
  r.pending.clear();
  for (auto& a : asks) {
    if (auto ans = r.answers.find(a.key); ans != r.answers.end())
      got[a.key] = ans->second;
    else
      r.pending.push_back(std::move(a));
  }
  if (r.pending.empty())
    return done(std::move(got));
  // Parked until tasks/update brings every pending answer.
  r.waiting = std::move(done);
  r.view.status = task_status::input_required;
  r.view.input_requests = pending_json(r.pending);
  r.view.updated_ms = opts_.unix_ms();
}

void task_book::add_cancel_hook(const std::string& id, std::function<void()> fn) {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || it->second.flags->cancelled)
    return fn();
  it->second.cancel_hooks.push_back(std::move(fn));
}

} // namespace tmcp

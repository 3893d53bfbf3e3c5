#include "protocol/tasks.hpp"

#include <ctime>

#include "protocol/json.hpp"
#include "protocol/method_dispatch.hpp"

namespace tmcp {

namespace {

// The fields both eras' task objects open with.
std::string common_fields(const task_view& t) {
  std::string out = "\"taskId\":" + json::quote(t.id) + ",\"status\":\"" + to_string(t.status)
                    + "\"";
  if (!t.message.empty())
    out += ",\"statusMessage\":" + json::quote(t.message);
  out += ",\"createdAt\":\"" + iso_time(t.created_ms) + "\",\"lastUpdatedAt\":\""
         + iso_time(t.updated_ms) + "\"";
  return out;
}

std::string modern_fields(const task_view& t) {
  return common_fields(t) + ",\"ttlMs\":" + std::to_string(t.ttl_ms)
         + ",\"pollIntervalMs\":" + std::to_string(t.poll_ms);
}

} // namespace

const char* to_string(task_status s) {
  switch (s) {
    case task_status::working:
      return "working";
    case task_status::input_required:
      return "input_required";
    case task_status::completed:
      return "completed";
    case task_status::failed:
      return "failed";
    case task_status::cancelled:
      return "cancelled";
  }
  return "working";
}

bool is_terminal(task_status s) {
  return s == task_status::completed || s == task_status::failed
         || s == task_status::cancelled;
}

bool declares_tasks_extension(const std::string& capabilities) {
  auto doc = json::parse(capabilities);
  auto ext = doc ? json::find(*doc, "extensions") : nullptr;
  return ext && ext->IsObject() && json::find(*ext, tasks_extension);
}

std::string modern_created(const task_view& t) {
  // Flat (Result & Task): the result, error and inputRequests live on tasks/get only.
  return "{\"resultType\":\"task\"," + modern_fields(t) + "}";
}

std::string modern_detail(const task_view& t) {
  std::string out = "{\"resultType\":\"complete\"," + modern_fields(t);
  if (t.status == task_status::completed && !t.result.empty())
    out += ",\"result\":" + t.result;
  if (t.status == task_status::failed && t.error)
    out += ",\"error\":" + encode_error(*t.error);
  if (t.status == task_status::input_required && !t.input_requests.empty())
    out += ",\"inputRequests\":" + t.input_requests;
  return out + "}";
}

std::string legacy_task(const task_view& t) {
  return "{" + common_fields(t) + ",\"ttl\":" + std::to_string(t.ttl_ms)
         + ",\"pollInterval\":" + std::to_string(t.poll_ms) + "}";
}

std::string legacy_created(const task_view& t) { return "{\"task\":" + legacy_task(t) + "}"; }

expected<std::string, rpc_error> legacy_result(const task_view& t) {
  if (t.status == task_status::failed && t.error)
    return make_unexpected(*t.error);
  if (t.status != task_status::completed || t.result.size() < 2)
    return make_unexpected(make_rpc_error(rpc_errc::invalid_params,
                                          "Task " + t.id + " ended without a result (status "
                                            + to_string(t.status) + ")"));
  // The result as the request would have had it, tied to its task.
  std::string related = "\"io.modelcontextprotocol/related-task\":{\"taskId\":"
                        + json::quote(t.id) + "}";
  auto doc = json::parse(t.result);
  if (doc && doc->IsObject() && doc->HasMember("_meta"))
    return t.result; // a result with its own _meta keeps it untouched
  bool empty = t.result.find_first_not_of(" \t\r\n", 1) == t.result.size() - 1;
  return "{\"_meta\":{" + related + "}" + (empty ? "" : ",") + t.result.substr(1);
}

bool is_task_method(const std::string& m, bool modern) {
  if (m == "tasks/get" || m == "tasks/cancel")
    return true;
  return modern ? m == "tasks/update" : m == "tasks/result" || m == "tasks/list";
}

void serve_task_method(task_service& tasks, const std::string& m, const json::value* params,
                       const std::string& owner, bool modern, const ctx_ptr& ctx) {
  if (modern && !declares_tasks_extension(ctx->client().capabilities))
    return ctx->fail(make_rpc_error(
      rpc_errc::missing_client_capability,
      "Missing required client capability: " + m + " needs the " + tasks_extension
        + " extension in _meta clientCapabilities.extensions",
      std::string("{\"requiredCapabilities\":{\"extensions\":{\"") + tasks_extension + "\":{}}}}"));
  task_query q;
  q.owner = owner;
  q.op = m == "tasks/get"      ? task_op::get
         : m == "tasks/update" ? task_op::update
         : m == "tasks/cancel" ? task_op::cancel
         : m == "tasks/result" ? task_op::result
                               : task_op::list;
  if (q.op == task_op::list) {
    if (auto c = params ? json::find(*params, "cursor") : nullptr) {
      if (!c->IsString())
        return ctx->fail(dispatch::invalid_params("'cursor' must be a string"));
      q.cursor = c->GetString();
    }
  } else {
    auto id = dispatch::need_string(params, "taskId");
    if (!id)
      return ctx->fail(id.error());
    q.id = *id;
  }
  if (q.op == task_op::update) {
    auto r = json::find(*params, "inputResponses");
    if (!r || !r->IsObject())
      return ctx->fail(dispatch::invalid_params("'inputResponses' must be an object"));
    for (const auto& a : r->GetObject())
      if (a.value.IsObject())
        q.answers[a.name.GetString()] = json::stringify(a.value);
  }
  auto op = q.op;
  tasks.query(std::move(q), [ctx, op, modern](expected<task_answer, rpc_error> r) {
    if (!r)
      return ctx->fail(r.error());
    if (op == task_op::list) {
      std::string out = "{\"tasks\":[";
      for (std::size_t i = 0; i < r->tasks.size(); ++i)
        out += (i ? "," : "") + legacy_task(r->tasks[i]);
      out += "]";
      if (!r->next_cursor.empty())
        out += ",\"nextCursor\":" + json::quote(r->next_cursor);
      return ctx->reply(out + "}");
    }
    const auto& t = r->tasks.front();
    if (op == task_op::result) {
      auto res = legacy_result(t);
      return res ? ctx->reply(*res) : ctx->fail(res.error());
    }
    if (modern)
      // tasks/update and tasks/cancel are bare acknowledgements; tasks/get tells the state.
      return ctx->reply(op == task_op::get ? modern_detail(t) : "{}");
    ctx->reply(legacy_task(t));
  });
}

std::string iso_time(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(unix_ms % 1000));
  return out;
}

} // namespace tmcp

#include "integration/tools/write_gate.hpp"

#include <chrono>

namespace tmcp::twenty::tools {

namespace {

// The instructions say what it does once, for every write tool.
constexpr const char* dry_run_property = R"JSON("dry_run":{"type":"boolean"},)JSON";

const char* method_name(verb v) {
  switch (v) {
    case verb::get: return "GET";
    case verb::post: return "POST";
    case verb::patch: return "PATCH";
    case verb::put: return "PUT";
    case verb::del: return "DELETE";
  }
  return "?";
}

std::string id_list(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i)
    out += (i ? "," : "") + json::quote(ids[i]);
  return out + "]";
}

// The question shown to the user: what will be removed, and how.
std::string confirmation_message(const write_plan& plan) {
  std::string what = plan.ids.size() == 1 ? "1 " + plan.object + " record (" + plan.ids[0] + ")"
                                          : std::to_string(plan.ids.size()) + " " + plan.object
                                              + " records";
  return (plan.operation == "destroy" ? "Permanently delete " : "Delete (to the trash) ") + what
         + "? Nothing is sent to Twenty unless you confirm.";
}

std::string elicitation_params(const write_plan& plan) {
  return "{\"message\":" + json::quote(confirmation_message(plan))
         + R"(,"requestedSchema":{"type":"object","properties":{"confirm":{"type":"boolean",)"
           R"("title":"Confirm","description":"true to go ahead","default":false}},)"
           R"("required":["confirm"]}})";
}

std::string refused(const std::string& why) {
  return error_result(error{errc::insufficient_permissions, 0, why, ""});
}

} // namespace

std::string with_dry_run(std::string schema) {
  const std::string props = "\"properties\":{";
  if (auto at = schema.find(props); at != std::string::npos)
    schema.insert(at + props.size(), dry_run_property);
  return schema;
}

error unless_applied(error e, bool idempotent) {
  bool may_have_run =
    e.code == errc::network_error || (e.http_status >= 500 && e.http_status != 503);
  if (idempotent || !may_have_run)
    return e;
  // The transport's generic advice would contradict this one.
  const std::string generic = " The request may be retried.";
  if (auto at = e.message.find(generic); at != std::string::npos)
    e.message.erase(at, generic.size());
  e.message = "Twenty may have applied this write before it failed: search for the record "
              "before sending it again, or a retry can create a duplicate. " + e.message;
  return e;
}

bool is_dry_run(const json::value& args) {
  return json::get_bool(args, "dry_run").value_or(false);
}

std::string requests_json(const std::vector<const request*>& all) {
  std::string calls = "[";
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& req = *all[i];
    calls += (i ? ",{" : "{") + std::string("\"method\":") + json::quote(method_name(req.method))
             + ",\"path\":" + json::quote(req.target);
    if (!req.body.empty())
      calls += ",\"body\":" + req.body;
    calls += "}";
  }
  return calls + "]";
}

std::string dry_run_result(const write_plan& plan) {
  return structured_result("{\"dryRun\":true,\"sent\":false,\"object\":" + json::quote(plan.object)
                           + ",\"operation\":" + json::quote(plan.operation)
                           + (plan.ids.empty() ? "" : ",\"ids\":" + id_list(plan.ids))
                           + ",\"requests\":" + requests_json(plan.calls) + plan.extra_json
                           + "}");
}

void gate_write(const tool_env& env, const json::value& args, const write_plan& plan,
                bool destructive, const ctx_ptr& ctx, std::function<void()> send) {
  if (is_dry_run(args))
    return ctx->reply(dry_run_result(plan));
  if (!destructive)
    return send();
  confirm_destructive(env, plan, ctx, std::move(send));
}

void confirm_destructive(const tool_env& env, const write_plan& plan, const ctx_ptr& ctx,
                         std::function<void()> send) {
  if (!env.config.confirm_destructive)
    return send();
  if (!ctx->client().supports("elicitation"))
    return ctx->reply(refused(
      "this server asks for confirmation before deleting (MCP_CONFIRM_DESTRUCTIVE), and this "
      "client did not declare the elicitation capability, so it cannot be asked; nothing was "
      "deleted. Use a client that supports elicitation, or dry_run to preview"));
  input_request ask{"confirm", "elicitation/create", elicitation_params(plan)};
  ctx->request_input({std::move(ask)}, std::chrono::minutes(10),
                     [ctx, send = std::move(send)](expected<input_answers, rpc_error> got) {
    if (!got)
      return ctx->reply(refused("the confirmation could not be obtained (" + got.error().message
                                + "); nothing was deleted"));
    auto answer = json::parse(got->count("confirm") ? got->at("confirm") : "{}");
    auto action = answer ? json::get_string(*answer, "action").value_or("") : "";
    auto content = answer ? json::find(*answer, "content") : nullptr;
    bool confirmed = action == "accept"
                     && (!content || json::get_bool(*content, "confirm").value_or(true));
    if (!confirmed)
      return ctx->reply(refused("the user " + std::string(action == "cancel" ? "cancelled" : "declined")
                                + " the deletion; nothing was deleted"));
    send();
  });
}

} // namespace tmcp::twenty::tools

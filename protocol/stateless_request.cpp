#include "protocol/stateless_request.hpp"

#include "protocol/context_impl.hpp"
#include "protocol/input_state.hpp"
#include "protocol/json_rpc.hpp"
#include "protocol/mcp_version.hpp"
#include "protocol/method_dispatch.hpp"
#include "protocol/param_headers.hpp"

namespace tmcp {

namespace {

constexpr const char* meta_version = "io.modelcontextprotocol/protocolVersion";
constexpr const char* meta_caps = "io.modelcontextprotocol/clientCapabilities";
constexpr const char* meta_level = "io.modelcontextprotocol/logLevel";
constexpr const char* meta_subscription = "io.modelcontextprotocol/subscriptionId";

rpc_error error(rpc_errc code, std::string text, std::string data = {}) {
  return make_rpc_error(code, std::move(text), std::move(data));
}

std::string quoted_list(const std::vector<std::string>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i)
    out += (i ? "," : "") + json::quote(xs[i]);
  return out + "]";
}

// Methods whose results may be input_required (SEP-2322).
bool may_need_input(const std::string& m) {
  return m == "tools/call" || m == "prompts/get" || m == "resources/read";
}

} // namespace

stateless_request::stateless_request(catalog_ptr cat, host_ptr host, stateless_options opts)
  : catalog_(std::move(cat)), host_(std::move(host)), opts_(std::move(opts)) {
  if (!opts_.unix_ms)
    opts_.unix_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
    };
}

stateless_request::~stateless_request() = default;

void stateless_request::handle(inbound in) {
  sink_ = std::move(in.sink);
  json_only_ = in.json_only;
  if (!in.msg) {
    ended_ = true;
    sink_->refuse(fault{fault_kind::malformed,
                        error(rpc_errc::invalid_request, "Invalid Request: empty body")});
    return;
  }
  msg_ = std::move(*in.msg);
  if (!msg_.is_request()) {
    // Notifications and responses need no answer; the era has no server->client requests.
    ended_ = true;
    sink_->respond(202, "");
    return;
  }
  const auto* params = msg_.params();
  if (auto bad = check_envelope(in, params)) {
    // An envelope that is not this era's is refused as sent (400), whatever its code.
    bool malformed = bad->code == static_cast<int>(rpc_errc::invalid_params);
    return fail(fault{malformed ? fault_kind::malformed : fault_kind::error_answer,
                      std::move(*bad), msg_.id});
  }
  run(params);
}

std::optional<rpc_error> stateless_request::check_envelope(const inbound& in,
                                                           const json::value* params) {
  if (in.http && in.protocol_version.empty())
    return error(rpc_errc::header_mismatch, "Header mismatch: MCP-Protocol-Version is required");
  auto meta = params ? json::find(*params, "_meta") : nullptr;
  auto version = meta ? json::find(*meta, meta_version) : nullptr;
  auto caps = meta ? json::find(*meta, meta_caps) : nullptr;
  if (!meta || !meta->IsObject())
    return dispatch::invalid_params("params._meta is required in protocol 2026-07-28 (with "
                                    + std::string(meta_version) + " and " + meta_caps + ")");
  if (!version || !version->IsString())
    return dispatch::invalid_params(std::string("params._meta[\"") + meta_version
                                    + "\"] must be a string");
  if (!caps || !caps->IsObject())
    return dispatch::invalid_params(std::string("params._meta[\"") + meta_caps
                                    + "\"] must be an object");
  std::string v = version->GetString();
  if (in.http && in.protocol_version != v)
    return error(rpc_errc::header_mismatch, "Header mismatch: MCP-Protocol-Version '"
                                              + in.protocol_version + "' differs from _meta '"
                                              + v + "'");
  const auto& served = modern_protocol_versions();
  if (std::find(served.begin(), served.end(), v) == served.end())
    return error(rpc_errc::unsupported_protocol_version,
                 "Unsupported protocol version: " + v,
                 "{\"supported\":" + quoted_list(served) + ",\"requested\":" + json::quote(v)
                   + "}");
  if (in.http) {
    if (!in.mcp_method)
      return error(rpc_errc::header_mismatch, "Header mismatch: Mcp-Method is required");
    if (*in.mcp_method != msg_.method)
      return error(rpc_errc::header_mismatch, "Header mismatch: Mcp-Method '" + *in.mcp_method
                                                + "' but the body calls '" + msg_.method + "'");
  }
  const auto& m = msg_.method;
  const char* name_key = m == "resources/read"                       ? "uri"
                         : m == "tools/call" || m == "prompts/get"   ? "name"
                         : opts_.tasks && is_task_method(m, true)    ? "taskId"
                                                                     : nullptr;
  if (name_key) {
    target_ = json::get_string(*params, name_key).value_or("");
    if (in.http && (!in.mcp_name || *in.mcp_name != target_))
      return error(rpc_errc::header_mismatch,
                   "Header mismatch: Mcp-Name must equal params." + std::string(name_key) + " ('"
                     + target_ + "')");
  }
  if (in.http && m == "tools/call")
    if (auto tool = catalog_->find_tool(target_))
      if (auto bad = param_header_mismatch(tool->spec.input_schema,
                                           json::find(*params, "arguments"), in.mcp_params))
        return error(rpc_errc::header_mismatch, "Header mismatch: " + *bad);
  client_.protocol_version = v;
  client_.capabilities = json::stringify(*caps);
  if (auto lvl = json::get_string(*meta, meta_level))
    level_ = parse_log_level(*lvl);
  progress_.token = progress_token_of(params);
  return std::nullopt;
}

std::string stateless_request::discover() const {
  const auto& id = opts_.identity;
  std::string out = "{\"supportedVersions\":" + quoted_list(modern_protocol_versions())
                    + ",\"capabilities\":{\"completions\":{},\"logging\":{},"
                      "\"prompts\":{\"listChanged\":true},"
                      "\"resources\":{\"subscribe\":true,\"listChanged\":true},"
                      "\"tools\":{\"listChanged\":true}";
  out += catalog_->extensions_json(opts_.tasks ? json::quote(tasks_extension) + ":{}" : "");
  out += "}";
  if (!catalog_->instructions.empty())
    out += ",\"instructions\":" + json::quote(catalog_->instructions);
  out += ",\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":" + json::quote(id.name)
         + ",\"title\":" + json::quote(id.title) + ",\"version\":" + json::quote(id.version)
         + "}}}";
  return out;
}

void stateless_request::run(const json::value* params) {
  const auto& m = msg_.method;
  if (m == "server/discover") {
    hint_ = opts_.catalog_freshness();
    return finish(make_response(msg_.id, stamp(discover(), true)));
  }
  if (dispatch::is_list_method(m)) {
    auto r = dispatch::list(*catalog_, m, params);
    if (!r)
      return fail(error_answer(msg_.id, r.error()));
    hint_ = opts_.catalog_freshness();
    return finish(make_response(msg_.id, stamp(*r, true)));
  }
  if (m == "subscriptions/listen")
    return listen(params);
  if (dispatch::is_handler_method(m))
    return start_handler(params);
  if (opts_.tasks && is_task_method(m, true))
    return serve_task_method(*opts_.tasks, m, params, {}, true, make_context());
  // initialize, ping, logging/setLevel and resources/(un)subscribe are gone in this era.
  complete_error(msg_.id, error(rpc_errc::method_not_found,
                                "Method not found: '" + m + "' (protocol "
                                  + client_.protocol_version + ")"));
}

void stateless_request::start_handler(const json::value* params) {
  const auto& m = msg_.method;
  if (may_need_input(m)) {
    if (auto r = json::find(*params, "inputResponses")) {
      if (!r->IsObject())
        return fail(error_answer(
          msg_.id, dispatch::invalid_params("'inputResponses' must be an object")));
      // An answer that is not an object cannot be any method's result: asked for again.
      for (const auto& a : r->GetObject())
        if (a.value.IsObject())
          answers_[a.name.GetString()] = json::stringify(a.value);
    }
    if (auto s = json::find(*params, "requestState")) {
      if (!s->IsString())
        return fail(error_answer(
          msg_.id, dispatch::invalid_params("'requestState' must be a string")));
      auto opened = open_input_state(s->GetString(), opts_.state_key, opts_.unix_ms());
      if (!opened)
        return fail(error_answer(msg_.id, dispatch::invalid_params(opened.error())));
      if (opened->method != m || opened->target != target_)
        return fail(error_answer(
          msg_.id, dispatch::invalid_params("requestState belongs to another request")));
      // Answers gathered in earlier rounds; this round's answers win.
      for (auto& [k, v] : opened->answers)
        answers_.emplace(k, std::move(v));
    }
  }
  if (m == "tools/call")
    if (auto tool = catalog_->find_tool(target_);
        tool && tool->spec.tasks == task_support::required && !follows_tasks())
      return complete_error({}, error(rpc_errc::missing_client_capability,
                                      "Missing required client capability: tool '" + target_
                                        + "' runs only as a task; declare the "
                                        + tasks_extension
                                        + " extension in _meta clientCapabilities.extensions",
                                      std::string("{\"requiredCapabilities\":{\"extensions\":{\"")
                                        + tasks_extension + "\":{}}}}"));
  auto cat = catalog_;
  dispatch::start(*cat, m, params, make_context());
}

ctx_ptr stateless_request::make_context() {
  // No session in this era: each request queues for Twenty on its own (fairness key).
  return std::make_shared<context_impl<stateless_request>>(
    weak_from_this(), "stateless:" + msg_.id, host_, msg_.id, client_, flags_);
}

bool stateless_request::follows_tasks() const {
  return opts_.tasks && declares_tasks_extension(client_.capabilities);
}

void stateless_request::start_task(const std::string&, task_body body, ctx_ptr self) {
  auto tool = msg_.method == "tools/call" ? catalog_->find_tool(target_) : nullptr;
  if (!tool || tool->spec.tasks == task_support::forbidden || !follows_tasks() || ended_)
    return body(std::move(self));
  // The answer is the task's handle, sent once tasks/get can find the task.
  opts_.tasks->start(task_origin{{}, client_, 0}, std::move(body),
                     [self](expected<task_answer, rpc_error> r) {
                       if (!r)
                         return self->fail(r.error());
                       self->reply(modern_created(r->tasks.front()));
                     });
}

void stateless_request::listen(const json::value* params) {
  auto want = params ? json::find(*params, "notifications") : nullptr;
  auto flag = [&](const char* key) {
    return want && json::get_bool(*want, key).value_or(false);
  };
  std::string honored;
  auto honor = [&](const char* key, const char* kind) {
    if (!flag(key))
      return;
    kinds_.insert(kind);
    honored += (honored.empty() ? "\"" : ",\"") + std::string(key) + "\":true";
  };
  honor("toolsListChanged", "tools");
  honor("promptsListChanged", "prompts");
  honor("resourcesListChanged", "resources");
  std::string uris;
  if (auto subs = want ? json::find(*want, "resourceSubscriptions") : nullptr;
      subs && subs->IsArray())
    for (const auto& u : subs->GetArray())
      if (u.IsString()) {
        uris_.insert(u.GetString());
        uris += (uris.empty() ? "" : ",") + json::quote(u.GetString());
      }
  if (!uris.empty())
    honored += (honored.empty() ? "" : ",") + std::string("\"resourceSubscriptions\":[") + uris
               + "]";
  listening_ = true;
  // The listen request's own id names the subscription.
  subscription_id_ = msg_.id.size() > 1 && msg_.id.front() == '"'
                       ? msg_.id.substr(1, msg_.id.size() - 2)
                       : msg_.id;
  send_notification(make_notification(
    "notifications/subscriptions/acknowledged",
    "{\"_meta\":{\"" + std::string(meta_subscription) + "\":" + json::quote(subscription_id_)
      + "},\"notifications\":{" + honored + "}}"));
}

void stateless_request::notify_list_changed(const std::string& kind) {
  if (!listening_ || ended_ || !kinds_.count(kind))
    return;
  send_notification(make_notification(
    "notifications/" + kind + "/list_changed",
    "{\"_meta\":{\"" + std::string(meta_subscription) + "\":" + json::quote(subscription_id_)
      + "}}"));
}

void stateless_request::notify_resource_updated(const std::string& uri) {
  if (!listening_ || ended_ || !uris_.count(uri))
    return;
  send_notification(make_notification(
    "notifications/resources/updated",
    "{\"uri\":" + json::quote(uri) + ",\"_meta\":{\"" + std::string(meta_subscription)
      + "\":" + json::quote(subscription_id_) + "}}"));
}

void stateless_request::cancel(bool answer) {
  if (ended_)
    return;
  ended_ = true;
  flags_->cancelled = true;
  auto hooks = std::move(cancel_hooks_);
  cancel_hooks_.clear();
  for (auto& fn : hooks)
    fn();
  if (sink_) {
    if (streaming_ || !answer)
      sink_->close();
    else
      sink_->refuse(fault{fault_kind::unavailable,
                          error(rpc_errc::internal_error, "Server is shutting down"), msg_.id});
  }
}

std::string stateless_request::stamp(std::string result, bool cacheable) const {
  // Every result says whether it is complete; lists, reads and discover say how long it keeps.
  std::string fields;
  if (result.compare(0, 14, "{\"resultType\":") != 0)
    fields = "\"resultType\":\"complete\"";
  if (cacheable) {
    auto h = hint_.value_or(cache_hint{});
    fields += std::string(fields.empty() ? "" : ",") + "\"ttlMs\":"
              + std::to_string(std::max<int64_t>(0, h.ttl.count())) + ",\"cacheScope\":\""
              + (h.shared ? "public" : "private") + "\"";
  }
  if (fields.empty() || result.empty() || result.front() != '{')
    return result;
  bool empty = result.find_first_not_of(" \t\r\n", 1) == result.size() - 1;
  return "{" + fields + (empty ? "" : ",") + result.substr(1);
}

void stateless_request::finish(std::string response) {
  if (ended_)
    return;
  ended_ = true;
  flags_->done = true;
  if (streaming_) {
    sink_->event("", response);
    sink_->close();
  } else {
    sink_->respond(200, response);
  }
}

void stateless_request::fail(fault f) {
  if (ended_)
    return;
  if (streaming_)
    return finish(make_error_response(f.id, f.error));
  ended_ = true;
  flags_->done = true;
  sink_->refuse(f);
}

void stateless_request::send_notification(const std::string& note) {
  if (ended_ || json_only_)
    return;
  if (!streaming_) {
    streaming_ = true;
    sink_->open(stream_open{});
  }
  sink_->event("", note);
}

// -- the request_context's entry points -----------------------------------------------------

void stateless_request::complete(const std::string&, std::string result) {
  finish(make_response(msg_.id, stamp(std::move(result), msg_.method == "resources/read")));
}

void stateless_request::complete_error(const std::string&, rpc_error err) {
  fail(error_answer(msg_.id, std::move(err)));
}

void stateless_request::send_progress(const std::string&, double value,
                                      std::optional<double> total, const std::string& message) {
  if (auto note = progress_.next(value, total, message))
    send_notification(*note);
}

void stateless_request::send_log(const std::string&, log_level lvl, const std::string& logger,
                                 const std::string& data) {
  // Without a logLevel in the request's _meta the server MUST NOT log to it.
  if (level_ && lvl >= *level_)
    send_notification(make_log_notification(lvl, logger, data));
}

void stateless_request::send_client_request(const std::string& id, const std::string& method,
                                            const std::string& params,
                                            std::chrono::milliseconds timeout,
                                            client_reply done) {
  // One input under a key that is stable across attempts: the n-th ask of this handler.
  auto key = "input_" + std::to_string(++auto_inputs_);
  request_input(id, {{key, method, params}}, timeout, single_input(key, std::move(done)));
}

void stateless_request::request_input(const std::string&, std::vector<input_request> asks,
                                      std::chrono::milliseconds, input_reply done) {
  if (ended_)
    return;
  if (!may_need_input(msg_.method))
    return complete_error({}, error(rpc_errc::internal_error,
                                    "'" + msg_.method + "' cannot ask the client for input"));
  std::string missing_caps;
  for (const auto& a : asks)
    if (auto cap = capability_for_client_method(a.method); cap && !client_.supports(cap))
      missing_caps += (missing_caps.empty() ? "\"" : ",\"") + std::string(cap) + "\":{}";
  if (!missing_caps.empty())
    return complete_error({}, error(rpc_errc::missing_client_capability,
                                    "Missing required client capability: the request needs "
                                    "input the client did not declare it can give",
                                    "{\"requiredCapabilities\":{" + missing_caps + "}}"));
  input_answers got;
  std::string asked;
  for (const auto& a : asks) {
    if (auto it = answers_.find(a.key); it != answers_.end()) {
      got[a.key] = it->second;
      continue;
    }
    asked += (asked.empty() ? "" : ",") + json::quote(a.key) + ":{\"method\":"
             + json::quote(a.method) + ",\"params\":" + (a.params.empty() ? "{}" : a.params)
             + "}";
  }
  if (asked.empty())
    return done(std::move(got));
  input_state st{msg_.method, target_, answers_,
                 opts_.unix_ms() + static_cast<int64_t>(opts_.state_lifetime.count())};
  finish(make_response(msg_.id, "{\"resultType\":\"input_required\",\"inputRequests\":{" + asked
                                  + "},\"requestState\":"
                                  + json::quote(seal_input_state(st, opts_.state_key)) + "}"));
}

void stateless_request::add_cancel_hook(const std::string&, std::function<void()> fn) {
  if (flags_->cancelled)
    fn();
  else
    cancel_hooks_.push_back(std::move(fn));
}

} // namespace tmcp

// The frame of the CRM prompts (prompt_data.hpp): argument checks, live completions, the steps
// gathered, and the answer with its embedded resources.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>

#include "analytics/time_zone.hpp"
#include "integration/tools/prompt_data.hpp"
#include "integration/tools/prompt_texts.hpp"
#include "integration/tools/registry.hpp"
#include "protocol/content.hpp"

namespace tmcp::twenty::tools::live {

rpc_error to_rpc(const fault& f) {
  return f.invalid_params ? make_rpc_error(rpc_errc::invalid_params, "Invalid params: " + f.message)
                          : make_rpc_error(rpc_errc::internal_error, f.message);
}

void gather(std::vector<step> steps, std::function<void(std::vector<embed>)> then) {
  struct state {
    std::mutex mtx;
    std::vector<embed> parts;
    std::vector<bool> answered; // a step that answers twice counts once
    std::atomic<std::size_t> left{0};
    std::function<void(std::vector<embed>)> then;
  };
  auto s = std::make_shared<state>();
  s->parts.resize(steps.size());
  s->answered.resize(steps.size());
  s->left = steps.size();
  s->then = std::move(then);
  if (steps.empty())
    return s->then({});
  for (std::size_t i = 0; i < steps.size(); ++i)
    steps[i]([s, i](embed e) {
      {
        std::lock_guard<std::mutex> guard(s->mtx);
        if (s->answered[i])
          return;
        s->answered[i] = true;
        s->parts[i] = std::move(e);
      }
      if (--s->left == 0)
        s->then(std::move(s->parts));
    });
}

std::string arg(const json::value& args, const char* key) {
  return json::get_string(args, key).value_or("");
}

expected<target, fault> readable(const tool_env& env, const std::string& name) {
  auto schema = env.api->schema();
  if (!schema)
    return make_unexpected(fault{false, schema_unavailable(*env.api).message});
  std::string why;
  auto obj = prompts::resolve(*schema, name, why);
  if (!obj)
    return make_unexpected(fault{true, why});
  if (!allowed(env.config, *obj, operation::read))
    return make_unexpected(fault{true, refusal(env.config, *obj, operation::read).message});
  return target{schema, obj};
}

namespace {

std::optional<fault> check_arguments(const prompt_spec& spec, const choices& enums,
                                     const json::value& args) {
  for (const auto& m : args.GetObject()) {
    std::string name = m.name.GetString();
    auto known = std::find_if(spec.arguments.begin(), spec.arguments.end(),
                              [&](const prompt_argument& a) { return a.name == name; });
    if (known == spec.arguments.end()) {
      std::vector<std::string> names;
      for (const auto& a : spec.arguments)
        names.push_back(a.name);
      return fault{true, "prompt '" + spec.name + "' has no argument '" + name
                           + "'; its arguments: " + prompts::join_values(names)};
    }
    std::string value = m.value.GetString();
    // Clients send unfilled optional arguments as "": the same as leaving them out.
    if (value.empty()) {
      if (known->required)
        return fault{true, "'" + name + "' must not be empty"};
      continue;
    }
    auto e = enums.find(name);
    if (e != enums.end() && std::find(e->second.begin(), e->second.end(), value) == e->second.end())
      return fault{true, "'" + name + "' must be one of " + prompts::join_values(e->second)
                           + "; got '" + value + "'"};
  }
  return std::nullopt;
}

std::vector<std::string> starting_with(std::vector<std::string> values, const std::string& prefix) {
  std::vector<std::string> out;
  for (auto& v : values)
    if (v.size() >= prefix.size()
        && std::equal(prefix.begin(), prefix.end(), v.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x))
                    == std::tolower(static_cast<unsigned char>(y));
           }))
      out.push_back(std::move(v));
  return out;
}

} // namespace

void add_live_prompt(catalog& cat, std::shared_ptr<const tool_env> env, prompt_spec spec,
                     choices enums, std::string record_object, prompt_run run) {
  auto name = spec.name;
  cat.add_prompt(spec, [spec, enums, run](const json::value& args, ctx_ptr ctx) {
    if (auto f = check_arguments(spec, enums, args))
      return ctx->fail(to_rpc(*f));
    run(args, std::move(ctx));
  });
  auto schema_values = schema_completer(env);
  cat.add_live_prompt_completion(name, [env, enums, record_object, schema_values](
                                         const completion_query& q, completion_reply done) {
    if (auto e = enums.find(q.argument); e != enums.end())
      return done(starting_with(e->second, q.value));
    if (q.argument == "record" || q.argument == "company") {
      auto it = q.context.find("object");
      auto object = q.argument == "company" ? std::string("companies")
                    : it != q.context.end() && !it->second.empty() ? it->second
                                                                   : record_object;
      auto t = readable(*env, object);
      if (!t)
        return done({});
      return record_names(*env, t->schema, *t->obj, q.value, std::move(done));
    }
    done(starting_with(schema_values(q), q.value));
  });
}

void reply_gathered(std::vector<step> steps, const ctx_ptr& ctx, std::string description,
                    std::string text) {
  gather(std::move(steps), [ctx, description = std::move(description),
                            text = std::move(text)](std::vector<embed> parts) {
    reply(ctx, description, text, parts);
  });
}

void reply(const ctx_ptr& ctx, const std::string& description, std::string text,
           const std::vector<embed>& parts) {
  std::string missing, messages;
  for (const auto& p : parts) {
    if (!p.missing.empty())
      missing += "\n- " + p.uri + ": " + p.missing;
    else
      messages += "," + prompt_message("user", embedded_text_resource(p.uri, "application/json",
                                                                      p.json));
  }
  if (!missing.empty())
    text += "\nLeft out of the data below:" + missing;
  ctx->reply("{\"description\":" + json::quote(description) + ",\"messages\":["
             + prompt_message("user", text_content(text)) + messages + "]}");
}

step job_step(std::shared_ptr<const tool_env> env, ctx_ptr ctx, target t, std::string uri,
              std::string args, read_mark mark) {
  return [env, ctx, t, uri, args, mark](std::function<void(embed)> put) {
    if (!env->jobs)
      return put({uri, "", "analytics jobs do not run in this server"});
    auto parsed = json::parse(args);
    auto spec = parse_analytics_spec(*parsed, *t.schema, *t.obj, [env](const object& o) {
      return allowed(env->config, o, operation::read);
    });
    if (!spec)
      return put({uri, "", spec.error()});
    analytics_callbacks cb;
    cb.progress = [ctx, mark](uint64_t read, uint64_t total) {
      auto seen = mark->load();
      while (read > seen)
        if (mark->compare_exchange_weak(seen, read))
          return ctx->progress(static_cast<double>(read),
                               total ? std::optional<double>(static_cast<double>(total))
                                     : std::nullopt,
                               std::to_string(read) + " records read");
    };
    cb.done = [put, uri](expected<std::string, error> status) {
      if (!status)
        return put({uri, "", status.error().message});
      auto d = json::parse(*status);
      auto result = d ? json::find(*d, "result") : nullptr;
      put({uri, result ? json::stringify(*result) : *status, ""});
    };
    auto jobs = env->jobs;
    jobs->start(std::move(*spec), ctx->session_id(), std::move(cb),
                [put, uri, ctx, jobs](expected<std::string, error> id) {
                  if (!id)
                    return put({uri, "", id.error().message});
                  // A cancelled prompts/get stops its jobs: no upstream call after.
                  ctx->on_cancel([jobs, job = *id] { jobs->cancel(job); });
                });
  };
}

expected<int64_t, fault> now_or(const std::string& as_of) {
  if (as_of.empty())
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  int64_t s = 0;
  if (!analytics::parse_iso_instant(as_of, s))
    return make_unexpected(
      fault{true, "'as_of' must be an ISO-8601 date or date-time like 2026-01-31T09:00:00Z; got '"
                    + as_of + "'"});
  return s * 1000;
}


} // namespace tmcp::twenty::tools::live

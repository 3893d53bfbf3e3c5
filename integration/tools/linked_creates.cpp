#include "integration/tools/linked_creates.hpp"

#include <atomic>
#include <mutex>

#include "integration/tools/record_writes.hpp"
#include "integration/url.hpp"

namespace tmcp::twenty::tools {

const char* const targets_property =
  R"JSON("targets":{"type":"array","items":{"type":"object"},"description":"tasks, notes: records to link, [{object: \"companies\", id}]"})JSON";

namespace {

std::string linkable(const workspace_schema& schema, const junction& j) {
  std::string out;
  for (auto t : j.targets)
    if (auto o = schema.find_object(t->relation_target_object))
      out += (out.empty() ? "" : ", ") + o->name_plural;
  return out;
}

std::string describe_target(const link_plan& t) {
  return t.object + " " + t.id;
}

} // namespace

expected<std::optional<links>, std::string> plan_links(const workspace_schema& schema,
                                                       const object& obj,
                                                       const json::value* targets) {
  if (!targets || (targets->IsArray() && targets->Empty()))
    return std::optional<links>{};
  if (!targets->IsArray())
    return make_unexpected(std::string("'targets' must be an array of {object, id}"));
  auto j = find_junction(schema, obj);
  if (!j)
    return make_unexpected(obj.name_plural + " records cannot have targets: no junction object "
                           "links them (tasks and notes have one); set relations by id in data");
  links plan{*j, {}};
  for (const auto& t : targets->GetArray()) {
    auto name = json::get_string(t, "object").value_or("");
    auto id = json::get_string(t, "id").value_or("");
    auto target = schema.find_object(name);
    const field* column = target ? j->target_field(target->name_singular) : nullptr;
    if (!column)
      return make_unexpected("a " + obj.name_singular + " cannot link to '" + name
                             + "'; it links to " + linkable(schema, *j));
    if (!is_uuid(id))
      return make_unexpected("target " + target->name_plural + " id must be a record UUID; got '"
                             + id + "'");
    plan.targets.push_back({target->name_plural, id, column});
  }
  return std::optional<links>{std::move(plan)};
}

namespace {

// The outcome of every link of one record, filled from several answers on any thread.
struct link_run {
  std::mutex mtx;
  std::vector<std::string> made; // junction record ids
  std::string failures;
  errc first_code = errc::twenty_api_error;
  std::atomic<std::size_t> left{0};
};

void remove_links(const api_ptr& api, const workspace_schema& schema, const object& link,
                  std::vector<std::string> ids, const ctx_ptr& ctx, std::function<void()> done) {
  if (ids.empty())
    return done();
  std::string list;
  for (auto& id : ids)
    list += (list.empty() ? "" : ",") + id;
  request req;
  req.method = verb::del;
  req.target = with_query("/rest/" + link.name_plural, {{"filter", "id[in]:[" + list + "]"}});
  tie_to_caller(req, ctx);
  api->write(std::move(req), write_invalidations(schema, link), {},
             [done](outcome) { done(); });
}

} // namespace

void create_links(const api_ptr& api, const schema_ptr& snapshot, const links& plan,
                  const std::string& record_id, const ctx_ptr& ctx,
                  std::function<void(std::optional<error>)> done) {
  auto run = std::make_shared<link_run>();
  run->left = plan.targets.size();
  const object& link = *plan.j.link;
  auto tags = write_invalidations(*snapshot, link);
  // `snapshot` stays alive until the last answer: the plan points into it.
  auto finish = [api, snapshot, link_ptr = &link, run, ctx, done]() {
    if (run->failures.empty())
      return done(std::nullopt);
    error e{run->first_code, 0, run->failures, ""};
    remove_links(api, *snapshot, *link_ptr, run->made, ctx, [done, e] { done(e); });
  };
  for (const auto& t : plan.targets) {
    request req;
    req.method = verb::post;
    req.target = "/rest/" + link.name_plural;
    req.body = "{" + json::quote(plan.j.owner->join_column) + ":" + json::quote(record_id) + ","
               + json::quote(t.column->join_column) + ":" + json::quote(t.id) + "}";
    req.idempotent = false;
    tie_to_caller(req, ctx);
    api->write(std::move(req), tags, {}, [run, t, finish](outcome o) {
      {
        std::lock_guard<std::mutex> guard(run->mtx);
        auto body = parse_body(o);
        auto rec = body ? envelope_record(*body) : nullptr;
        auto id = rec ? json::get_string(*rec, "id") : std::nullopt;
        if (o && id) {
          run->made.push_back(*id);
        } else {
          auto why = o ? std::string("unexpected answer")
                       : std::string(to_string(o.error().code)) + ": " + o.error().message
                           + (o.error().upstream.empty() ? ""
                                                         : " (Twenty said: " + o.error().upstream + ")");
          if (run->failures.empty())
            run->first_code = o ? errc::twenty_api_error : o.error().code;
          run->failures += (run->failures.empty() ? "" : "; ") + std::string("linking ")
                           + describe_target(t) + " failed: " + why;
        }
      }
      if (--run->left == 0)
        finish();
    });
  }
}

void remove_created(const api_ptr& api, const workspace_schema& schema, const object& obj,
                    const std::string& id, const ctx_ptr& ctx, std::function<void()> done) {
  request req;
  req.method = verb::del;
  req.target = "/rest/" + obj.name_plural + "/" + id; // no soft_delete: it never should exist
  tie_to_caller(req, ctx);
  api->write(std::move(req), write_invalidations(schema, obj, id), {{obj.name_plural, id}},
             [done](outcome) { done(); });
}

} // namespace tmcp::twenty::tools

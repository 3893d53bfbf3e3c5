// The prompts about one record, with its live data embedded: suggest_next_actions,
// draft_communication and relationship_mapping. A record is named by id or by name (found by
// search, completed by search); what Twenty answers is embedded bounded.
#include <map>
#include <set>

#include "integration/tools/prompt_data.hpp"
#include "integration/tools/registry.hpp"
#include "protocol/tasks.hpp"

namespace tmcp::twenty::tools {

namespace {

using namespace live;

constexpr std::size_t related_cap = 10; // records per relation, per list
constexpr std::size_t notes_cap = 5;

struct found_record {
  target t;
  std::shared_ptr<json::document> body; // keeps `rec` alive
  const json::value* rec = nullptr;
  std::string id, name;
};

// Finds the record the `record` argument names, then runs `then`; faults end the prompt.
void with_record(const std::shared_ptr<const tool_env>& env, const ctx_ptr& ctx,
                 const std::string& object, const std::string& record,
                 std::function<void(found_record)> then) {
  auto t = readable(*env, object);
  if (!t)
    return ctx->fail(to_rpc(t.error()));
  find_record(*env, ctx, t->schema, *t->obj, record,
              [ctx, t = *t, then](expected<json::document, fault> body) {
    if (!body)
      return ctx->fail(to_rpc(body.error()));
    found_record f;
    f.t = t;
    f.body = std::make_shared<json::document>(std::move(*body));
    f.rec = &rows_of(*f.body)[0];
    f.id = json::get_string(*f.rec, "id").value_or("");
    f.name = display_name(*t.obj, *f.rec);
    then(std::move(f));
  });
}

// twenty_analytics' arguments for an analysis of the record (relationships, activity).
std::string analysis_args(const char* analysis, const found_record& f, const std::string& more) {
  return std::string("{\"analysis\":\"") + analysis + "\",\"object\":"
         + json::quote(f.t.obj->name_plural) + ",\"record_id\":" + json::quote(f.id) + ",\"limit\":10"
         + (more.empty() ? "" : "," + more) + "}";
}

std::string record_uri(const found_record& f) {
  return "twenty://records/" + f.t.obj->name_plural + "/" + f.id;
}

step record_step(const std::shared_ptr<const tool_env>& env, const found_record& f) {
  auto json = bounded_record(env->config, *f.t.schema, *f.t.obj, *f.rec, related_cap);
  return [uri = record_uri(f), json](std::function<void(embed)> put) { put({uri, json, ""}); };
}

step opportunities_step(const std::shared_ptr<const tool_env>& env, const found_record& f) {
  auto uri = record_uri(f) + "/opportunities";
  auto opp = f.t.schema->find_object("opportunity");
  if (!opp || !allowed(env->config, *opp, operation::read))
    return [uri](std::function<void(embed)> put) {
      put({uri, "", "opportunities may not be read here (MCP_PERMISSIONS) or do not exist"});
    };
  auto json = open_opportunities(*f.t.schema, *f.t.obj, *f.rec, related_cap);
  return [uri, json](std::function<void(embed)> put) { put({uri, json, ""}); };
}

std::string who(const found_record& f) {
  return (f.name.empty() ? std::string("the record") : "'" + f.name + "'") + " ("
         + f.t.obj->name_plural + " " + f.id + ")";
}

// --- suggest_next_actions ------------------------------------------------------------------

void suggest_workspace(const std::shared_ptr<const tool_env>& env, const ctx_ptr& ctx,
                       const std::string& description, int64_t now, int horizon,
                       const std::string& focus) {
  auto tasks = readable(*env, "tasks");
  if (!tasks)
    return ctx->fail(to_rpc(tasks.error()));
  auto as_of = iso_time(now), until = iso_time(now + int64_t(horizon) * 86400000);
  std::vector<step> steps{
    list_step(env, ctx, *tasks, "twenty://tasks/overdue", related_cap,
                    "dueAt[lt]:\"" + as_of + "\",status[neq]:DONE"),
    list_step(env, ctx, *tasks, "twenty://tasks/upcoming", related_cap,
                    "dueAt[gte]:\"" + as_of + "\",dueAt[lte]:\"" + until + "\",status[neq]:DONE")};
  auto text = "Suggest my next actions in the CRM as of " + as_of
              + (focus.empty() ? "" : ", focusing on " + focus) + ".\n"
              "The embedded resources hold the open tasks that are overdue and those due within "
              + std::to_string(horizon) + " days (the first " + std::to_string(related_cap)
              + " of each, with how many were left out).\n"
              "Propose 3 to 5 concrete next actions (what, who, by when), the most urgent "
              "first, each citing the task it comes from. For one record's full picture use "
              "this prompt with 'record'. Ask me before creating or changing anything.";
  reply_gathered(std::move(steps), ctx, description, text);
}

void suggest_next_actions(const std::shared_ptr<const tool_env>& env, const json::value& args,
                          ctx_ptr ctx, const std::string& description) {
  auto now = now_or(arg(args, "as_of"));
  if (!now)
    return ctx->fail(to_rpc(now.error()));
  auto horizon_text = arg(args, "horizon_days");
  int horizon = 14;
  if (!horizon_text.empty()) {
    horizon = std::atoi(horizon_text.c_str());
    if (horizon < 1 || horizon > 365 || std::to_string(horizon) != horizon_text)
      return ctx->fail(to_rpc(fault{true, "'horizon_days' must be a whole number of days from 1 "
                                          "to 365; got '" + horizon_text + "'"}));
  }
  auto focus = arg(args, "focus");
  auto record = arg(args, "record");
  if (record.empty())
    return suggest_workspace(env, ctx, description, *now, horizon, focus);
  auto object = arg(args, "object").empty() ? std::string("companies") : arg(args, "object");
  with_record(env, ctx, object, record, [=](found_record f) {
    std::vector<step> steps{record_step(env, f), opportunities_step(env, f),
                            tasks_of(env, ctx, f.t.schema, *f.t.obj, f.id, *now, horizon,
                                     related_cap),
                            notes_of(env, ctx, f.t.schema, *f.t.obj, f.id, notes_cap),
                            job_step(env, ctx, f.t, record_uri(f) + "/activity",
                                     analysis_args("activity", f, "\"now\":"
                                                                    + json::quote(iso_time(*now))),
                                     new_read_mark())};
    auto text =
      "Suggest my next actions for " + who(f) + " as of " + iso_time(*now)
      + (focus.empty() ? "" : ", focusing on " + focus) + ".\n"
      "The embedded resources hold what you need: the record with its related records, its "
      "open opportunities, its open tasks (overdue, due within " + std::to_string(horizon)
      + " days, undated), its latest notes and its activity (touches, cadence, last touch); "
        "lists are cut to " + std::to_string(related_cap)
      + " entries with how many were left out.\n"
        "Propose 3 to 5 concrete next actions (what, who, by when), the most urgent first: "
        "overdue tasks, then opportunities whose close date passed or is near, then contacts "
        "without activity for 30 days. Cite the task, note or opportunity behind each. Ask me "
        "before creating or changing anything (a follow-up task: twenty_create_record on tasks "
        "with this record as target).";
    gather(std::move(steps), [ctx, description, text, f](std::vector<embed> parts) {
      reply(ctx, description, text, parts);
    });
  });
}

// --- draft_communication -------------------------------------------------------------------

struct channel_kind {
  const char* value;
  const char* name;
  const char* advice;
};

// The channels draft_communication writes for; the first is the default.
const std::vector<channel_kind>& channels() {
  static const std::vector<channel_kind> all{
    {"email", "an email",
     "An email: a subject line, then the body, addressed to the primary email in the record (say "
     "so if there is none)."},
    {"linkedin_message", "a LinkedIn message",
     "A LinkedIn message of at most 300 characters, no subject."},
    {"call_script", "a call script",
     "A call script: an opening line, three talking points, two questions to ask, and a close "
     "that proposes the next step."},
    {"note", "a CRM note",
     "A CRM note that sums up where things stand, ready to save with twenty_create_record on "
     "notes with this record as target (after I approve it)."}};
  return all;
}

std::vector<std::string> channel_values() {
  std::vector<std::string> out;
  for (const auto& c : channels())
    out.emplace_back(c.value);
  return out;
}

const channel_kind& channel_of(const std::string& value) {
  for (const auto& c : channels())
    if (value == c.value)
      return c;
  return channels().front();
}

void draft_communication(const std::shared_ptr<const tool_env>& env, const json::value& args,
                         ctx_ptr ctx, const std::string& description) {
  auto object = arg(args, "object").empty() ? std::string("people") : arg(args, "object");
  const auto& how = channel_of(arg(args, "channel"));
  auto tone = arg(args, "tone").empty() ? std::string("friendly") : arg(args, "tone");
  auto purpose = arg(args, "purpose");
  auto now = now_or("");
  with_record(env, ctx, object, arg(args, "record"), [=](found_record f) {
    std::vector<step> steps{record_step(env, f), opportunities_step(env, f),
                            tasks_of(env, ctx, f.t.schema, *f.t.obj, f.id, *now, 14, related_cap),
                            notes_of(env, ctx, f.t.schema, *f.t.obj, f.id, notes_cap)};
    auto text = std::string("Draft ") + how.name + " to " + who(f) + " in a " + tone + " tone"
                + (purpose.empty() ? std::string(".") : ", to " + purpose + ".") + "\n"
                + how.advice + "\n"
                  "Use only facts from the embedded resources: the record (contact details, "
                  "company), its open opportunities, its open tasks and its latest notes. Refer "
                  "to the latest interaction when there is one, and never invent figures or "
                  "promises. Show me the draft; do not send or save anything without my "
                  "approval.";
    reply_gathered(std::move(steps), ctx, description, text);
  });
}

// --- relationship_mapping ------------------------------------------------------------------

// Relations worth mapping: to business objects and workspace members, not to junctions and
// bookkeeping (tasks and notes are embedded on their own).
const object* mapped_target(const tools_config& config, const workspace_schema& schema,
                            const field& f) {
  if (f.type != field_type::relation || !f.is_active)
    return nullptr;
  auto t = schema.find_object(f.relation_target_object);
  if (!t || !t->is_active || !allowed(config, *t, operation::read))
    return nullptr;
  if (t->is_system && t->name_singular != "workspaceMember")
    return nullptr;
  if (t->name_singular == "taskTarget" || t->name_singular == "noteTarget"
      || t->name_singular == "attachment" || t->name_singular == "timelineActivity"
      || t->name_singular == "favorite")
    return nullptr;
  return t;
}

// The records one relation of `rec` points at: the object, or the array's elements.
std::vector<const json::value*> related_records(const json::value& rec, const field& f) {
  std::vector<const json::value*> out;
  auto v = json::find(rec, f.name.c_str());
  if (v && v->IsObject())
    out.push_back(v);
  else if (v && v->IsArray())
    for (const auto& r : v->GetArray())
      out.push_back(&r);
  return out;
}

// The ties of `rec`: one entry per relation with records, the most linked first, each with
// up to `cap` {id, name} and the count left out.
json::value ties_of(const tools_config& config, const workspace_schema& schema,
                    const object& obj, const json::value& rec, std::size_t cap,
                    json::allocator& a) {
  struct tie {
    const field* f;
    const object* target;
    std::vector<const json::value*> records;
  };
  std::vector<tie> ties;
  for (const auto& f : obj.fields)
    if (auto t = mapped_target(config, schema, f)) {
      auto records = related_records(rec, f);
      if (!records.empty())
        ties.push_back({&f, t, std::move(records)});
    }
  std::stable_sort(ties.begin(), ties.end(),
                   [](const tie& x, const tie& y) { return x.records.size() > y.records.size(); });
  json::value out(rapidjson::kArrayType);
  for (const auto& t : ties) {
    json::value e(rapidjson::kObjectType);
    e.AddMember("relation", json::str(t.f->name, a), a);
    e.AddMember("object", json::str(t.target->name_plural, a), a);
    e.AddMember("count", static_cast<uint64_t>(t.records.size()), a);
    json::value names(rapidjson::kArrayType);
    for (std::size_t i = 0; i < t.records.size() && i < cap; ++i) {
      json::value r(rapidjson::kObjectType);
      r.AddMember("id", json::str(json::get_string(*t.records[i], "id").value_or(""), a), a);
      auto n = display_name(*t.target, *t.records[i]);
      if (!n.empty())
        r.AddMember("name", json::str(n, a), a);
      if (auto stage = json::get_string(*t.records[i], "stage"))
        r.AddMember("stage", json::str(*stage, a), a);
      names.PushBack(r, a);
    }
    e.AddMember("records", names, a);
    if (t.records.size() > cap)
      e.AddMember("leftOut", static_cast<uint64_t>(t.records.size() - cap), a);
    out.PushBack(e, a);
  }
  return out;
}

step relationships_step(const std::shared_ptr<const tool_env>& env, const ctx_ptr& ctx,
                        const found_record& f, int depth) {
  return [env, ctx, f, depth](std::function<void(embed)> put) {
    auto uri = record_uri(f) + "/relationships";
    const auto& schema = *f.t.schema;
    auto doc = std::make_shared<json::document>(rapidjson::kObjectType);
    auto& a = doc->GetAllocator();
    json::value root(rapidjson::kObjectType);
    root.AddMember("object", json::str(f.t.obj->name_plural, a), a);
    root.AddMember("id", json::str(f.id, a), a);
    root.AddMember("name", json::str(f.name, a), a);
    doc->AddMember("root", root, a);
    doc->AddMember("depth", depth, a);
    doc->AddMember("ties", ties_of(env->config, schema, *f.t.obj, *f.rec, related_cap, a), a);
    if (depth < 2)
      return put({uri, json::stringify(*doc), ""});
    // Depth 2: the ties of each shown related record, one list call per related object.
    std::map<std::string, std::set<std::string>> ids;
    for (const auto& tie : (*doc)["ties"].GetArray())
      for (const auto& r : tie["records"].GetArray())
        if (std::string(r["id"].GetString()) != f.id)
          ids[tie["object"].GetString()].insert(r["id"].GetString());
    std::vector<step> reads;
    for (const auto& [plural, set] : ids) {
      std::string in;
      for (const auto& id : set)
        in += (in.empty() ? "" : ",") + id;
      reads.push_back([env, ctx, f, plural = plural, in](std::function<void(embed)> got) {
        auto t = f.t.schema->find_object(plural);
        list(*env, ctx, plural, "id[in]:[" + in + "]", 60, 1,
             [got, env, f, t, plural](expected<json::document, fault> body) {
          if (!body)
            return got({plural, "", body.error().message});
          json::document out(rapidjson::kArrayType);
          auto& a = out.GetAllocator();
          for (const auto& r : rows_of(*body).GetArray()) {
            json::value e(rapidjson::kObjectType);
            e.AddMember("object", json::str(plural, a), a);
            e.AddMember("id", json::str(json::get_string(r, "id").value_or(""), a), a);
            e.AddMember("name", json::str(display_name(*t, r), a), a);
            e.AddMember("ties", ties_of(env->config, *f.t.schema, *t, r, 3, a), a);
            out.PushBack(e, a);
          }
          got({plural, json::stringify(out), ""});
        });
      });
    }
    gather(std::move(reads), [put, uri, doc](std::vector<embed> parts) {
      auto& a = doc->GetAllocator();
      json::value second(rapidjson::kArrayType);
      json::value missing(rapidjson::kObjectType);
      for (auto& p : parts) {
        auto rows = p.missing.empty() ? json::parse(p.json) : std::nullopt;
        if (!rows || !rows->IsArray()) {
          missing.AddMember(json::str(p.uri, a), json::str(p.missing, a), a);
          continue;
        }
        for (auto& r : rows->GetArray())
          second.PushBack(json::value(r, a), a);
      }
      doc->AddMember("secondDegree", second, a);
      if (missing.MemberCount())
        doc->AddMember("unread", missing, a);
      put({uri, json::stringify(*doc), ""});
    });
  };
}

void relationship_mapping(const std::shared_ptr<const tool_env>& env, const json::value& args,
                          ctx_ptr ctx, const std::string& description) {
  auto object = arg(args, "object").empty() ? std::string("companies") : arg(args, "object");
  int depth = arg(args, "depth") == "2" ? 2 : 1;
  auto now = now_or("");
  with_record(env, ctx, object, arg(args, "record"), [=](found_record f) {
    std::vector<step> steps{record_step(env, f), relationships_step(env, ctx, f, depth),
                            job_step(env, ctx, f.t, record_uri(f) + "/graph",
                                     analysis_args("relationships", f,
                                                   "\"depth\":" + std::to_string(depth)),
                                     new_read_mark()),
                            tasks_of(env, ctx, f.t.schema, *f.t.obj, f.id, *now, 14, related_cap),
                            notes_of(env, ctx, f.t.schema, *f.t.obj, f.id, notes_cap)};
    auto text =
      "Map the relationships of " + who(f) + " to depth " + std::to_string(depth) + ".\n"
      "The embedded resources hold the record, its ties per relation (the most linked first, "
      "each with up to " + std::to_string(related_cap) + " records named)"
      + (depth == 2 ? ", the ties of those related records (second degree)" : "")
      + ", the relationship graph walked by the analytics (counts per object and relation, "
        "the strongest ties, through tasks and notes too), and the tasks and notes linked to "
        "it. Twenty returns at most 60 records per relation, "
        "so a count of 60 means 60 or more.\n"
        "Describe the key people and their roles, the companies and opportunities connected "
        "(stage, amount), who owns the relationship, the strongest and the weakest ties, gaps "
        "(an opportunity without a point of contact, a contact without any activity), and "
        "suggest two or three ways to strengthen the relationship.";
    reply_gathered(std::move(steps), ctx, description, text);
  });
}

prompt_argument record_arg(bool required, const char* of) {
  return {"record", std::string("The ") + of + ": its name (completed by search) or id",
          required};
}

} // namespace

void add_record_prompts(catalog& cat, std::shared_ptr<const tool_env> env) {
  std::string suggest = "Next actions for a record (its open opportunities, overdue and upcoming "
                        "tasks and recent notes embedded), or across the workspace's open tasks.";
  add_live_prompt(
    cat, env,
    {"suggest_next_actions", "Suggest next actions", suggest,
     {record_arg(false, "record (without it: the whole workspace's open tasks)"),
      {"object", "Object of the record; default companies", false},
      {"horizon_days", "How many days ahead count as upcoming; default 14", false},
      {"as_of", "The date to judge overdue by (ISO-8601); default now", false},
      {"focus", "What to concentrate on (renewal, closing deals, ...)", false}}},
    {}, "companies",
    [env, suggest](const json::value& args, ctx_ptr ctx) {
      suggest_next_actions(env, args, std::move(ctx), suggest);
    });
  std::string draft = "Draft an email, LinkedIn message, call script or note to a person or "
                      "company, with the record and its recent activity embedded.";
  add_live_prompt(
    cat, env,
    {"draft_communication", "Draft a communication", draft,
     {record_arg(true, "person or company to write to"),
      {"object", "Object of the record; default people", false},
      {"channel", "email (default), linkedin_message, call_script or note", false},
      {"tone", "friendly (default), formal, concise or persuasive", false},
      {"purpose", "What the message is for (follow up on the proposal, ...)", false}}},
    {{"channel", channel_values()},
     {"tone", {"friendly", "formal", "concise", "persuasive"}}},
    "people",
    [env, draft](const json::value& args, ctx_ptr ctx) {
      draft_communication(env, args, std::move(ctx), draft);
    });
  std::string map = "The connections of a record (people, companies, opportunities, owners, "
                    "custom relations) to depth 1 or 2, with its tasks and notes embedded.";
  add_live_prompt(cat, env,
                  {"relationship_mapping", "Map relationships", map,
                   {record_arg(true, "record to start from"),
                    {"object", "Object of the record; default companies", false},
                    {"depth", "1 (default): direct ties; 2: also the ties of those", false}}},
                  {{"depth", {"1", "2"}}}, "companies",
                  [env, map](const json::value& args, ctx_ptr ctx) {
                    relationship_mapping(env, args, std::move(ctx), map);
                  });
}

} // namespace tmcp::twenty::tools

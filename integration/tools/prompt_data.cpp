// The live data of the CRM prompts (prompt_data.hpp): records found by name or id, their tasks,
// notes and opportunities, bounded lists, each read through the gateway.
#include "integration/tools/prompt_data.hpp"

#include <algorithm>

#include "analytics/time_zone.hpp"
#include "integration/record_view.hpp"
#include "integration/tools/schema_hints.hpp"
#include "integration/url.hpp"
#include "protocol/tasks.hpp"

namespace tmcp::twenty::tools::live {

namespace {

// Double quotes end a quoted filter value and cannot be escaped.
std::string literal(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '"')
      out += c;
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const field* name_field(const object& obj) {
  for (const char* n : {obj.label_identifier_field.c_str(), "name", "title"})
    if (auto f = obj.find_field(n); f && f->is_active
                                    && (f->type == field_type::text || f->type == field_type::full_name))
      return f;
  return nullptr;
}

// The join column (targetCompanyId) of the junction `link` (taskTarget) to `obj`.
std::string link_column(const workspace_schema& schema, const char* link, const object& obj) {
  auto l = schema.find_object(link);
  if (!l || !l->is_active)
    return "";
  for (const auto& f : l->fields)
    if (f.is_active && f.is_many_to_one() && f.relation_target_object == obj.name_singular)
      return f.join_column;
  return "";
}

constexpr std::size_t max_text = 1000; // characters of one string value (a note's body)

// Cuts long strings (at a UTF-8 boundary) and says how much was left out.
void cut_long_strings(json::value& v, json::allocator& a) {
  if (v.IsString() && v.GetStringLength() > max_text) {
    std::string text(v.GetString(), v.GetStringLength());
    std::size_t end = max_text;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    v = json::str(text.substr(0, end) + "... (" + std::to_string(text.size() - end)
                    + " more characters)", a);
  } else if (v.IsObject()) {
    for (auto& m : v.GetObject())
      cut_long_strings(m.value, a);
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray())
      cut_long_strings(e, a);
  }
}

// The array `key` of a bounded list resource, each record in the agent's view.
void add_records(json::value& out, const char* key, const workspace_schema& schema,
                 const object& obj, std::vector<const json::value*> rows, std::size_t cap,
                 json::allocator& a) {
  json::value arr(rapidjson::kArrayType);
  for (std::size_t i = 0; i < rows.size() && i < cap; ++i) {
    json::value r(*rows[i], a);
    compact_record(schema, obj, r, a);
    cut_long_strings(r, a);
    arr.PushBack(r, a);
  }
  out.AddMember(json::str(key, a), arr, a);
  if (rows.size() > cap)
    out.AddMember(json::str(std::string(key) + "LeftOut", a),
                  json::value(static_cast<uint64_t>(rows.size() - cap)), a);
}

int64_t instant_ms(const json::value& rec, const char* key) {
  int64_t s = 0;
  auto v = json::get_string(rec, key);
  return v && analytics::parse_iso_instant(*v, s) ? s * 1000 : INT64_MIN;
}

} // namespace

void list(const tool_env& env, const ctx_ptr& ctx, const std::string& plural,
          const std::string& filter, int limit, int depth, body_done done) {
  request req;
  req.target = with_query("/rest/" + plural, {{"filter", filter},
                                              {"limit", std::to_string(limit)},
                                              {"depth", depth ? std::to_string(depth) : ""}});
  if (ctx)
    tie_to_caller(req, ctx);
  else
    req.fairness_key = "completion";
  env.api->read(std::move(req), {object_tag(plural)}, [done, plural](outcome o) {
    if (!o)
      return done(make_unexpected(fault{false, std::string(to_string(o.error().code)) + ": "
                                                 + o.error().message}));
    auto body = parse_body(o);
    auto data = body ? json::find(*body, "data") : nullptr;
    auto rows = data ? json::find(*data, plural.c_str()) : nullptr;
    if (!rows || !rows->IsArray())
      return done(make_unexpected(
        fault{false, "Twenty answered the list of " + plural + " with an unexpected shape"}));
    done(std::move(*body));
  });
}

const json::value& rows_of(const json::document& body) {
  static const json::value empty(rapidjson::kArrayType);
  auto data = json::find(body, "data");
  if (!data || !data->IsObject() || data->MemberCount() != 1 || !data->MemberBegin()->value.IsArray())
    return empty;
  return data->MemberBegin()->value;
}

int64_t total_of(const json::document& body) {
  return json::get_int(body, "totalCount").value_or(static_cast<int64_t>(rows_of(body).Size()));
}

std::string display_name(const object& obj, const json::value& rec) {
  auto f = name_field(obj);
  auto v = f && rec.IsObject() ? json::find(rec, f->name.c_str()) : nullptr;
  if (!v)
    return "";
  if (v->IsString())
    return v->GetString();
  if (v->IsObject()) {
    auto first = json::get_string(*v, "firstName").value_or("");
    auto last = json::get_string(*v, "lastName").value_or("");
    return first.empty() ? last : last.empty() ? first : first + " " + last;
  }
  return "";
}

std::string name_filter(const object& obj, const std::string& text, bool exact) {
  auto f = name_field(obj);
  if (!f)
    return "";
  auto v = literal(text);
  // ilike without % is equality regardless of case.
  std::string any = exact ? "" : "%";
  if (f->type == field_type::text)
    return f->name + "[ilike]:\"" + any + v + any + "\"";
  auto space = v.find(' ');
  if (space != std::string::npos)
    return "and(" + f->name + ".firstName[ilike]:\"" + v.substr(0, space) + any + "\"," + f->name
           + ".lastName[ilike]:\"" + v.substr(space + 1) + any + "\")";
  return "or(" + f->name + ".firstName[ilike]:\"" + any + v + any + "\"," + f->name
         + ".lastName[ilike]:\"" + any + v + any + "\")";
}

namespace {

// The one record a name found, or why there is none or more than one.
void pick_one(const object& obj, const std::string& text, expected<json::document, fault> body,
              const body_done& done) {
  if (!body)
    return done(std::move(body));
  const auto& rows = rows_of(*body);
  const auto& plural = obj.name_plural;
  if (rows.Empty())
    return done(make_unexpected(fault{true, "no " + plural + " record is named '" + text
                                              + "' (set 'object' for records of another "
                                                "object); complete the argument for names"}));
  if (rows.Size() > 1) {
    std::string names;
    for (std::size_t i = 0; i < rows.Size() && i < 5; ++i)
      names += (i ? ", " : "") + display_name(obj, rows[i]) + " ("
               + json::get_string(rows[i], "id").value_or("") + ")";
    return done(make_unexpected(fault{true, "'" + text + "' matches "
                                              + std::to_string(total_of(*body)) + " " + plural
                                              + ": " + names + "; give the full name or the id"}));
  }
  done(std::move(body));
}

} // namespace

void find_record(const tool_env& env, const ctx_ptr& ctx, schema_ptr schema, const object& obj,
                 const std::string& text, body_done done) {
  auto plural = obj.name_plural;
  // A name goes to Twenty inside a URL: past this it cannot be a record's name, only a fault.
  if (text.size() > max_record_text)
    return done(make_unexpected(fault{true, "a record is named by its name or id, at most "
                                              + std::to_string(max_record_text)
                                              + " characters; got "
                                              + std::to_string(text.size())}));
  if (is_uuid(text))
    return list(env, ctx, plural, "id[eq]:" + text, 1, 1, [done, plural, text](auto body) {
      if (body && rows_of(*body).Empty())
        return done(make_unexpected(fault{true, "no " + plural + " record has the id " + text}));
      done(std::move(body));
    });
  auto exact = name_filter(obj, text, true);
  if (exact.empty())
    return done(make_unexpected(
      fault{true, plural + " records have no name field to find '" + text + "' by; give the id"}));
  // The exact name first (whatever else contains it); else the one record whose name contains it.
  list(env, ctx, plural, exact, 10, 1,
       [env_copy = env, ctx, done, text, schema, &obj](expected<json::document, fault> body) {
    if (!body || !rows_of(*body).Empty())
      return pick_one(obj, text, std::move(body), done);
    list(env_copy, ctx, obj.name_plural, name_filter(obj, text, false), 10, 1,
         [done, text, schema, &obj](expected<json::document, fault> fuzzy) {
      pick_one(obj, text, std::move(fuzzy), done);
    });
  });
}

void record_names(const tool_env& env, schema_ptr schema, const object& obj,
                  const std::string& text,
                  std::function<void(std::vector<std::string>)> done) {
  if (text.size() > max_record_text)
    return done({});
  auto filter = text.empty() ? std::string() : name_filter(obj, text, false);
  if (!text.empty() && filter.empty())
    return done({});
  list(env, nullptr, obj.name_plural, filter, 50, 0, [done, schema, &obj, text](auto body) {
    std::vector<std::string> starts, others;
    if (body)
      for (const auto& r : rows_of(*body).GetArray()) {
        auto n = display_name(obj, r);
        if (n.empty())
          continue;
        (lower(n).rfind(lower(text), 0) == 0 ? starts : others).push_back(n);
      }
    std::sort(starts.begin(), starts.end());
    std::sort(others.begin(), others.end());
    starts.insert(starts.end(), others.begin(), others.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    done(std::move(starts));
  });
}

std::string bounded_record(const tools_config& config, const workspace_schema& schema,
                           const object& obj, const json::value& rec, std::size_t cap) {
  json::document out;
  out.CopyFrom(rec, out.GetAllocator());
  auto& a = out.GetAllocator();
  json::value left(rapidjson::kObjectType);
  for (const auto& f : obj.fields) {
    if (f.type != field_type::relation || !out.HasMember(f.name.c_str()))
      continue;
    auto related = schema.find_object(f.relation_target_object);
    if (!related || !allowed(config, *related, operation::read)) {
      out.RemoveMember(f.name.c_str());
      continue;
    }
    if (f.is_many_to_one())
      continue;
    auto& v = out[f.name.c_str()];
    if (f.relation_target_object == "taskTarget" || f.relation_target_object == "noteTarget"
        || f.relation_target_object == "attachment" || f.relation_target_object == "timelineActivity") {
      out.RemoveMember(f.name.c_str());
      continue;
    }
    if (v.IsArray() && v.Size() > cap) {
      left.AddMember(json::str(f.name, a), json::value(static_cast<uint64_t>(v.Size() - cap)), a);
      while (v.Size() > cap)
        v.PopBack();
    }
  }
  compact_record(schema, obj, out, a);
  cut_long_strings(out, a);
  if (left.MemberCount())
    out.AddMember("leftOut", left, a);
  return json::stringify(out);
}

std::string open_opportunities(const workspace_schema& schema, const object& obj,
                               const json::value& rec, std::size_t cap) {
  auto opp = schema.find_object("opportunity");
  json::document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  if (!opp)
    return "{}";
  auto stages = select_values(*opp, "stage");
  auto closed = stages.empty() ? std::string() : stages.back();
  std::vector<const json::value*> open;
  std::size_t all = 0;
  auto consider = [&](const json::value& r) {
    ++all;
    if (json::get_string(r, "stage").value_or("") != closed)
      open.push_back(&r);
  };
  if (&obj == opp)
    consider(rec);
  else
    for (const auto& f : obj.fields)
      if (f.type == field_type::relation && !f.is_many_to_one()
          && f.relation_target_object == "opportunity")
        if (auto v = json::find(rec, f.name.c_str()); v && v->IsArray())
          for (const auto& r : v->GetArray())
            consider(r);
  out.AddMember("closedStage", json::str(closed, a), a);
  out.AddMember("related", static_cast<uint64_t>(all), a);
  out.AddMember("open", static_cast<uint64_t>(open.size()), a);
  add_records(out, "opportunities", schema, *opp, open, cap, a);
  return json::stringify(out);
}

step tasks_of(std::shared_ptr<const tool_env> env, ctx_ptr ctx, schema_ptr schema,
              const object& obj, const std::string& id, int64_t now_ms, int horizon_days,
              std::size_t cap) {
  auto uri = "twenty://records/" + obj.name_plural + "/" + id + "/tasks";
  return [env, ctx, schema, &obj, id, now_ms, horizon_days, cap, uri](std::function<void(embed)> put) {
    auto task = schema->find_object("task");
    auto column = link_column(*schema, "taskTarget", obj);
    if (!task || column.empty())
      return put({uri, "", "this workspace links no tasks to " + obj.name_plural});
    auto link = schema->find_object("taskTarget");
    if (!allowed(env->config, *task, operation::read) || !allowed(env->config, *link, operation::read))
      return put({uri, "", "tasks may not be read here (MCP_PERMISSIONS)"});
    list(*env, ctx, "taskTargets", column + "[eq]:" + id, 60, 1,
         [put, uri, schema, task, now_ms, horizon_days, cap](auto body) {
      if (!body)
        return put({uri, "", body.error().message});
      std::vector<const json::value*> overdue, upcoming, undated, later;
      std::size_t done = 0;
      auto horizon = now_ms + int64_t(horizon_days) * 86400000;
      for (const auto& link : rows_of(*body).GetArray()) {
        auto t = json::find(link, "task");
        if (!t || !t->IsObject())
          continue;
        if (json::get_string(*t, "status").value_or("") == "DONE") {
          ++done;
          continue;
        }
        auto due = instant_ms(*t, "dueAt");
        (due == INT64_MIN ? undated : due < now_ms ? overdue : due <= horizon ? upcoming : later)
          .push_back(t);
      }
      auto by_due = [](const json::value* x, const json::value* y) {
        return instant_ms(*x, "dueAt") < instant_ms(*y, "dueAt");
      };
      std::sort(overdue.begin(), overdue.end(), by_due);
      std::sort(upcoming.begin(), upcoming.end(), by_due);
      json::document out(rapidjson::kObjectType);
      auto& a = out.GetAllocator();
      out.AddMember("asOf", json::str(iso_time(now_ms), a), a);
      out.AddMember("linked", total_of(*body), a);
      out.AddMember("done", static_cast<uint64_t>(done), a);
      out.AddMember("later", static_cast<uint64_t>(later.size()), a);
      add_records(out, "overdue", *schema, *task, overdue, cap, a);
      add_records(out, "upcoming", *schema, *task, upcoming, cap, a);
      add_records(out, "noDueDate", *schema, *task, undated, cap, a);
      put({uri, json::stringify(out), ""});
    });
  };
}

step notes_of(std::shared_ptr<const tool_env> env, ctx_ptr ctx, schema_ptr schema,
              const object& obj, const std::string& id, std::size_t cap) {
  auto uri = "twenty://records/" + obj.name_plural + "/" + id + "/notes";
  return [env, ctx, schema, &obj, id, cap, uri](std::function<void(embed)> put) {
    auto note = schema->find_object("note");
    auto column = link_column(*schema, "noteTarget", obj);
    if (!note || column.empty())
      return put({uri, "", "this workspace links no notes to " + obj.name_plural});
    auto link = schema->find_object("noteTarget");
    if (!allowed(env->config, *note, operation::read) || !allowed(env->config, *link, operation::read))
      return put({uri, "", "notes may not be read here (MCP_PERMISSIONS)"});
    list(*env, ctx, "noteTargets", column + "[eq]:" + id, 60, 1,
         [put, uri, schema, note, cap](auto body) {
      if (!body)
        return put({uri, "", body.error().message});
      std::vector<const json::value*> notes;
      for (const auto& link : rows_of(*body).GetArray())
        if (auto n = json::find(link, "note"); n && n->IsObject())
          notes.push_back(n);
      // The latest first; a note linked twice to the record counts once.
      std::sort(notes.begin(), notes.end(), [](const json::value* x, const json::value* y) {
        return instant_ms(*x, "createdAt") > instant_ms(*y, "createdAt");
      });
      notes.erase(std::unique(notes.begin(), notes.end(),
                              [](const json::value* x, const json::value* y) {
                                return json::get_string(*x, "id") == json::get_string(*y, "id");
                              }),
                  notes.end());
      json::document out(rapidjson::kObjectType);
      auto& a = out.GetAllocator();
      out.AddMember("total", static_cast<uint64_t>(notes.size()), a);
      add_records(out, "notes", *schema, *note, notes, cap, a);
      put({uri, json::stringify(out), ""});
    });
  };
}

step list_step(std::shared_ptr<const tool_env> env, ctx_ptr ctx, target t, std::string uri,
               std::size_t cap, std::string filter) {
  return [env, ctx, t, uri, cap, filter](std::function<void(embed)> put) {
    list(*env, ctx, t.obj->name_plural, filter, static_cast<int>(cap), 1,
         [put, uri, t](expected<json::document, fault> body) {
      if (!body)
        return put({uri, "", body.error().message});
      json::document out(rapidjson::kObjectType);
      auto& a = out.GetAllocator();
      json::value rows(rows_of(*body), a);
      for (auto& r : rows.GetArray()) {
        compact_record(*t.schema, *t.obj, r, a);
        cut_long_strings(r, a);
      }
      auto total = total_of(*body);
      out.AddMember("total", total, a);
      if (total > static_cast<int64_t>(rows.Size()))
        out.AddMember("leftOut", total - static_cast<int64_t>(rows.Size()), a);
      out.AddMember("records", rows, a);
      put({uri, json::stringify(out), ""});
    });
  };
}

} // namespace tmcp::twenty::tools::live

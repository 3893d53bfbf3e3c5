#include "integration/analytics_graph.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "integration/graphql_query.hpp"
#include "integration/url.hpp"

namespace tmcp::twenty {

namespace {

bool is_date(const field& f) {
  return f.type == field_type::date || f.type == field_type::date_time;
}

bool is_to_one(const field& f) {
  return f.is_active && (f.type == field_type::relation || f.type == field_type::morph_relation)
         && f.is_many_to_one() && !f.join_column.empty();
}

std::string label_key(const object& o) {
  for (auto name : {o.label_identifier_field, std::string("name"), std::string("title")})
    if (!name.empty() && o.find_field(name))
      return name;
  return "";
}

std::string currency_key(const object& o) {
  for (auto& f : o.fields)
    if (f.is_active && !f.is_system && f.type == field_type::currency)
      return f.name;
  return "";
}

const field* select_named(const object& o, const char* name) {
  auto f = o.find_field(name);
  return f && f->type == field_type::select ? f : nullptr;
}

// Which keys of an object's records say what, for activity items.
analytics::activity_keys keys_for(const object& o) {
  analytics::activity_keys k;
  k.label = label_key(o);
  if (auto due = o.find_field("dueAt"); due && is_date(*due))
    k.due = due->name;
  auto status = select_named(o, "status");
  if (!status)
    status = select_named(o, "stage");
  if (status) {
    k.status = status->name;
    for (auto& opt : status->options)
      if (opt.value == "DONE")
        k.done_status = opt.value; // Twenty's tasks: TODO, IN_PROGRESS, DONE
  }
  k.amount = currency_key(o);
  return k;
}

// Records with a date of their own (a close date, a signing date) are events in a timeline.
bool has_own_date(const object& o) {
  for (auto& f : o.fields)
    if (f.is_active && !f.is_system && is_date(f) && f.name != "createdAt"
        && f.name != "updatedAt" && f.name != "deletedAt")
      return true;
  return false;
}

// The junction that `owner` owns (taskTargets for task), not one it is merely a target of:
// Twenty names a junction after its owner (taskTarget), and on 2.x its targets are morph
// relations while the owner's is a plain one.
std::optional<junction> owned_junction(const workspace_schema& s, const object& owner) {
  auto j = find_junction(s, owner);
  if (!j)
    return std::nullopt;
  if (j->link->name_singular == owner.name_singular + "Target")
    return j;
  bool morph_targets = std::all_of(j->targets.begin(), j->targets.end(), [](const field* t) {
    return t->type == field_type::morph_relation;
  });
  if (morph_targets && j->owner->type != field_type::morph_relation)
    return j;
  return std::nullopt;
}

// Objects that are junctions (their records are links, never nodes).
std::set<std::string> junction_links(const workspace_schema& s) {
  std::set<std::string> out;
  for (auto& o : s.objects)
    if (o.is_active)
      if (auto j = owned_junction(s, o))
        out.insert(j->link->name_singular);
  return out;
}

// What a walk through `walk` may cross: their to-one columns among themselves, and the
// junctions owned by one of them with targets among them.
analytics::graph_schema describe_walk(const workspace_schema& s,
                                      const std::vector<const object*>& walk,
                                      const readable_fn& readable) {
  std::set<std::string> names;
  for (auto o : walk)
    names.insert(o->name_singular);
  auto links = junction_links(s);
  analytics::graph_schema g;
  for (auto o : walk) {
    if (auto j = owned_junction(s, *o)) {
      analytics::graph_junction gj{j->link->name_plural, j->owner->join_column, o->name_plural, {}};
      for (auto t : j->targets) {
        auto target = s.find_object(t->relation_target_object);
        if (target && names.count(target->name_singular) && !t->join_column.empty())
          gj.targets.emplace_back(t->join_column, target->name_plural);
      }
      if (!gj.targets.empty() && !gj.owner_column.empty() && (!readable || readable(*j->link)))
        g.junctions.push_back(std::move(gj));
    }
    if (links.count(o->name_singular))
      continue;
    for (auto& f : o->fields) {
      if (!is_to_one(f))
        continue;
      auto target = s.find_object(f.relation_target_object);
      if (target && names.count(target->name_singular))
        g.links.push_back({o->name_plural, f.name, f.join_column, target->name_plural});
    }
    if (auto label = label_key(*o); !label.empty())
      g.labels[o->name_plural] = label;
    if (auto amount = currency_key(*o); !amount.empty())
      g.amounts[o->name_plural] = amount;
  }
  return g;
}

std::optional<std::string> int_arg(const json::value& args, const char* key, int64_t lo,
                                   int64_t hi, int64_t& out) {
  auto v = json::find(args, key);
  if (!v)
    return std::nullopt;
  if (!v->IsInt64() || v->GetInt64() < lo || v->GetInt64() > hi)
    return std::string(key) + " must be an integer between " + std::to_string(lo) + " and "
           + std::to_string(hi);
  out = v->GetInt64();
  return std::nullopt;
}

// Objects a relationship walk crosses: those named in `objects`, else every active object that
// is not a system object, a junction, or Twenty's workspace members (they own or are assigned
// nearly every record, so the walk would spread to the whole workspace through them).
expected<std::vector<const object*>, std::string> walk_objects(const json::value& args,
                                                               const workspace_schema& s,
                                                               const object& root,
                                                               const readable_fn& readable) {
  std::vector<const object*> out{&root};
  auto named = json::find(args, "objects");
  if (named) {
    if (!named->IsArray() || named->Empty())
      return make_unexpected(std::string("objects must be a non-empty array of object names"));
    for (auto& v : named->GetArray()) {
      std::string name = v.IsString() ? v.GetString() : "";
      auto o = s.find_object(name);
      if (!o)
        return make_unexpected("objects: " + suggest_object(s, name));
      if (readable && !readable(*o))
        return make_unexpected("objects: this server's MCP_PERMISSIONS do not let you read "
                               + o->name_plural);
      if (o != &root)
        out.push_back(o);
    }
    return out;
  }
  auto links = junction_links(s);
  for (auto& o : s.objects)
    if (&o != &root && o.is_active && !o.is_system && !links.count(o.name_singular)
        && o.name_plural != "workspaceMembers" && (!readable || readable(o)))
      out.push_back(&o);
  return out;
}

// activity: the objects whose records are activities or events of `root`: the owners of
// junctions that can target it (tasks, notes), and objects with a date of their own that point
// at it (a company's opportunities).
std::vector<const object*> timeline_objects(const workspace_schema& s, const object& root,
                                            const readable_fn& readable) {
  std::vector<const object*> out;
  auto links = junction_links(s);
  for (auto& o : s.objects) {
    if (!o.is_active || &o == &root || links.count(o.name_singular) || (readable && !readable(o)))
      continue;
    bool source = false;
    auto j = owned_junction(s, o);
    if (j && (!readable || readable(*j->link)))
      for (auto t : j->targets)
        source = source || t->relation_target_object == root.name_singular;
    if (!source && !o.is_system && has_own_date(o))
      for (auto& f : o.fields)
        source = source || (is_to_one(f) && f.relation_target_object == root.name_singular);
    if (source)
      out.push_back(&o);
  }
  return out;
}

class walk_run : public std::enable_shared_from_this<walk_run> {
public:
  walk_run(io_ptr io, analytics_spec spec)
    : io_(std::move(io)),
      spec_(std::move(spec)),
      walk_(spec_.graph, spec_.plural, spec_.record_id, spec_.walk) {}

  void start() {
    if (spec_.analysis == "activity")
      walk_.on_node([this](const analytics::graph_node& n, const json::value& rec) {
        auto keys = spec_.timeline.find(n.object);
        if (n.depth == 1 && keys != spec_.timeline.end())
          items_.push_back(analytics::activity_from_record(n.object, rec, keys->second));
      });
    step();
  }

private:
  void step() {
    if (queue_.empty()) {
      auto next = walk_.next_queries();
      if (next.empty())
        return done();
      queue_.assign(next.begin(), next.end());
    }
    auto q = std::move(queue_.front());
    queue_.pop_front();
    auto self = shared_from_this();
    read_pages(
      io_, q.object, q.filter(),
      [self, q](const json::value& records) {
        self->walk_.add_records(q, records);
        return !self->walk_.full();
      },
      [self](std::optional<error> e) {
        if (e)
          return self->io_->finish(make_unexpected(*e));
        if (self->io_->budget_spent)
          self->walk_.stop("max_pages (" + std::to_string(self->io_->max_pages)
                           + ") reached: the walk covers the pages read");
        self->step();
      });
  }

  void done() {
    if (!walk_.found_root())
      return io_->finish(make_unexpected(error{errc::record_not_found, 404,
                                               "no " + spec_.plural + " record with id "
                                                 + spec_.record_id,
                                               ""}));
    json::document out;
    out.SetObject();
    auto& a = out.GetAllocator();
    out.AddMember("analysis", json::str(spec_.analysis, a), a);
    out.AddMember("object", json::str(spec_.plural, a), a);
    out.AddMember("recordId", json::str(spec_.record_id, a), a);
    io_->describe(out, a);
    if (spec_.analysis == "relationships") {
      json::value graph;
      walk_.write(graph, a, spec_.limit);
      out.AddMember("graph", graph, a);
    } else {
      auto& root = walk_.nodes()[0];
      json::value entity(rapidjson::kObjectType);
      entity.AddMember("object", json::str(root.object, a), a);
      entity.AddMember("id", json::str(root.id, a), a);
      entity.AddMember("label", json::str(root.label, a), a);
      out.AddMember("entity", entity, a);
      out.AddMember("now", json::str(analytics::iso_instant(spec_.scoring.now), a), a);
      out.AddMember("truncated", json::value(walk_.truncated()), a);
      if (walk_.truncated())
        out.AddMember("truncatedReason", json::str(walk_.truncated_reason(), a), a);
      json::value activity;
      analytics::write_activity(items_, {spec_.scoring.now, spec_.limit}, activity, a);
      out.AddMember("activity", activity, a);
    }
    io_->finish(json::stringify(out));
  }

  io_ptr io_;
  analytics_spec spec_;
  analytics::graph_walk walk_;
  std::deque<analytics::graph_query> queue_;
  std::vector<analytics::activity_item> items_;
};

} // namespace

std::optional<std::string> parse_entity_analysis(const json::value& args,
                                                 const workspace_schema& schema,
                                                 const object& obj, const readable_fn& readable,
                                                 analytics_spec& spec) {
  spec.record_id = json::get_string(args, "record_id").value_or("");
  if (spec.record_id.empty())
    return "'" + spec.analysis + "' needs record_id: the id of the " + obj.name_singular
           + " to analyse";
  if (!is_uuid(spec.record_id))
    return "record_id must be a record UUID; got '" + spec.record_id + "'";
  int64_t depth = spec.analysis == "activity" ? 1 : 2;
  int64_t max_nodes = spec.analysis == "activity" ? 5000 : 200;
  if (spec.analysis == "relationships")
    if (auto problem = int_arg(args, "depth", 1, 4, depth))
      return problem;
  if (auto problem = int_arg(args, "max_nodes", 1, 20000, max_nodes))
    return problem;
  spec.walk.depth = static_cast<int>(depth);
  spec.walk.max_nodes = static_cast<std::size_t>(max_nodes);
  if (spec.analysis == "relationships") {
    auto walk = walk_objects(args, schema, obj, readable);
    if (!walk)
      return walk.error();
    spec.graph = describe_walk(schema, *walk, readable);
    return std::nullopt;
  }
  if (json::find(args, "objects"))
    return std::string("objects is for relationships; activity reads what links to the record");
  auto sources = timeline_objects(schema, obj, readable);
  if (sources.empty())
    return "'activity' needs an object that tasks, notes or dated records (opportunities) link "
           "to, such as companies, people or opportunities; " + obj.name_plural + " has none";
  for (auto o : sources)
    spec.timeline[o->name_plural] = keys_for(*o);
  sources.insert(sources.begin(), &obj);
  spec.graph = describe_walk(schema, sources, readable);
  spec.walk.follow_to_one = false; // what the record points at is not its activity
  return std::nullopt;
}

const object* pipeline_pointing_at(const workspace_schema& schema, const object& obj,
                                   const field** column) {
  for (auto& p : schema.objects) {
    auto stage = select_named(p, "stage");
    auto amount = p.find_field("amount");
    if (!p.is_active || !stage || !amount || amount->type != field_type::currency)
      continue;
    for (auto& f : p.fields)
      if (is_to_one(f) && f.relation_target_object == obj.name_singular) {
        *column = &f;
        return &p;
      }
  }
  return nullptr;
}

std::optional<std::string> parse_company_scores(const json::value& args,
                                                const workspace_schema& schema, const object& obj,
                                                const object& pipeline, const field& column,
                                                const readable_fn& readable, analytics_spec& spec) {
  company_sources src;
  src.label_key = label_key(obj);
  src.pipeline = pipeline.name_plural;
  src.pipeline_column = column.join_column;
  auto may = [&](const object& o) { return !readable || readable(o); };
  if (auto people = schema.find_object("person"); people && may(*people))
    for (auto& f : people->fields)
      if (is_to_one(f) && f.relation_target_object == obj.name_singular && src.people.empty()) {
        src.people = people->name_plural;
        src.people_column = f.join_column;
      }
  for (auto& o : schema.objects) {
    auto j = o.is_active && may(o) ? owned_junction(schema, o) : std::nullopt;
    if (!j || !may(*j->link))
      continue;
    if (auto t = j->target_field(obj.name_singular); t && !t->join_column.empty())
      src.activities.push_back(
        {j->link->name_plural, t->join_column, j->owner->join_column, o.name_plural, keys_for(o)});
  }
  if (auto w = json::find(args, "weights")) {
    auto weights = analytics::parse_company_weights(*w);
    if (!weights)
      return weights.error();
    src.weights = *weights;
  }
  spec.companies = std::move(src);
  return std::nullopt;
}

void run_entity_job(io_ptr io, analytics_spec spec) {
  std::make_shared<walk_run>(std::move(io), std::move(spec))->start();
}

} // namespace tmcp::twenty

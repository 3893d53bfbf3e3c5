// /graphql: the per-workspace record API (collections, single record, CRUD mutations).
#include "graphql_exec.hpp"
#include "group_by.hpp"

#include <algorithm>

namespace standin {

namespace {

enum class op_kind { find_many, find_one, group_by, create_one, create_many, update_one, update_many,
                     delete_one, delete_many, destroy_one, destroy_many, restore_one, restore_many };

struct resolver {
  op_kind kind;
  const object_def* object;
};

std::optional<resolver> resolve_root(const schema& s, const std::string& name, bool mutation,
                                     bool group_by) {
  for (auto& o : s.objects()) {
    const auto S = capitalize(o->name_singular), P = capitalize(o->name_plural);
    if (!mutation) {
      if (name == o->name_plural) return resolver{op_kind::find_many, o.get()};
      if (name == o->name_singular) return resolver{op_kind::find_one, o.get()};
      if (group_by && name == o->name_plural + "GroupBy") return resolver{op_kind::group_by, o.get()};
      continue;
    }
    const std::pair<std::string, op_kind> table[] = {
      {"create" + S, op_kind::create_one}, {"create" + P, op_kind::create_many},
      {"update" + S, op_kind::update_one}, {"update" + P, op_kind::update_many},
      {"delete" + S, op_kind::delete_one}, {"delete" + P, op_kind::delete_many},
      {"destroy" + S, op_kind::destroy_one}, {"destroy" + P, op_kind::destroy_many},
      {"restore" + S, op_kind::restore_one}, {"restore" + P, op_kind::restore_many}};
    for (auto& [n, k] : table)
      if (name == n) return resolver{k, o.get()};
  }
  return std::nullopt;
}

bool returns_many(op_kind k) {
  return k == op_kind::create_many || k == op_kind::update_many || k == op_kind::delete_many
         || k == op_kind::destroy_many || k == op_kind::restore_many;
}

class core_exec {
public:
  core_exec(request_context& ctx, const gql_operation& op, const json_value& vars)
    : ctx_(ctx), op_(op), vars_(vars), a_(out_.GetAllocator()) {}

  std::string run(const token_fn& take_token) {
    const bool mutation = op_.type == "mutation";
    if (op_.type == "subscription")
      return gql_error_body({{"Subscriptions are not supported by the stand-in", "BAD_REQUEST", ""}}, nullptr);
    // Validate every selection first: a bad field must not half-run a mutation.
    std::vector<gql_error> invalid;
    for (auto& f : op_.selection) {
      if (f.name == "__typename") continue;
      auto r = resolve_root(ctx_.db.meta(), f.name, mutation, ctx_.graphql_group_by);
      if (!r) {
        invalid.push_back({"Cannot query field \"" + f.name + "\" on type \"" + (mutation ? "Mutation" : "Query")
                           + "\".", "GRAPHQL_VALIDATION_FAILED", ""});
        continue;
      }
      const bool connection = r->kind == op_kind::find_many;
      auto msg = r->kind == op_kind::group_by ? validate_group_by_selection(*r->object, f.selection)
                                               : validate(*r->object, f.selection, connection);
      if (msg)
        invalid.push_back({*msg, "GRAPHQL_VALIDATION_FAILED", ""});
    }
    if (!invalid.empty()) return gql_error_body(invalid, nullptr);
    out_.SetObject();
    for (auto& f : op_.selection) {
      if (f.name == "__typename") {
        out_.AddMember(str_value(f.key(), a_), str_value(mutation ? "Mutation" : "Query", a_), a_);
        continue;
      }
      auto r = *resolve_root(ctx_.db.meta(), f.name, mutation, ctx_.graphql_group_by);
      std::optional<api_error> err;
      if (take_token) err = take_token();
      json_value v;
      if (!err) err = execute(r, f, v);
      if (err) {
        errors_.push_back({err->message, gql_code_for(*err), f.key(), err->code});
        v.SetNull();
      }
      out_.AddMember(str_value(f.key(), a_), v, a_);
    }
    rapidjson::StringBuffer sb;
    json_writer w(sb);
    if (!errors_.empty()) return gql_error_body(errors_, &out_);
    w.StartObject();
    w.Key("data");
    out_.Accept(w);
    w.EndObject();
    return sb.GetString();
  }

private:
  std::optional<std::string> validate(const object_def& o, const std::vector<gql_field>& sel, bool connection) {
    const std::string type = o.pascal_singular() + (connection ? "Connection" : "");
    for (auto& f : sel) {
      if (f.name == "__typename") continue;
      if (connection) {
        if (f.name == "totalCount" || graphql_aggregate(o, f.name)) continue;
        if (f.name == "pageInfo") {
          for (auto& p : f.selection)
            if (p.name != "hasNextPage" && p.name != "hasPreviousPage" && p.name != "startCursor"
                && p.name != "endCursor" && p.name != "__typename")
              return "Cannot query field \"" + p.name + "\" on type \"PageInfo\".";
          continue;
        }
        if (f.name == "edges") {
          for (auto& e : f.selection) {
            if (e.name == "cursor" || e.name == "__typename") continue;
            if (e.name != "node") return "Cannot query field \"" + e.name + "\" on type \"" + o.pascal_singular() + "Edge\".";
            if (auto m = validate(o, e.selection, false)) return m;
          }
          continue;
        }
        return "Cannot query field \"" + f.name + "\" on type \"" + type + "\".";
      }
      const field_def* fd = o.field(f.name);
      if (!fd) {
        if (o.field_by_join_column(f.name)) continue;
        return "Cannot query field \"" + f.name + "\" on type \"" + type + "\".";
      }
      if (fd->relation) {
        auto target = ctx_.db.meta().by_singular(fd->relation->target_object);
        if (!target) continue;
        if (auto m = validate(*target, f.selection, fd->is_one_to_many())) return m;
      } else if (is_composite(fd->type)) {
        auto& subs = composite_subfields(fd->type);
        for (auto& s : f.selection)
          if (s.name != "__typename" && std::find(subs.begin(), subs.end(), s.name) == subs.end())
            return "Cannot query field \"" + s.name + "\" on type \"" + composite_type_name(fd->type) + "\".";
      }
    }
    return std::nullopt;
  }

  json_value project_record(const object_def& o, const row& r, const std::vector<gql_field>& sel) {
    json_value v(rapidjson::kObjectType);
    for (auto& f : sel) {
      json_value item;
      if (f.name == "__typename") {
        item = str_value(o.pascal_singular(), a_);
      } else if (const field_def* fd = o.field(f.name); fd && fd->relation) {
        auto target = ctx_.db.meta().by_singular(fd->relation->target_object);
        if (fd->is_many_to_one()) {
          auto fk = r.data.FindMember(fd->join_column().c_str());
          row* rel = fk != r.data.MemberEnd() && fk->value.IsString() ? ctx_.db.find(*target, fk->value.GetString()) : nullptr;
          if (rel && !rel->soft_deleted()) item = project_record(*target, *rel, f.selection);
        } else {
          item = nested_connection(o, *fd, *target, r, f);
        }
      } else {
        auto it = r.data.FindMember(f.name.c_str());
        if (it != r.data.MemberEnd()) {
          if (fd && is_composite(fd->type) && !f.selection.empty() && it->value.IsObject()) {
            item.SetObject();
            for (auto& s : f.selection) {
              if (s.name == "__typename") {
                item.AddMember(str_value(s.key(), a_), str_value(composite_type_name(fd->type), a_), a_);
                continue;
              }
              auto sub = it->value.FindMember(s.name.c_str());
              json_value sv;
              if (sub != it->value.MemberEnd()) sv.CopyFrom(sub->value, a_);
              item.AddMember(str_value(s.key(), a_), sv, a_);
            }
          } else {
            item.CopyFrom(it->value, a_);
          }
        }
      }
      v.AddMember(str_value(f.key(), a_), item, a_);
    }
    return v;
  }

  json_value nested_connection(const object_def& parent, const field_def& fd, const object_def& target,
                               const row& r, const gql_field& f) {
    (void)parent;
    const field_def* inverse = target.field(fd.relation->inverse_field);
    find_args args;
    auto parsed = parse_find_args(target, f);
    if (parsed) args = std::move(parsed.value);
    filter_node by_parent;
    by_parent.kind = filter_node::leaf;
    by_parent.path = {inverse ? inverse->join_column() : fd.relation->inverse_field + "Id"};
    by_parent.op = "eq";
    by_parent.values.push_back({filter_scalar::string, r.id});
    bind_filter(by_parent, target);
    filter_node both;
    both.kind = filter_node::and_k;
    both.children.push_back(std::move(by_parent));
    both.children.push_back(std::move(args.filter));
    args.filter = std::move(both);
    auto found = find_many(ctx_.db, target, args);
    if (!found) return json_value();
    return project_connection(target, found.value, args.order, f.selection, args.filter);
  }

  json_value project_connection(const object_def& o, const find_result& res, const order_spec& order,
                                const std::vector<gql_field>& sel, const filter_node& filter) {
    json_value v(rapidjson::kObjectType);
    std::optional<std::vector<row*>> everything;  // aggregates cover every match, not the page
    for (auto& f : sel) {
      json_value item;
      if (f.name == "__typename") item = str_value(o.pascal_singular() + "Connection", a_);
      else if (f.name == "totalCount") item.SetUint64(res.total_count);
      else if (auto agg = graphql_aggregate(o, f.name)) {
        if (!everything) everything = match_all(ctx_.db, o, filter);
        rapidjson::StringBuffer sb;
        json_writer w(sb);
        write_aggregate_value(w, *agg, *everything);
        rapidjson::Document d;
        d.Parse(sb.GetString(), sb.GetSize());
        item.CopyFrom(d, a_);
      }
      else if (f.name == "pageInfo") {
        item.SetObject();
        for (auto& p : f.selection) {
          json_value pv;
          if (p.name == "hasNextPage") pv.SetBool(res.has_next_page);
          else if (p.name == "hasPreviousPage") pv.SetBool(res.has_previous_page);
          else if (p.name == "startCursor" && !res.start_cursor.empty()) pv = str_value(res.start_cursor, a_);
          else if (p.name == "endCursor" && !res.end_cursor.empty()) pv = str_value(res.end_cursor, a_);
          else if (p.name == "__typename") pv = str_value("PageInfo", a_);
          item.AddMember(str_value(p.key(), a_), pv, a_);
        }
      } else if (f.name == "edges") {
        item.SetArray();
        for (auto r : res.rows) {
          json_value edge(rapidjson::kObjectType);
          for (auto& e : f.selection) {
            json_value ev;
            if (e.name == "node") ev = project_record(o, *r, e.selection);
            else if (e.name == "cursor") ev = str_value(encode_cursor(order, r->data), a_);
            else if (e.name == "__typename") ev = str_value(o.pascal_singular() + "Edge", a_);
            edge.AddMember(str_value(e.key(), a_), ev, a_);
          }
          item.PushBack(edge, a_);
        }
      }
      v.AddMember(str_value(f.key(), a_), item, a_);
    }
    return v;
  }

  result<find_args> parse_find_args(const object_def& o, const gql_field& f) {
    json_value args = gql_args(f, vars_, op_.variable_defaults, a_);
    find_args fa;
    if (args.HasMember("filter")) {
      auto flat = resolve_relation_filters(ctx_.db, o, args["filter"], a_);
      if (!flat) return *flat.error;
      auto parsed = filter_from_graphql(flat.value);
      if (!parsed) return *parsed.error;
      fa.filter = std::move(parsed.value);
    }
    if (auto err = bind_filter(fa.filter, o)) return *err;
    static const json_value null_value;
    auto order = order_from_graphql(args.HasMember("orderBy") ? args["orderBy"] : null_value);
    if (!order) return *order.error;
    fa.order = std::move(order.value);
    if (auto err = bind_order(fa.order, o)) return *err;
    auto int_arg = [&](const char* k) -> std::int64_t {
      return args.HasMember(k) && args[k].IsInt64() ? args[k].GetInt64() : -1;
    };
    auto first = int_arg("first"), last = int_arg("last"), offset = int_arg("offset");
    if (first >= 0 && last >= 0) return bad_request("Cannot provide both first and last");
    std::int64_t limit = first >= 0 ? first : (last >= 0 ? last : 60);
    fa.limit = static_cast<std::size_t>(std::min<std::int64_t>(limit, 200));
    fa.offset = offset > 0 ? static_cast<std::size_t>(offset) : 0;
    fa.backward = last >= 0;
    if (args.HasMember("after") && args["after"].IsString()) fa.after = args["after"].GetString();
    if (args.HasMember("before") && args["before"].IsString()) fa.before = args["before"].GetString();
    return fa;
  }

  // Rows selected by a `filter:` argument (bulk mutations).
  result<std::vector<row*>> filtered(const object_def& o, const json_value& args, bool include_deleted) {
    if (!args.HasMember("filter"))
      return bad_request("Field argument \"filter\" of type \"" + o.pascal_singular() + "FilterInput!\" is required");
    auto flat = resolve_relation_filters(ctx_.db, o, args["filter"], a_);
    if (!flat) return *flat.error;
    auto parsed = filter_from_graphql(flat.value);
    if (!parsed) return *parsed.error;
    if (auto err = bind_filter(parsed.value, o)) return *err;
    std::vector<row*> out;
    for (auto& [id, r] : ctx_.db.table_for(o).by_id)
      if ((include_deleted || filter_mentions(parsed.value, "deletedAt") || !r->soft_deleted())
          && filter_matches(parsed.value, r->data))
        out.push_back(r);
    return out;
  }

  result<row*> by_id(const object_def& o, const json_value& args, bool allow_deleted) {
    if (!args.HasMember("id") || !args["id"].IsString() || !is_uuid(args["id"].GetString()))
      return bad_request("Argument \"id\" must be a valid UUID");
    row* r = ctx_.db.find(o, args["id"].GetString());
    if (!r || (!allow_deleted && r->soft_deleted())) return not_found("Record not found");
    return r;
  }

  std::optional<api_error> execute(const resolver& rv, const gql_field& f, json_value& v) {
    const object_def& o = *rv.object;
    if (rv.kind == op_kind::find_many) {
      auto fa = parse_find_args(o, f);
      if (!fa) return fa.error;
      auto found = find_many(ctx_.db, o, fa.value);
      if (!found) return found.error;
      v = project_connection(o, found.value, fa.value.order, f.selection, fa.value.filter);
      return std::nullopt;
    }
    if (rv.kind == op_kind::group_by)
      return execute_group_by(ctx_.db, o, gql_args(f, vars_, op_.variable_defaults, a_), f.selection, v, a_);
    json_value args = gql_args(f, vars_, op_.variable_defaults, a_);
    std::vector<row*> rows;
    static const json_value empty_object(rapidjson::kObjectType);
    const json_value& data = args.HasMember("data") ? args["data"] : empty_object;
    const bool upsert = args.HasMember("upsert") && args["upsert"].IsBool() && args["upsert"].GetBool();
    switch (rv.kind) {
      case op_kind::find_one: {
        auto fa = parse_find_args(o, f);
        if (!fa) return fa.error;
        auto all = match_all(ctx_.db, o, fa.value.filter);
        if (all.empty()) return not_found("Record not found");
        rows.push_back(*std::min_element(all.begin(), all.end(), [](row* a, row* b) { return a->id < b->id; }));
        break;
      }
      case op_kind::create_one: {
        auto r = create_record(ctx_, o, data, upsert);
        if (!r) return r.error;
        rows.push_back(r.value);
        break;
      }
      case op_kind::create_many: {
        if (!data.IsArray()) return bad_request("Argument \"data\" must be a list");
        if (data.Size() > 200) return bad_request("Maximum number of records to upsert is 200.");
        for (auto& item : data.GetArray()) {
          auto r = create_record(ctx_, o, item, upsert);
          if (!r) return r.error;
          rows.push_back(r.value);
        }
        break;
      }
      case op_kind::update_one: case op_kind::delete_one: case op_kind::destroy_one:
      case op_kind::restore_one: {
        const bool any = rv.kind == op_kind::destroy_one || rv.kind == op_kind::restore_one;
        auto r = by_id(o, args, any);
        if (!r) return r.error;
        rows.push_back(r.value);
        break;
      }
      default: {
        const bool any = rv.kind == op_kind::destroy_many || rv.kind == op_kind::restore_many;
        auto rs = filtered(o, args, any);
        if (!rs) return rs.error;
        rows = std::move(rs.value);
      }
    }
    // Destroyed rows are projected from a snapshot taken before the delete.
    std::vector<row> snapshots;
    snapshots.reserve(rows.size());
    for (auto r : rows) {
      switch (rv.kind) {
        case op_kind::update_one: case op_kind::update_many:
          if (auto err = update_record(ctx_, o, *r, data)) return err;
          break;
        case op_kind::delete_one: case op_kind::delete_many: soft_delete_record(ctx_, o, *r); break;
        case op_kind::restore_one: case op_kind::restore_many:
          if (r->soft_deleted()) restore_record(ctx_, o, *r);
          break;
        case op_kind::destroy_one: case op_kind::destroy_many:
          snapshots.push_back(row{r->id, json_value(r->data, a_), false});
          destroy_record(ctx_, o, *r);
          break;
        default: break;
      }
    }
    auto project = [&](std::size_t i) {
      return snapshots.empty() ? project_record(o, *rows[i], f.selection)
                               : project_record(o, snapshots[i], f.selection);
    };
    if (returns_many(rv.kind)) {
      v.SetArray();
      for (std::size_t i = 0; i < rows.size(); ++i) v.PushBack(project(i), a_);
    } else {
      v = project(0);
    }
    return std::nullopt;
  }

  request_context& ctx_;
  const gql_operation& op_;
  const json_value& vars_;
  rapidjson::Document out_;
  json_alloc& a_;
  std::vector<gql_error> errors_;
};

}  // namespace

std::string composite_type_name(field_type t) {
  switch (t) {
    case field_type::full_name: return "FullName";
    case field_type::emails: return "Emails";
    case field_type::phones: return "Phones";
    case field_type::links: return "Links";
    case field_type::address: return "Address";
    case field_type::currency: return "Currency";
    case field_type::actor: return "Actor";
    case field_type::rich_text: return "RichText";
    default: return std::string(type_name(t));
  }
}

std::string execute_core_graphql(request_context& ctx, const gql_operation& op,
                                 const json_value& variables, const token_fn& take_token) {
  core_exec exec(ctx, op, variables);
  return exec.run(take_token);
}

}  // namespace standin

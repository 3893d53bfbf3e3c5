// /graphql `<plural>GroupBy(groupBy:, filter:, limit:)`: one GroupByConnection per group with
// its groupByDimensionValues and aggregate fields, as a real Twenty 2.5 answers
// (twenty-recordings/twenty-2.5/graphql-groupby-*.json; common-group-by-query-runner and
// parse-group-by-args in Twenty's source).
#include "graphql_exec.hpp"
#include "group_by.hpp"

#include <algorithm>
#include <map>

namespace standin {

namespace {

struct dimension {
  std::vector<std::string> path;
  const field_def* field = nullptr;
  std::string granularity;  // DAY..YEAR; empty for the raw value
  time_zone zone;
};

// DEFAULT_NUMBER_OF_GROUPS_LIMIT in twenty-shared.
constexpr std::size_t default_group_limit = 50;

api_error group_by_error(std::string message, std::string sub_code = {}) {
  return api_error{400, "BadRequestException", std::move(message), std::move(sub_code)};
}

result<dimension> parse_dimension(const object_def& o, const json_value& item) {
  if (!item.IsObject() || item.MemberCount() != 1)
    return group_by_error("You cannot provide multiple fields in one GroupByInput, split them into multiple GroupByInput");
  auto& m = *item.MemberBegin();
  std::string name = m.name.GetString();
  dimension d;
  d.field = o.field(name);
  if (!d.field) d.field = o.field_by_join_column(name);
  if (!d.field || d.field->is_one_to_many() || !d.field->is_active)
    return group_by_error("Unidentified field in groupBy: " + name);
  d.path = {d.field->relation ? d.field->join_column() : d.field->name};
  const auto& spec = m.value;
  if (spec.IsBool() && spec.GetBool()) return d;
  if (!spec.IsObject()) return group_by_error("Unidentified field in groupBy: " + name);
  const bool is_date = d.field->type == field_type::date_time || d.field->type == field_type::date;
  if (is_date && spec.HasMember("granularity")) {
    std::string g = spec["granularity"].IsString() ? spec["granularity"].GetString() : "";
    if (g == "NONE") return d;
    if (g != "DAY" && g != "WEEK" && g != "MONTH" && g != "QUARTER" && g != "YEAR")
      return group_by_error("Date granularity " + g + " is not supported by the stand-in");
    std::string tz = spec.HasMember("timeZone") && spec["timeZone"].IsString() ? spec["timeZone"].GetString() : "";
    if (tz.empty())
      return group_by_error("Time zone should be specified for a group by date on Day, Week, Month, Quarter or Year",
                            "MISSING_TIMEZONE_FOR_DATE_GROUP_BY");
    auto zone = parse_time_zone(tz);
    if (!zone)
      return group_by_error("time zone \"" + tz + "\" not recognized");
    d.granularity = g;
    d.zone = *zone;
    return d;
  }
  if (d.field->relation)
    return group_by_error("Grouping by a related record's field is not supported by the stand-in");
  if (!is_composite(d.field->type) || spec.MemberCount() != 1 || !spec.MemberBegin()->value.IsBool())
    return group_by_error("You cannot provide multiple subfields in one GroupByInput, split them into multiple GroupByInput");
  std::string sub = spec.MemberBegin()->name.GetString();
  auto& subs = composite_subfields(d.field->type);
  if (std::find(subs.begin(), subs.end(), sub) == subs.end())
    return group_by_error("Unidentified field in groupBy: " + name + "." + sub);
  d.path.push_back(sub);
  return d;
}

// Groups come in the order of their values, enums by option position, nulls last: the order
// Postgres' sorted GroupAggregate gives (the recorded stages arrive in pipeline order).
int compare_values(const dimension& d, const json_value* a, const json_value* b) {
  bool an = !a || a->IsNull(), bn = !b || b->IsNull();
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  if (d.field->type == field_type::select && a->IsString() && b->IsString() && d.granularity.empty()) {
    auto rank = [&](const json_value* v) {
      for (auto& opt : d.field->options)
        if (opt.value == v->GetString()) return opt.position;
      return 1 << 20;
    };
    int ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb ? -1 : 1;
  }
  if (a->IsNumber() && b->IsNumber()) return a->GetDouble() < b->GetDouble() ? -1 : a->GetDouble() > b->GetDouble();
  if (a->IsBool() && b->IsBool()) return int(a->GetBool()) - int(b->GetBool());
  if (a->IsString() && b->IsString()) return std::string_view(a->GetString()).compare(b->GetString());
  return 0;
}

}  // namespace

std::optional<std::string> validate_group_by_selection(const object_def& o, const std::vector<gql_field>& sel) {
  for (auto& f : sel) {
    if (f.name == "__typename" || f.name == "groupByDimensionValues" || graphql_aggregate(o, f.name)) continue;
    if (f.name == "edges" || f.name == "pageInfo")
      return "Records inside groups (" + f.name + ") are not supported by the stand-in";
    return "Cannot query field \"" + f.name + "\" on type \"" + o.pascal_singular() + "GroupByConnection\".";
  }
  return std::nullopt;
}

std::optional<api_error> execute_group_by(store& db, const object_def& o, const json_value& args,
                                          const std::vector<gql_field>& sel, json_value& out, json_alloc& a) {
  if (!args.HasMember("groupBy") || !args["groupBy"].IsArray())
    return bad_request("Field \"" + o.name_plural + "GroupBy\" argument \"groupBy\" of type \"["
                       + o.pascal_singular() + "GroupByInput!]!\" is required, but it was not provided.");
  for (auto unsupported : {"orderBy", "viewId", "orderByForRecords", "offsetForRecords"})
    if (args.HasMember(unsupported) && !(args[unsupported].IsArray() && args[unsupported].Empty()) && !args[unsupported].IsNull())
      return bad_request(std::string("The groupBy argument ") + unsupported + " is not supported by the stand-in");
  std::vector<dimension> dims;
  for (auto& item : args["groupBy"].GetArray()) {
    auto d = parse_dimension(o, item);
    if (!d) return d.error;
    dims.push_back(std::move(d.value));
  }
  filter_node filter;
  if (args.HasMember("filter") && !args["filter"].IsNull()) {
    auto parsed = filter_from_graphql(args["filter"]);
    if (!parsed) return parsed.error;
    filter = std::move(parsed.value);
  }
  if (auto err = bind_filter(filter, o)) return err;
  std::size_t limit = default_group_limit;
  if (args.HasMember("limit") && args["limit"].IsInt64() && args["limit"].GetInt64() > 0)
    limit = static_cast<std::size_t>(args["limit"].GetInt64());

  // Each group keeps its dimension values (dates already bucketed) and its rows.
  struct group {
    rapidjson::Document values;
    std::vector<row*> rows;
  };
  std::map<std::string, group> groups;
  for (auto r : match_all(db, o, filter)) {
    rapidjson::Document values;
    values.SetArray();
    for (auto& d : dims) {
      auto v = value_at(r->data, d.path);
      json_value item;
      if (v && !d.granularity.empty() && v->IsString())
        item = str_value(truncate_date(v->GetString(), d.granularity, d.zone), values.GetAllocator());
      else if (v)
        item.CopyFrom(*v, values.GetAllocator());
      values.PushBack(item, values.GetAllocator());
    }
    auto& g = groups[to_json(values)];
    if (g.rows.empty()) g.values.Swap(values);
    g.rows.push_back(r);
  }
  std::vector<group*> ordered;
  for (auto& [key, g] : groups) ordered.push_back(&g);
  std::stable_sort(ordered.begin(), ordered.end(), [&](group* x, group* y) {
    for (std::size_t i = 0; i < dims.size(); ++i)
      if (int c = compare_values(dims[i], &x->values[i], &y->values[i])) return c < 0;
    return false;
  });
  if (ordered.size() > limit) ordered.resize(limit);

  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartArray();
  for (auto g : ordered) {
    w.StartObject();
    for (auto& f : sel) {
      w.Key(f.key().c_str());
      if (f.name == "__typename") w.String((o.pascal_singular() + "GroupByConnection").c_str());
      else if (f.name == "groupByDimensionValues") g->values.Accept(w);
      else write_aggregate_value(w, *graphql_aggregate(o, f.name), g->rows);
    }
    w.EndObject();
  }
  w.EndArray();
  rapidjson::Document doc;
  doc.Parse(sb.GetString(), sb.GetSize());
  out.CopyFrom(doc, a);
  return std::nullopt;
}

}  // namespace standin

// REST groupBy: group_by dimensions (with date granularity) and aggregate functions.
#include "group_by.hpp"
#include "rest.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace standin {

namespace {

struct dimension {
  std::vector<std::string> path;
  std::string granularity;  // for dates: DAY, WEEK, MONTH, QUARTER, YEAR; empty otherwise
};

struct aggregate {
  std::string name, op;
  std::vector<std::string> path;  // empty for totalCount
  bool is_date = false;
};

result<std::vector<dimension>> parse_dimensions(const object_def& o, const std::string& text) {
  rapidjson::Document d;
  if (!parse_json(text, d) || !d.IsArray() || d.Empty())
    return bad_request("Invalid group_by query parameter. eg: [{\"stage\":true}]", "INVALID_GROUP_BY_QUERY_PARAM");
  std::vector<dimension> out;
  for (auto& item : d.GetArray()) {
    if (!item.IsObject() || item.MemberCount() != 1)
      return bad_request("Invalid group_by query parameter. eg: [{\"stage\":true}]", "INVALID_GROUP_BY_QUERY_PARAM");
    auto m = item.MemberBegin();
    dimension dim{{m->name.GetString()}, {}};
    const field_def* f = o.field(dim.path[0]);
    if (!f) f = o.field_by_join_column(dim.path[0]);
    if (!f || f->is_one_to_many()) return unknown_field(o, dim.path[0]);
    if (m->value.IsObject()) {
      if (m->value.HasMember("granularity") && m->value["granularity"].IsString()) {
        dim.granularity = m->value["granularity"].GetString();
      } else if (is_composite(f->type) && m->value.MemberCount() == 1) {
        dim.path.push_back(m->value.MemberBegin()->name.GetString());
        auto& subs = composite_subfields(f->type);
        if (std::find(subs.begin(), subs.end(), dim.path[1]) == subs.end())
          return unknown_field(o, dim.path[0] + "." + dim.path[1]);
      }
    }
    out.push_back(std::move(dim));
  }
  return out;
}

result<std::vector<aggregate>> parse_aggregates(const object_def& o, const std::optional<std::string>& text) {
  std::vector<aggregate> out;
  if (!text) {
    out.push_back({"totalCount", "totalCount", {}, false});
    return out;
  }
  rapidjson::Document d;
  if (!parse_json(*text, d) || !d.IsArray())
    return bad_request("Invalid aggregate query parameter. eg: [\"countNotEmptyId\"]",
                       "INVALID_AGGREGATE_FIELDS_QUERY_PARAM");
  static const char* ops[] = {"countUniqueValues", "countNotEmpty", "countEmpty", "percentageNotEmpty",
                              "percentageEmpty", "min", "max", "avg", "sum"};
  for (auto& item : d.GetArray()) {
    std::string name = item.IsString() ? item.GetString() : to_json(item);
    if (name == "totalCount") {
      out.push_back({name, name, {}, false});
      continue;
    }
    bool found = false;
    for (auto op : ops) {
      std::string prefix = op;
      if (name.rfind(prefix, 0) != 0) continue;
      std::string rest = name.substr(prefix.size());
      for (auto& f : o.fields) {
        if (f->is_one_to_many()) continue;
        std::string base = capitalize(f->is_many_to_one() ? f->join_column() : f->name);
        std::string key = f->is_many_to_one() ? f->join_column() : f->name;
        if (rest == base && !is_composite(f->type)) {
          out.push_back({name, prefix, {key}, f->type == field_type::date_time});
          found = true;
        }
        for (auto& sub : composite_subfields(f->type))
          if (rest == base + capitalize(sub)) {
            out.push_back({name, prefix, {key, sub}, false});
            found = true;
          }
        if (found) break;
      }
      if (found) break;
    }
    if (!found)
      return bad_request("Invalid aggregate field '" + name + "'", "INVALID_AGGREGATE_FIELDS_QUERY_PARAM");
  }
  return out;
}

void write_aggregate(json_writer& w, const aggregate& a, const std::vector<row*>& rows) {
  w.Key(a.name.c_str());
  write_aggregate_value(w, aggregate_spec{a.name, a.op, a.path}, rows);
}

}  // namespace

http_response rest_group_by(request_context& ctx, const object_def& o, const query_params& q) {
  auto group_text = query_get(q, "group_by");
  if (!group_text)
    return rest_error(bad_request("group_by query parameter is required. eg: [{\"stage\":true}]",
                                  "INVALID_GROUP_BY_QUERY_PARAM"));
  auto dims = parse_dimensions(o, *group_text);
  if (!dims) return rest_error(*dims.error);
  auto aggs = parse_aggregates(o, query_get(q, "aggregate"));
  if (!aggs) return rest_error(*aggs.error);
  auto rows = rows_for_filter(ctx.db, o, q);
  if (!rows) return rest_error(*rows.error);
  bool with_records = query_get(q, "include_records_sample").value_or("") == "true";
  auto record_order = parse_rest_order_by(query_get(q, "order_by_for_records"));
  if (!record_order) return rest_error(*record_order.error);
  if (auto err = bind_order(record_order.value, o)) return rest_error(*err);

  // Group key: the dimension values serialized; std::map keeps groups in ascending key order.
  std::map<std::string, std::vector<row*>> groups;
  std::map<std::string, std::vector<std::string>> group_values;
  for (auto r : rows.value) {
    std::vector<std::string> values;
    std::string key;
    for (auto& dim : dims.value) {
      auto v = value_at(r->data, dim.path);
      std::string s = !v || v->IsNull() ? "null" : to_json(*v);
      if (!dim.granularity.empty() && v && v->IsString())
        s = "\"" + truncate_date(v->GetString(), dim.granularity) + "\"";
      values.push_back(s);
      key += s + '\x1f';
    }
    groups[key].push_back(r);
    group_values[key] = values;
  }
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  relation_cache cache(ctx.db);
  w.StartObject();
  w.Key("data");
  w.StartObject();
  w.Key((o.name_plural + "GroupBy").c_str());
  w.StartArray();
  for (auto& [key, members] : groups) {
    w.StartObject();
    w.Key("groupByDimensionValues");
    w.StartArray();
    for (auto& v : group_values[key]) w.RawValue(v.c_str(), v.size(), rapidjson::kStringType);
    w.EndArray();
    for (auto& a : aggs.value) write_aggregate(w, a, members);
    if (with_records) {
      auto sorted = members;
      std::sort(sorted.begin(), sorted.end(), [&](row* a, row* b) {
        return compare_records(record_order.value, a->data, b->data) < 0;
      });
      w.Key("records");
      w.StartArray();
      for (std::size_t i = 0; i < sorted.size() && i < 10; ++i)
        write_record(w, ctx.db, o, *sorted[i], 0, cache);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return json_response(200, std::string(sb.GetString(), sb.GetSize()));
}

}  // namespace standin

#include "analytics/group_spec.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/suggest.hpp"

namespace tmcp::analytics {

namespace {

struct op_name {
  agg_op op;
  const char* name;
};

constexpr op_name op_names[] = {
  {agg_op::count, "count"},
  {agg_op::count_empty, "countEmpty"},
  {agg_op::count_not_empty, "countNotEmpty"},
  {agg_op::count_unique, "countUniqueValues"},
  {agg_op::percent_empty, "percentEmpty"},
  {agg_op::sum, "sum"},
  {agg_op::avg, "avg"},
  {agg_op::min, "min"},
  {agg_op::max, "max"},
};

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (std::size_t i = 0; i < xs.size() && i < 30; ++i)
    out += (i ? ", " : "") + xs[i];
  return out;
}

const field_info* find_field(std::string_view name, const std::vector<field_info>& fields) {
  for (const auto& f : fields)
    if (f.name == name || f.key == name)
      return &f;
  return nullptr;
}

std::string unknown_field(std::string_view name, const std::vector<field_info>& fields,
                          std::string_view purpose) {
  std::vector<std::string> names;
  for (const auto& f : fields)
    names.push_back(f.name);
  std::string msg = "unknown field '" + std::string(name) + "' " + std::string(purpose);
  if (auto s = closest_match(name, names))
    return msg + "; did you mean '" + *s + "'?";
  return msg + "; fields: " + join(names);
}

const char* kind_name(value_kind k) {
  switch (k) {
    case value_kind::text: return "text";
    case value_kind::number: return "number";
    case value_kind::currency: return "currency";
    case value_kind::date: return "date";
    case value_kind::boolean: return "boolean";
    case value_kind::select: return "select";
    case value_kind::relation: return "relation";
    case value_kind::composite: return "composite";
    case value_kind::other: return "list or JSON";
  }
  return "other";
}

std::optional<granularity> parse_grain(std::string_view s) {
  std::string lower;
  for (char c : s)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto g : {granularity::day, granularity::week, granularity::month, granularity::quarter,
                 granularity::year})
    if (lower == to_string(g))
      return g;
  return std::nullopt;
}

} // namespace

const char* to_string(granularity g) {
  switch (g) {
    case granularity::none: return "none";
    case granularity::day: return "day";
    case granularity::week: return "week";
    case granularity::month: return "month";
    case granularity::quarter: return "quarter";
    case granularity::year: return "year";
  }
  return "none";
}

expected<dimension, std::string> parse_dimension(std::string_view raw,
                                                 const std::vector<field_info>& fields) {
  auto text = trim(raw);
  dimension d;
  std::string path = text, grain;
  if (auto colon = text.find(':'); colon != std::string::npos) {
    path = trim(text.substr(0, colon));
    grain = trim(text.substr(colon + 1));
  }
  std::string name = path;
  if (auto dot = path.find('.'); dot != std::string::npos) {
    name = path.substr(0, dot);
    d.subfield = path.substr(dot + 1);
  }
  auto f = find_field(name, fields);
  if (!f)
    return make_unexpected(unknown_field(name, fields, "in group_by"));
  d.field = *f;
  if (f->kind == value_kind::date) {
    auto g = parse_grain(grain);
    if (!g)
      return make_unexpected("group the date '" + f->name + "' by day, week, month, quarter or "
                             "year, e.g. " + f->name + ":month");
    d.grain = *g;
  } else if (!grain.empty()) {
    return make_unexpected("'" + f->name + "' is not a date; a granularity (':" + grain
                           + "') applies to dates only");
  }
  if (f->kind == value_kind::currency || f->kind == value_kind::composite) {
    std::vector<std::string> paths;
    for (const auto& sub : f->subfields)
      paths.push_back(f->name + "." + sub);
    if (d.subfield.empty())
      return make_unexpected("group '" + f->name + "' by one of its subfields: " + join(paths));
    if (std::find(f->subfields.begin(), f->subfields.end(), d.subfield) == f->subfields.end())
      return make_unexpected("unknown subfield '" + d.subfield + "' of '" + f->name
                             + "'; subfields: " + join(f->subfields));
  } else if (!d.subfield.empty()) {
    return make_unexpected("'" + f->name + "' has no subfields to group by");
  }
  if (f->kind == value_kind::other)
    return make_unexpected("cannot group by '" + f->name + "' (" + kind_name(f->kind)
                           + "); group by a select, boolean, relation, text or date field");
  d.label = f->name + (d.subfield.empty() ? "" : "." + d.subfield)
            + (d.grain == granularity::none ? "" : std::string(":") + to_string(d.grain));
  return d;
}

expected<aggregate, std::string> parse_aggregate(std::string_view raw,
                                                 const std::vector<field_info>& fields) {
  auto text = trim(raw);
  std::string op_text = text, name;
  if (auto colon = text.find(':'); colon != std::string::npos) {
    op_text = trim(text.substr(0, colon));
    name = trim(text.substr(colon + 1));
  }
  const op_name* op = nullptr;
  for (const auto& o : op_names)
    if (op_text == o.name)
      op = &o;
  if (!op) {
    std::vector<std::string> names;
    for (const auto& o : op_names)
      names.emplace_back(o.name);
    std::string msg = "unknown aggregate '" + op_text + "'";
    if (auto s = closest_match(op_text, names))
      msg += "; did you mean '" + *s + "'?";
    return make_unexpected(msg + " aggregates: count, countEmpty:F, countNotEmpty:F, "
                                 "countUniqueValues:F, percentEmpty:F, sum:F, avg:F, min:F, max:F");
  }
  aggregate a;
  a.op = op->op;
  if (a.op == agg_op::count) {
    if (!name.empty())
      return make_unexpected("'count' counts records and takes no field; use countNotEmpty:"
                             + name + " to count records where it is set");
    a.label = "count";
    return a;
  }
  if (name.empty())
    return make_unexpected("'" + op_text + "' needs a field, e.g. " + op_text + ":amount");
  auto f = find_field(name, fields);
  if (!f)
    return make_unexpected(unknown_field(name, fields, "in aggregates"));
  a.field = *f;
  bool numeric = f->kind == value_kind::number || f->kind == value_kind::currency;
  if ((a.op == agg_op::sum || a.op == agg_op::avg) && !numeric)
    return make_unexpected(op_text + " needs a number or currency field; '" + f->name + "' is "
                           + kind_name(f->kind));
  if ((a.op == agg_op::min || a.op == agg_op::max) && !numeric && f->kind != value_kind::date)
    return make_unexpected(op_text + " needs a number, currency or date field; '" + f->name
                           + "' is " + kind_name(f->kind));
  a.label = op_text + ":" + f->name;
  return a;
}

std::vector<std::string> column_names(const group_query& q) {
  std::vector<std::string> out;
  for (const auto& d : q.dims)
    out.push_back(d.label);
  for (const auto& a : q.aggs)
    out.push_back(a.label);
  return out;
}

expected<group_order, std::string> parse_order(std::string_view raw, const group_query& q) {
  auto text = trim(raw);
  group_order o;
  auto space = text.find_last_of(" \t");
  if (space != std::string::npos) {
    auto dir = trim(text.substr(space + 1));
    std::string lower;
    for (char c : dir)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "desc" || lower == "asc") {
      o.descending = lower == "desc";
      text = trim(text.substr(0, space));
    }
  }
  auto cols = column_names(q);
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i] == text) {
      o.column = i;
      return o;
    }
  // A dimension may also be named by its bare field name (closeDate for closeDate:month).
  for (std::size_t i = 0; i < q.dims.size(); ++i)
    if (q.dims[i].field.name == text || q.dims[i].field.key == text) {
      o.column = i;
      return o;
    }
  std::string msg = "order_by '" + text + "' is not a column of the answer";
  if (auto s = closest_match(text, cols))
    msg += "; did you mean '" + *s + "'?";
  return make_unexpected(msg + " columns: " + join(cols) + " (add 'desc' for descending)");
}

} // namespace tmcp::analytics

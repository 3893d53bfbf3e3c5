#include "analytics/twenty_group_by.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "analytics/group_table.hpp"

namespace tmcp::analytics {

namespace {

std::string capitalized(const std::string& s) {
  std::string out = s;
  if (!out.empty())
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string upper(const char* s) {
  std::string out = s;
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_amount(const aggregate& a) {
  return a.field.kind == value_kind::currency
         && (a.op == agg_op::sum || a.op == agg_op::avg || a.op == agg_op::min
             || a.op == agg_op::max);
}

// One GroupByInput: {stage: true}, {companyId: true}, {address: {addressCity: true}},
// {closeDate: {granularity: MONTH, timeZone: "UTC"}}.
std::string group_by_input(const dimension& d, const std::string& time_zone) {
  if (d.grain != granularity::none)
    return "{" + d.field.key + ": {granularity: " + upper(to_string(d.grain))
           + ", timeZone: " + json::quote(time_zone) + "}}";
  if (!d.subfield.empty())
    return "{" + d.field.key + ": {" + d.subfield + ": true}}";
  return "{" + d.field.key + ": true}";
}

std::string request_body(const std::string& query, const group_by_target& t) {
  std::string body = "{\"query\":" + json::quote(query);
  if (!t.filter_json.empty())
    body += ",\"variables\":{\"filter\":" + t.filter_json + "}";
  return body + "}";
}

std::string selection(const group_query& q, const std::vector<std::size_t>& aggs) {
  std::vector<std::string> fields;
  for (auto i : aggs) {
    auto f = twenty_aggregate_field(q.aggs[i]);
    if (std::find(fields.begin(), fields.end(), f) == fields.end())
      fields.push_back(f);
  }
  std::string out;
  for (auto& f : fields)
    out += " " + f;
  return out;
}

std::string group_by_query(const group_by_target& t,
                           const std::vector<std::string>& inputs, const std::string& fields) {
  std::string groups;
  for (const auto& in : inputs)
    groups += (groups.empty() ? "" : ", ") + in;
  std::string args = "groupBy: [" + groups + "]";
  if (!t.filter_json.empty())
    args += ", filter: $filter";
  args += ", limit: " + std::to_string(t.max_groups);
  std::string vars = t.filter_json.empty() ? "" : "($filter: " + t.filter_type + ")";
  return "query TmcpAggregate" + vars + " { " + t.plural + "GroupBy(" + args
         + ") { groupByDimensionValues" + fields + " } }";
}

// A Twenty aggregate value as the answer shows it: counts, percentages 0..100, plain numbers.
cell value_cell(const aggregate& a, const json::value* v) {
  cell c;
  if (!v || v->IsNull())
    return c;
  if (a.field.kind == value_kind::date && v->IsString())
    return cell::from_json(*v);
  auto n = number_of(v);
  if (!n)
    return c;
  switch (a.op) {
    case agg_op::count:
    case agg_op::count_empty:
    case agg_op::count_not_empty:
    case agg_op::count_unique: return cell::count(static_cast<uint64_t>(std::llround(*n)));
    case agg_op::percent_empty:
      c.kind = cell::number_k;
      c.number = std::round(*n * 1000.0) / 10.0;
      return c;
    default:
      c.kind = cell::number_k;
      c.number = std::round(*n * 100.0) / 100.0;
      return c;
  }
}

std::string graphql_errors(const json::value& errors, bool& missing_api) {
  std::string msg;
  for (auto& e : errors.GetArray()) {
    auto m = json::get_string(e, "message").value_or("unknown error");
    missing_api = missing_api || names_missing_field(m);
    msg += (msg.empty() ? "" : "; ") + m;
  }
  return msg;
}

} // namespace

// Which aggregate fields Twenty's GraphQL schema offers, per field type: counts and
// percentages for every field but relations; min/max for NUMBER, CURRENCY and DATE_TIME;
// sum/avg for NUMBER and CURRENCY (getAvailableAggregationsFromObjectFields).
std::string twenty_aggregate_field(const aggregate& a) {
  if (a.op == agg_op::count)
    return "totalCount";
  const auto& type = a.field.twenty_type;
  if (a.field.kind == value_kind::relation || type == "RELATION" || type == "MORPH_RELATION")
    return "";
  auto name = capitalized(a.field.name);
  switch (a.op) {
    case agg_op::count_empty: return "countEmpty" + name;
    case agg_op::count_not_empty: return "countNotEmpty" + name;
    case agg_op::count_unique: return "countUniqueValues" + name;
    case agg_op::percent_empty: return "percentageEmpty" + name;
    default: break;
  }
  bool min_max = a.op == agg_op::min || a.op == agg_op::max;
  if (type != "NUMBER" && type != "CURRENCY" && !(min_max && type == "DATE_TIME"))
    return "";
  std::string op = a.op == agg_op::sum ? "sum" : a.op == agg_op::avg ? "avg"
                                        : a.op == agg_op::min ? "min" : "max";
  return op + name + (a.field.kind == value_kind::currency ? "AmountMicros" : "");
}

bool names_missing_field(std::string_view message) {
  return message.find("Cannot query field") != std::string_view::npos;
}

std::optional<std::string> group_by_unsupported(const group_query& q) {
  for (const auto& a : q.aggs)
    if (twenty_aggregate_field(a).empty())
      return "Twenty's GraphQL has no aggregate for " + a.label + " (" + a.field.twenty_type
             + ")";
  return std::nullopt;
}

std::vector<group_by_call> group_by_calls(const group_query& q, const group_by_target& t) {
  std::vector<group_by_call> calls;
  std::vector<std::size_t> main;
  std::map<std::string, std::vector<std::size_t>> by_currency;
  for (std::size_t i = 0; i < q.aggs.size(); ++i) {
    if (is_amount(q.aggs[i]))
      by_currency[q.aggs[i].field.key].push_back(i);
    else
      main.push_back(i);
  }
  std::vector<std::string> inputs;
  for (const auto& d : q.dims)
    inputs.push_back(group_by_input(d, q.time_zone));
  if (!main.empty() || by_currency.empty()) {
    group_by_call c;
    c.aggs = main;
    auto fields = selection(q, main);
    if (fields.empty())
      fields = " totalCount";
    if (q.dims.empty()) {
      c.connection = true;
      std::string vars = t.filter_json.empty() ? "" : "($filter: " + t.filter_type + ")";
      std::string args = t.filter_json.empty() ? "" : "(filter: $filter)";
      c.body = request_body("query TmcpAggregate" + vars + " { " + t.plural + args + " {"
                              + fields + " } }",
                            t);
    } else {
      c.body = request_body(group_by_query(t, inputs, fields), t);
    }
    calls.push_back(std::move(c));
  }
  for (auto& [key, aggs] : by_currency) {
    group_by_call c;
    c.aggs = aggs;
    c.per_currency = true;
    auto with_code = inputs;
    with_code.push_back("{" + key + ": {currencyCode: true}}");
    c.body = request_body(group_by_query(t, with_code, selection(q, aggs)), t);
    calls.push_back(std::move(c));
  }
  return calls;
}

group_by_answer read_group_by_answer(const group_by_call& call, std::string_view body,
                                     group_table& table) {
  group_by_answer out;
  auto doc = json::parse(body);
  if (!doc || !doc->IsObject()) {
    out.error = "Twenty's answer to the aggregation is not JSON";
    return out;
  }
  if (auto errors = json::find(*doc, "errors"); errors && errors->IsArray() && !errors->Empty()) {
    out.error = graphql_errors(*errors, out.no_group_by);
    return out;
  }
  auto data = json::find(*doc, "data");
  const auto& q = table.query();
  if (!data || !data->IsObject() || data->MemberCount() != 1) {
    out.error = "Twenty answered the aggregation without data";
    return out;
  }
  const auto& result = data->MemberBegin()->value;
  if (call.connection) {
    if (!result.IsObject()) {
      out.error = "Twenty answered the aggregation with an unexpected shape";
      return out;
    }
    table.touch({});
    for (auto i : call.aggs) {
      auto field = twenty_aggregate_field(q.aggs[i]);
      table.set_value({}, i, value_cell(q.aggs[i], json::find(result, field.c_str())));
    }
    out.groups = 1;
    return out;
  }
  if (!result.IsArray()) {
    out.error = "Twenty answered the group-by with an unexpected shape";
    return out;
  }
  for (const auto& row : result.GetArray()) {
    auto values = json::find(row, "groupByDimensionValues");
    if (!values || !values->IsArray()) {
      out.error = "a group of Twenty's answer has no groupByDimensionValues";
      return out;
    }
    std::vector<cell> dims;
    for (const auto& v : values->GetArray())
      dims.push_back(cell::from_json(v));
    std::string code;
    if (call.per_currency) {
      if (!dims.empty()) {
        code = dims.back().kind == cell::text_k ? dims.back().text : "";
        dims.pop_back();
      }
    }
    dims.resize(q.dims.size());
    table.touch(dims);
    for (auto i : call.aggs) {
      auto v = json::find(row, twenty_aggregate_field(q.aggs[i]).c_str());
      if (!call.per_currency)
        table.set_value(dims, i, value_cell(q.aggs[i], v));
      else if (auto n = number_of(v)) // micros to units, to the cent
        table.add_amount(dims, i, code, std::round(*n / 1e4) / 100.0);
    }
    ++out.groups;
  }
  return out;
}

} // namespace tmcp::analytics

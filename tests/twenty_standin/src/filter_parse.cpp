// Parsing of REST and GraphQL filters into filter_node trees.
#include "filter.hpp"

#include <regex>

namespace standin {

namespace {

const char* const comparators[] = {"eq", "neq", "in", "containsAny", "is", "gt", "gte",
                                   "lt", "lte", "startsWith", "endsWith", "like", "ilike"};

api_error filter_error(std::string msg) { return bad_request(std::move(msg)); }

api_error filter_param_error(std::string msg) {
  return bad_request(std::move(msg), "INVALID_FILTER_QUERY_PARAM");
}

// Splits the content of `conj(...)` at top-level commas, as parseFilterContent does.
std::vector<std::string> split_content(std::string_view q) {
  bool in_brackets = false, in_dq = false, in_sq = false;
  int depth = 0;
  std::vector<std::string> out;
  std::string cur;
  for (char c : q) {
    bool keep = depth >= 1;
    if (c == '(')
      ++depth;
    if (c == ')') {
      --depth;
      keep = depth >= 1;
    }
    if (c == '[' || c == ']')
      in_brackets = !in_brackets;
    if (c == '"')
      in_dq = !in_dq;
    if (c == '\'')
      in_sq = !in_sq;
    if (c == ',' && depth == 1 && !in_brackets && !in_dq && !in_sq) {
      out.push_back(cur);
      cur.clear();
      keep = false;
    }
    if (keep)
      cur += c;
  }
  out.push_back(cur);
  return out;
}

std::string strip_quotes(const std::string& v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && (v.back() == '"' || v.back() == '\''))
    return v.substr(1, v.size() - 2);
  return v;
}

result<filter_node> parse_base(const std::string& base) {
  static const std::regex shape("^(.+)\\[(.+)\\]:(.+)$");
  if (!std::regex_match(base, shape))
    return filter_error("'filter' invalid for '" + base + "'. eg: price[gte]:10");
  std::string fields, comparator, value;
  bool fill_fields = true, fill_comparator = false, fill_value = false;
  for (char c : base) {
    if (fill_value) value += c;
    if (c == ']' && !fill_value) fill_comparator = false;
    if (c == ':' && !fill_comparator) fill_value = true;
    if (fill_comparator) comparator += c;
    if (c == '[' && fill_fields) {
      fill_fields = false;
      fill_comparator = true;
    }
    if (fill_fields) fields += c;
  }
  bool known = false;
  for (auto c : comparators)
    known = known || comparator == c;
  if (!known) {
    std::string all;
    for (auto c : comparators)
      all += (all.empty() ? "" : ", ") + std::string(c);
    return filter_error("'filter' invalid for '" + base + "', comparator " + comparator
                        + " not in " + all);
  }
  filter_node n;
  n.kind = filter_node::leaf;
  n.op = comparator;
  size_t start = 0;
  while (true) {
    size_t dot = fields.find('.', start);
    n.path.push_back(fields.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (comparator == "in" || comparator == "containsAny") {
    if (value.front() != '[' || value.back() != ']')
      return filter_error("'filter' invalid for '" + comparator + "' operator. Received '" + value
                          + "' but array value expected eg: 'field[" + comparator
                          + "]:[value_1,value_2]'");
    std::string inner = value.substr(1, value.size() - 2);
    size_t p = 0;
    while (true) {
      size_t comma = inner.find(',', p);
      auto item = inner.substr(p, comma == std::string::npos ? std::string::npos : comma - p);
      n.values.push_back({filter_scalar::string, strip_quotes(item), 0, false});
      if (comma == std::string::npos) break;
      p = comma + 1;
    }
  } else {
    n.values.push_back({filter_scalar::string, comparator == "is" ? value : strip_quotes(value), 0, false});
  }
  return n;
}

result<filter_node> parse_filter(const std::string& q) {
  static const std::regex conj("^(or|and|not)\\((.+)\\)$");
  std::smatch m;
  if (!std::regex_match(q, m, conj))
    return parse_base(q);
  filter_node n;
  std::string c = m[1];
  n.kind = c == "and" ? filter_node::and_k : c == "or" ? filter_node::or_k : filter_node::not_k;
  for (auto& part : split_content(q)) {
    auto sub = parse_filter(part);
    if (!sub)
      return sub;
    n.children.push_back(std::move(sub.value));
  }
  if (n.kind == filter_node::not_k && n.children.size() > 1)
    return filter_param_error(
      "'filter' invalid. 'not' conjunction should contain only 1 condition. eg: not(field[eq]:1)");
  return n;
}

filter_scalar scalar_from_json(const json_value& v) {
  if (v.IsNull()) return {filter_scalar::null, {}, 0, false};
  if (v.IsBool()) return {filter_scalar::boolean, v.GetBool() ? "true" : "false", 0, v.GetBool()};
  if (v.IsNumber()) return {filter_scalar::number, to_json(v), v.GetDouble(), false};
  if (v.IsString()) return {filter_scalar::string, v.GetString(), 0, false};
  return {filter_scalar::string, to_json(v), 0, false};
}

std::optional<api_error> graphql_leafs(const std::vector<std::string>& path, const json_value& ops,
                                       std::vector<filter_node>& out) {
  if (!ops.IsObject())
    return bad_request("Invalid filter for field '" + path.front() + "'");
  for (auto it = ops.MemberBegin(); it != ops.MemberEnd(); ++it) {
    std::string key = it->name.GetString();
    if (it->value.IsObject() && path.size() == 1) {  // composite subfield: {name:{firstName:{eq}}}
      auto sub = path;
      sub.push_back(key);
      if (auto err = graphql_leafs(sub, it->value, out))
        return err;
      continue;
    }
    filter_node leaf;
    leaf.kind = filter_node::leaf;
    leaf.path = path;
    leaf.op = key;
    if (it->value.IsArray())
      for (auto& item : it->value.GetArray())
        leaf.values.push_back(scalar_from_json(item));
    else
      leaf.values.push_back(scalar_from_json(it->value));
    out.push_back(std::move(leaf));
  }
  return std::nullopt;
}

}  // namespace

result<filter_node> parse_rest_filter(std::string_view query) {
  std::string q(query);
  long open = std::count(q.begin(), q.end(), '('), close = std::count(q.begin(), q.end(), ')');
  if (long diff = open - close; diff != 0) {
    auto n = std::labs(diff);
    std::string hint = std::to_string(n) + (diff > 0 ? " close bracket" : " open bracket")
                       + (n > 1 ? "s are" : " is");
    return filter_param_error("'filter' invalid. " + hint + " missing in the query");
  }
  static const std::regex has_conj("^(and|or|not)\\((.+)\\)$");
  if (!std::regex_match(q, has_conj))
    q = "and(" + q + ")";
  return parse_filter(q);
}

result<filter_node> filter_from_graphql(const json_value& v) {
  filter_node n;
  if (v.IsNull())
    return n;
  if (!v.IsObject())
    return bad_request("Filter must be an object");
  n.kind = filter_node::and_k;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key = it->name.GetString();
    if (key == "and" || key == "or") {
      filter_node group;
      group.kind = key == "and" ? filter_node::and_k : filter_node::or_k;
      if (!it->value.IsArray())
        return bad_request("'" + key + "' expects a list of filters");
      for (auto& item : it->value.GetArray()) {
        auto sub = filter_from_graphql(item);
        if (!sub) return sub;
        group.children.push_back(std::move(sub.value));
      }
      n.children.push_back(std::move(group));
    } else if (key == "not") {
      auto sub = filter_from_graphql(it->value);
      if (!sub) return sub;
      filter_node neg;
      neg.kind = filter_node::not_k;
      neg.children.push_back(std::move(sub.value));
      n.children.push_back(std::move(neg));
    } else if (auto err = graphql_leafs({key}, it->value, n.children)) {
      return *err;
    }
  }
  return n;
}

}  // namespace standin

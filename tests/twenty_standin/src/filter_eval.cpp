// Field binding and evaluation of filter trees against records.
#include "filter.hpp"
#include "store.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <regex>

namespace standin {

namespace {

const char* const known_ops[] = {"eq", "neq", "in", "containsAny", "is", "gt", "gte", "lt", "lte",
                                 "startsWith", "endsWith", "like", "ilike", "regex", "iregex",
                                 "containsExactly", "isEmptyArray", "contains", "containsIlike",
                                 "not_contains"};

std::optional<double> to_number(const filter_scalar& s) {
  if (s.kind == filter_scalar::number) return s.n;
  if (s.kind != filter_scalar::string || s.s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.s.c_str(), &end);
  if (end != s.s.c_str() + s.s.size()) return std::nullopt;
  return d;
}

std::string_view text_of(const filter_scalar& s) { return s.s; }

template <class T>
int three_way(const T& a, const T& b) { return a < b ? -1 : (b < a ? 1 : 0); }

// Compares a stored value with a filter value; nullopt when SQL would say "unknown".
std::optional<int> compare(const json_value& v, const filter_scalar& s, bool is_date) {
  if (v.IsNull() || s.kind == filter_scalar::null) return std::nullopt;
  if (v.IsNumber()) {
    auto n = to_number(s);
    if (!n) return std::nullopt;
    return three_way(v.GetDouble(), *n);
  }
  if (v.IsBool()) {
    bool b;
    if (s.kind == filter_scalar::boolean) b = s.b;
    else if (s.s == "true") b = true;
    else if (s.s == "false") b = false;
    else return std::nullopt;
    return three_way(static_cast<int>(v.GetBool()), static_cast<int>(b));
  }
  if (v.IsString()) {
    std::string_view rec(v.GetString(), v.GetStringLength());
    if (is_date) {
      auto a = parse_iso_time(rec), b = parse_iso_time(text_of(s));
      if (a && b) return three_way(*a, *b);
    }
    return three_way(rec, text_of(s));
  }
  return std::nullopt;
}

bool array_has(const json_value& arr, std::string_view s) {
  for (auto& item : arr.GetArray())
    if (item.IsString() && std::string_view(item.GetString(), item.GetStringLength()) == s)
      return true;
  return false;
}

const json_value* lookup(const filter_node& f, const json_value& rec) {
  const json_value* v = find_member(rec, f.path[0], f.hint0);
  if (!v || f.path.size() == 1) return v;
  return find_member(*v, f.path[1], f.hint1);
}

bool leaf_matches(const filter_node& f, const json_value& rec) {
  static const json_value null_value;
  const json_value* pv = lookup(f, rec);
  const json_value& v = pv ? *pv : null_value;
  const std::string& op = f.op;
  if (op == "is") {
    bool want_null = !f.values.empty() && f.values[0].s == "NULL";
    return v.IsNull() == want_null;
  }
  if (f.values.empty()) return false;
  const auto& first = f.values[0];
  if (op == "eq") { auto c = compare(v, first, f.is_date); return c && *c == 0; }
  if (op == "neq") { auto c = compare(v, first, f.is_date); return c && *c != 0; }
  if (op == "gt") { auto c = compare(v, first, f.is_date); return c && *c > 0; }
  if (op == "gte") { auto c = compare(v, first, f.is_date); return c && *c >= 0; }
  if (op == "lt") { auto c = compare(v, first, f.is_date); return c && *c < 0; }
  if (op == "lte") { auto c = compare(v, first, f.is_date); return c && *c <= 0; }
  if (op == "in") {
    return std::any_of(f.values.begin(), f.values.end(), [&](const filter_scalar& s) {
      auto c = compare(v, s, f.is_date);
      return c && *c == 0;
    });
  }
  if (op == "isEmptyArray") return v.IsArray() && v.Empty();
  if (v.IsArray()) {
    if (op == "containsAny")
      return std::any_of(f.values.begin(), f.values.end(), [&](auto& s) { return array_has(v, s.s); });
    if (op == "contains")
      return std::all_of(f.values.begin(), f.values.end(), [&](auto& s) { return array_has(v, s.s); });
    if (op == "not_contains")
      return !std::all_of(f.values.begin(), f.values.end(), [&](auto& s) { return array_has(v, s.s); });
    if (op == "containsExactly")
      return v.Size() == f.values.size()
             && std::all_of(f.values.begin(), f.values.end(), [&](auto& s) { return array_has(v, s.s); });
    if (op == "containsIlike")
      for (auto& item : v.GetArray())
        if (item.IsString() && like_match(item.GetString(), first.s, true)) return true;
    return false;
  }
  if (!v.IsString()) return false;
  std::string_view text(v.GetString(), v.GetStringLength());
  if (op == "startsWith") return text.substr(0, first.s.size()) == first.s;
  if (op == "endsWith")
    return text.size() >= first.s.size() && text.substr(text.size() - first.s.size()) == first.s;
  if (op == "like") return like_match(text, first.s, false);
  if (op == "ilike") return like_match(text, first.s, true);
  if (op == "regex" || op == "iregex") {
    auto flags = std::regex::ECMAScript | (op == "iregex" ? std::regex::icase : std::regex::ECMAScript);
    std::regex re(first.s, flags);
    return std::regex_search(text.begin(), text.end(), re);
  }
  return false;
}

}  // namespace

bool like_match(std::string_view text, std::string_view pat, bool ci) {
  // Iterative wildcard match with backtracking on the last '%'.
  auto eq = [ci](char a, char b) {
    return ci ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b))
              : a == b;
  };
  size_t t = 0, p = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pat.size() && (pat[p] == '_' || (pat[p] != '%' && eq(pat[p], text[t])))) {
      ++t;
      ++p;
    } else if (p < pat.size() && pat[p] == '%') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '%') ++p;
  return p == pat.size();
}

std::optional<api_error> bind_filter(filter_node& f, const object_def& o) {
  if (f.kind != filter_node::leaf) {
    for (auto& c : f.children)
      if (auto err = bind_filter(c, o)) return err;
    return std::nullopt;
  }
  if (std::none_of(std::begin(known_ops), std::end(known_ops), [&](const char* k) { return f.op == k; }))
    return bad_request("Invalid filter operator '" + f.op + "'");
  const field_def* fd = o.field(f.path[0]);
  if (!fd) fd = o.field_by_join_column(f.path[0]);
  else if (fd->relation) return bad_request("Filtering on relation '" + f.path[0]
                                            + "' is not supported; filter on its id column");
  if (!fd) return unknown_field(o, f.path[0]);
  if (f.path.size() > 2) return unknown_field(o, f.path[0] + "." + f.path[1]);
  if (f.path.size() == 2) {
    auto& subs = composite_subfields(fd->type);
    if (std::find(subs.begin(), subs.end(), f.path[1]) == subs.end())
      return unknown_field(o, f.path[0] + "." + f.path[1]);
  } else if (is_composite(fd->type) && f.op != "is") {
    return bad_request("'filter' invalid for '" + f.path[0] + "': composite fields need a subfield, eg: "
                       + f.path[0] + "." + composite_subfields(fd->type).front() + "[eq]:value");
  }
  if (f.op == "is" && (f.values.empty() || (f.values[0].s != "NULL" && f.values[0].s != "NOT_NULL")))
    return bad_request("'filter' invalid for 'is' operator. Allowed values are 'NULL', 'NOT_NULL'");
  f.field = fd;
  f.is_date = fd->type == field_type::date_time || fd->type == field_type::date;
  return std::nullopt;
}

bool filter_mentions(const filter_node& f, std::string_view field) {
  if (f.kind == filter_node::leaf) return !f.path.empty() && f.path[0] == field;
  return std::any_of(f.children.begin(), f.children.end(),
                     [&](const filter_node& c) { return filter_mentions(c, field); });
}

namespace {

// SQL three-valued logic: a comparison with NULL is unknown, and NOT unknown stays unknown.
enum class tri { no, yes, unknown };

tri eval(const filter_node& f, const json_value& rec) {
  switch (f.kind) {
    case filter_node::all: return tri::yes;
    case filter_node::leaf: {
      if (f.op != "is" && f.op != "isEmptyArray") {
        const json_value* v = lookup(f, rec);
        if (!v || v->IsNull()) return tri::unknown;
      }
      return leaf_matches(f, rec) ? tri::yes : tri::no;
    }
    case filter_node::and_k: {
      tri out = tri::yes;
      for (auto& c : f.children) {
        tri r = eval(c, rec);
        if (r == tri::no) return tri::no;
        if (r == tri::unknown) out = tri::unknown;
      }
      return out;
    }
    case filter_node::or_k: {
      tri out = tri::no;
      for (auto& c : f.children) {
        tri r = eval(c, rec);
        if (r == tri::yes) return tri::yes;
        if (r == tri::unknown) out = tri::unknown;
      }
      return out;
    }
    case filter_node::not_k: {
      if (f.children.empty()) return tri::yes;
      tri r = eval(f.children[0], rec);
      return r == tri::unknown ? r : (r == tri::yes ? tri::no : tri::yes);
    }
  }
  return tri::no;
}

}  // namespace

bool filter_matches(const filter_node& f, const json_value& rec) {
  return eval(f, rec) == tri::yes;
}

}  // namespace standin

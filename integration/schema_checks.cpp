// Name checks against the schema, with "did you mean" suggestions: field paths, REST filters,
// order_by and object names. Messages are written for an agent to act on.
#include "integration/schema_model.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/suggest.hpp"

namespace tmcp::twenty {

namespace {

constexpr std::string_view filter_example = "eg: name[eq]:\"Acme\",employees[gte]:10";

const std::vector<std::string>& comparators() {
  static const std::vector<std::string> ops = {"eq",  "neq", "in",  "containsAny", "is",
                                               "gt",  "gte", "lt",  "lte",         "startsWith",
                                               "endsWith", "like", "ilike"};
  return ops;
}

const std::vector<std::string>& directions() {
  static const std::vector<std::string> dirs = {"AscNullsFirst", "AscNullsLast",
                                                "DescNullsFirst", "DescNullsLast"};
  return dirs;
}

std::string join(const std::vector<std::string>& xs, std::size_t max = 40) {
  std::string out;
  for (std::size_t i = 0; i < xs.size() && i < max; ++i)
    out += (i ? ", " : "") + xs[i];
  if (xs.size() > max)
    out += ", ...";
  return out;
}


std::string unknown(std::string_view what, std::string_view name, std::string_view where,
                    const std::vector<std::string>& candidates, std::string_view listing) {
  std::string msg = "unknown " + std::string(what) + " '" + std::string(name) + "'";
  if (!where.empty())
    msg += " " + std::string(where);
  if (auto s = suggest_name(name, candidates))
    return msg + "; did you mean '" + *s + "'?";
  return msg + "; " + std::string(listing) + ": " + join(candidates);
}

// Resolves a field path (name, name.firstName, companyId); an error message when it is wrong.
std::optional<std::string> check_path(const object& obj, std::string_view path,
                                      const field** out = nullptr, bool* sub = nullptr) {
  auto dot = path.find('.');
  auto head = path.substr(0, dot);
  auto f = obj.find_field(head);
  if (!f || !f->is_active)
    return unknown("field", head, "on " + obj.name_singular, field_candidates(obj),
                   "fields of " + obj.name_singular);
  if (out)
    *out = f;
  if (sub)
    *sub = dot != std::string_view::npos;
  if (dot == std::string_view::npos)
    return std::nullopt;
  auto rest = path.substr(dot + 1);
  const auto& subs = composite_subfields(f->type);
  if (subs.empty() || head != f->name)
    return "field '" + std::string(head) + "' on " + obj.name_singular + " ("
           + (head != f->name ? std::string("a relation id") : f->type_name)
           + ") has no subfields";
  if (std::find(subs.begin(), subs.end(), rest) == subs.end())
    return unknown("subfield", rest, "of " + f->name + " (" + f->type_name + ") on "
                   + obj.name_singular, subs, "subfields");
  return std::nullopt;
}

struct filter_value {
  std::vector<std::string> items; // one for a scalar, the elements for a [list]
  bool is_list = false;
};

std::string unquote(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
    v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
    v.remove_suffix(1);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return std::string(v);
}

// A recursive-descent reader of Twenty's REST filter grammar (twenty-api.md §1.2).
class filter_checker {
public:
  filter_checker(const object& obj, std::string_view text) : obj_(obj), s_(text) {}

  std::optional<std::string> run() {
    if (trimmed_empty())
      return std::nullopt;
    if (!list(false))
      return error_;
    if (i_ < s_.size())
      return malformed("unexpected '" + std::string(1, s_[i_]) + "'");
    if (problems_.empty())
      return std::nullopt;
    return join(problems_, max_problems);
  }

private:
  bool trimmed_empty() const {
    return std::all_of(s_.begin(), s_.end(),
                       [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  }

  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
  }

  std::string malformed(const std::string& what) {
    error_ = "malformed filter at position " + std::to_string(i_) + ": " + what + "; "
             + std::string(filter_example);
    return error_;
  }

  // cond (',' cond)*; returns false on a structural error. `count` gets the conditions read.
  bool list(bool nested, int* count = nullptr) {
    int n = 0;
    for (;;) {
      if (!condition())
        return false;
      ++n;
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      break;
    }
    if (count)
      *count = n;
    if (!nested && i_ < s_.size() && s_[i_] == ')') {
      malformed("unbalanced ')'");
      return false;
    }
    return true;
  }

  bool condition() {
    skip_ws();
    auto start = i_;
    while (i_ < s_.size() && s_[i_] != '[' && s_[i_] != '(' && s_[i_] != ','
           && s_[i_] != ')' && s_[i_] != ':')
      ++i_;
    auto name = unquote(s_.substr(start, i_ - start));
    if (i_ < s_.size() && s_[i_] == '(') {
      if (name != "and" && name != "or" && name != "not") {
        malformed("unknown conjunction '" + name + "(', use and(...), or(...) or not(...)");
        return false;
      }
      // The reader recurses per conjunction: a hostile filter must not exhaust the stack.
      if (depth_ >= max_filter_depth) {
        malformed("conjunctions nested deeper than " + std::to_string(max_filter_depth)
                  + " levels");
        return false;
      }
      ++i_;
      int n = 0;
      ++depth_;
      bool ok = list(true, &n);
      --depth_;
      if (!ok)
        return false;
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != ')') {
        malformed("missing ')' after " + name + "(");
        return false;
      }
      ++i_;
      if (name == "not" && n != 1)
        problems_.push_back("not(...) takes exactly one condition, got " + std::to_string(n));
      return true;
    }
    if (name.empty() || i_ >= s_.size() || s_[i_] != '[') {
      malformed("expected field[operator]:value");
      return false;
    }
    auto op_start = ++i_;
    while (i_ < s_.size() && s_[i_] != ']')
      ++i_;
    if (i_ >= s_.size()) {
      malformed("missing ']' after operator");
      return false;
    }
    auto op = std::string(s_.substr(op_start, i_ - op_start));
    ++i_;
    if (i_ >= s_.size() || s_[i_] != ':') {
      malformed("expected ':' after " + name + "[" + op + "]");
      return false;
    }
    ++i_;
    filter_value v;
    if (!value(v))
      return false;
    check(name, op, v);
    return true;
  }

  bool value(filter_value& v) {
    skip_ws();
    auto start = i_;
    if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
      auto q = s_[i_++];
      while (i_ < s_.size() && s_[i_] != q)
        ++i_;
      if (i_ >= s_.size()) {
        malformed("unterminated quote");
        return false;
      }
      ++i_;
      v.items.push_back(unquote(s_.substr(start, i_ - start)));
      return true;
    }
    if (i_ < s_.size() && s_[i_] == '[') {
      v.is_list = true;
      auto item_start = ++i_;
      char quote = 0;
      for (; i_ < s_.size(); ++i_) {
        char c = s_[i_];
        if (quote) {
          quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == ',' || c == ']') {
          auto item = unquote(s_.substr(item_start, i_ - item_start));
          if (!item.empty() || c == ',')
            v.items.push_back(item);
          item_start = i_ + 1;
          if (c == ']')
            break;
        }
      }
      if (i_ >= s_.size()) {
        malformed("missing ']' after list value");
        return false;
      }
      ++i_;
      return true;
    }
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ')')
      ++i_;
    v.items.push_back(unquote(s_.substr(start, i_ - start)));
    return true;
  }

  void check(const std::string& path, const std::string& op, const filter_value& v) {
    // Only the first problems are reported: do not build messages nobody will read.
    if (problems_.size() > max_problems)
      return;
    const field* f = nullptr;
    bool has_sub = false;
    if (auto err = check_path(obj_, path, &f, &has_sub)) {
      problems_.push_back(*err);
      return;
    }
    auto& ops = comparators();
    if (std::find(ops.begin(), ops.end(), op) == ops.end()) {
      // The operator list is short, so it is always given.
      std::string msg = "unknown operator '" + op + "' in '" + path + "[" + op + "]'";
      if (auto s = suggest_name(op, ops))
        msg += "; did you mean '" + *s + "'?";
      problems_.push_back(msg + " valid operators: " + join(ops));
      return;
    }
    if ((op == "in" || op == "containsAny") && !v.is_list) {
      problems_.push_back("'" + op + "' needs a list value, eg: " + path + "[" + op
                          + "]:[value_1,value_2]");
      return;
    }
    if (op == "is") {
      if (v.is_list || v.items.size() != 1 || (v.items[0] != "NULL" && v.items[0] != "NOT_NULL"))
        problems_.push_back("'is' takes NULL or NOT_NULL, eg: " + path + "[is]:NULL");
      return;
    }
    if (f->type == field_type::relation && !has_sub && path == f->name) {
      problems_.push_back(f->is_many_to_one()
                            ? "filter the relation '" + path + "' through its id: "
                                + f->join_column + "[eq]:<uuid>"
                            : "'" + path + "' is a one-to-many relation of " + obj_.name_singular
                                + " and cannot be filtered; filter " + f->relation_target_object
                                + " records instead");
      return;
    }
    if (is_composite(f->type) && !has_sub) {
      std::vector<std::string> paths;
      for (auto& sub : composite_subfields(f->type))
        paths.push_back(path + "." + sub);
      problems_.push_back("'" + path + "' on " + obj_.name_singular + " is " + f->type_name
                          + "; filter on a subfield: " + join(paths));
      return;
    }
    if ((f->type == field_type::select || f->type == field_type::multi_select)
        && !f->options.empty() && op != "like" && op != "ilike" && op != "startsWith"
        && op != "endsWith")
      check_options(*f, v);
  }

  void check_options(const field& f, const filter_value& v) {
    std::vector<std::string> values;
    for (auto& o : f.options)
      values.push_back(o.value);
    for (auto& item : v.items) {
      if (problems_.size() > max_problems)
        return;
      if (std::find(values.begin(), values.end(), item) != values.end())
        continue;
      std::string msg = "'" + item + "' is not an option of " + obj_.name_singular + "." + f.name;
      if (auto s = suggest_name(item, values))
        msg += "; did you mean '" + *s + "'?";
      else
        msg += "; one of: " + join(values);
      problems_.push_back(msg);
    }
  }

  static constexpr int max_filter_depth = 32;
  static constexpr std::size_t max_problems = 20;

  const object& obj_;
  std::string_view s_;
  std::size_t i_ = 0;
  int depth_ = 0;
  std::string error_;
  std::vector<std::string> problems_;
};

} // namespace

std::vector<std::string> field_candidates(const object& obj) {
  std::vector<std::string> out;
  for (auto& f : obj.fields) {
    if (!f.is_active)
      continue;
    out.push_back(f.name);
    if (f.is_many_to_one() && !f.join_column.empty())
      out.push_back(f.join_column);
  }
  return out;
}

std::optional<std::string> suggest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  return closest_match(name, candidates);
}

std::optional<std::string> check_field_names(const object& obj,
                                             const std::vector<std::string>& names) {
  std::vector<std::string> problems;
  for (auto& n : names) {
    if (problems.size() > 20)
      break; // the answer already ends in "..."
    if (auto err = check_path(obj, n))
      problems.push_back(*err);
  }
  if (problems.empty())
    return std::nullopt;
  return join(problems, 20);
}

std::optional<std::string> check_filter(const object& obj, std::string_view rest_filter) {
  return filter_checker(obj, rest_filter).run();
}

std::optional<std::string> check_order_by(const object& obj, std::string_view order_by) {
  std::vector<std::string> problems;
  std::size_t start = 0;
  // Past 20 problems the answer already ends in "...": stop building messages.
  while (start <= order_by.size() && problems.size() <= 20) {
    auto end = order_by.find(',', start);
    if (end == std::string_view::npos)
      end = order_by.size();
    auto item = unquote(order_by.substr(start, end - start));
    start = end + 1;
    if (item.empty())
      continue;
    std::string path = item, dir;
    if (auto lb = item.find('['); lb != std::string::npos) {
      path = item.substr(0, lb);
      if (item.back() != ']') {
        problems.push_back("malformed order_by item '" + item
                           + "'; eg: name[AscNullsFirst],createdAt[DescNullsLast]");
        continue;
      }
      dir = item.substr(lb + 1, item.size() - lb - 2);
    }
    if (auto err = check_path(obj, path))
      problems.push_back(*err);
    auto& dirs = directions();
    if (!dir.empty() && std::find(dirs.begin(), dirs.end(), dir) == dirs.end())
      problems.push_back(unknown("order_by direction", dir, "for '" + path + "'", dirs,
                                 "allowed values"));
  }
  if (problems.empty())
    return std::nullopt;
  return join(problems, 20);
}

std::string suggest_object(const workspace_schema& schema, std::string_view name) {
  if (schema.find_object(name))
    return "";
  std::vector<std::string> candidates, listed;
  for (auto& o : schema.objects) {
    if (!o.is_active)
      continue;
    candidates.push_back(o.name_singular);
    candidates.push_back(o.name_plural);
    if (!o.is_system)
      listed.push_back(o.name_plural);
  }
  std::sort(listed.begin(), listed.end());
  std::string msg = "unknown object '" + std::string(name) + "'";
  if (auto s = suggest_name(name, candidates))
    if (auto o = schema.find_object(*s))
      return msg + "; did you mean '" + o->name_plural + "'?";
  return msg + "; available objects: " + join(listed);
}

} // namespace tmcp::twenty

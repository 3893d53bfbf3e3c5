#include "integration/graphql_query.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>


namespace tmcp::twenty {

namespace {

bool is_bookkeeping(const field& f) {
  static const char* names[] = {"id",        "createdAt", "updatedAt", "deletedAt",
                                "createdBy", "updatedBy", "position",  "searchVector"};
  return f.is_system || std::any_of(std::begin(names), std::end(names),
                                    [&](const char* n) { return f.name == n; });
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos)
      return out;
    start = at + 1;
  }
}

std::string pascal(const std::string& s) {
  std::string out = s;
  if (!out.empty())
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::vector<std::string> path_candidates(const workspace_schema& schema, const object& obj) {
  auto out = field_candidates(obj);
  if (find_junction(schema, obj))
    out.push_back(targets_key);
  return out;
}

std::string unknown_field(const workspace_schema& schema, const object& obj,
                          const std::string& name) {
  auto candidates = path_candidates(schema, obj);
  std::string msg = "unknown field '" + name + "' on " + obj.name_singular;
  if (auto s = suggest_name(name, candidates))
    return msg + "; did you mean '" + *s + "'?";
  std::string list;
  for (std::size_t i = 0; i < candidates.size() && i < 40; ++i)
    list += (i ? ", " : "") + candidates[i];
  return msg + "; fields of " + obj.name_singular + ": " + list;
}

// The fields of a related record shown when the agent names the relation without subfields.
void default_selection(const workspace_schema& schema, const object& obj, std::string& out);

void composite_selection(const field& f, const field_tree* sub, std::string& out) {
  out += f.name + " {";
  if (sub && !sub->empty()) {
    for (auto& [k, _] : sub->children)
      out += " " + k;
  } else {
    for (auto& s : composite_subfields(f.type))
      if (s != "blocknote" && s != "context")
        out += " " + s;
  }
  out += " }";
}

// `targets`: the junction connection with each link's target id and label.
void targets_selection(const workspace_schema& schema, const junction& j, std::string& out) {
  out += j.list_field->name + " { edges { node { id";
  for (auto t : j.targets) {
    out += " " + t->name + " { id";
    if (auto target = schema.find_object(t->relation_target_object))
      if (auto label = target->find_field(target->label_identifier_field)) {
        out += " ";
        if (is_composite(label->type))
          composite_selection(*label, nullptr, out);
        else
          out += label->name;
      }
    out += " }";
  }
  out += " } } }";
}

// The top record always carries its id; a related one only when asked for.
void tree_selection(const workspace_schema& schema, const object& obj, const field_tree& only,
                    std::string& out, bool top = true) {
  bool first = true;
  auto sep = [&] {
    if (!first)
      out += " ";
    first = false;
  };
  if (top || only.children.count("id")) {
    out += "id";
    first = false;
  }
  for (auto& [name, sub] : only.children) {
    if (name == "id")
      continue;
    if (name == targets_key) {
      if (auto j = find_junction(schema, obj)) {
        sep();
        targets_selection(schema, *j, out);
      }
      continue;
    }
    auto f = obj.find_field(name);
    if (!f)
      continue;
    sep();
    if (f->name != name) { // a join column
      out += name;
    } else if (f->type == field_type::relation) {
      auto target = schema.find_object(f->relation_target_object);
      if (!target)
        continue;
      out += name + (f->is_many_to_one() ? " { " : " { edges { node { ");
      if (sub.empty())
        default_selection(schema, *target, out);
      else
        tree_selection(schema, *target, sub, out, false);
      out += f->is_many_to_one() ? " }" : " } } }";
    } else if (is_composite(f->type)) {
      composite_selection(*f, &sub, out);
    } else {
      out += name;
    }
  }
}

void default_selection(const workspace_schema& schema, const object& obj, std::string& out) {
  (void)schema;
  out += "id";
  for (auto& f : obj.fields) {
    if (!f.is_active || f.name == "id" || f.type == field_type::ts_vector
        || hidden_by_default(obj, f.name))
      continue;
    if (f.type == field_type::relation) {
      if (f.is_many_to_one() && !f.join_column.empty())
        out += " " + f.join_column;
      continue;
    }
    out += " ";
    if (is_composite(f.type))
      composite_selection(f, nullptr, out);
    else
      out += f.name;
  }
}

void collect_objects(const workspace_schema& schema, const object& obj, const field_tree* only,
                     std::vector<std::string>& out) {
  if (std::find(out.begin(), out.end(), obj.name_plural) == out.end())
    out.push_back(obj.name_plural);
  if (!only)
    return;
  for (auto& [name, sub] : only->children) {
    if (name == targets_key) {
      if (auto j = find_junction(schema, obj)) {
        collect_objects(schema, *j->link, nullptr, out);
        for (auto t : j->targets)
          if (auto target = schema.find_object(t->relation_target_object))
            collect_objects(schema, *target, nullptr, out);
      }
      continue;
    }
    auto f = obj.find_field(name);
    if (f && f->name == name && f->type == field_type::relation)
      if (auto target = schema.find_object(f->relation_target_object))
        collect_objects(schema, *target, sub.empty() ? nullptr : &sub, out);
  }
}

// --- REST filter grammar to GraphQL filter input ---------------------------------------------

bool numeric_path(const field& f, const std::string& sub) {
  switch (f.type) {
    case field_type::number:
    case field_type::numeric:
    case field_type::position: return true;
    case field_type::currency: return sub == "amountMicros";
    case field_type::address: return sub == "addressLat" || sub == "addressLng";
    default: return false;
  }
}

class filter_reader {
public:
  filter_reader(const workspace_schema& schema, const object& obj, std::string_view text,
                json::allocator& a)
      : schema_(schema), obj_(obj), s_(text), a_(a) {}

  expected<json::value, std::string> run() {
    json::value items(rapidjson::kArrayType);
    if (!list(items))
      return make_unexpected(error_);
    skip_ws();
    if (i_ < s_.size())
      return make_unexpected(malformed("unexpected '" + std::string(1, s_[i_]) + "'"));
    if (items.Size() == 1)
      return json::value(items[0], a_);
    json::value all(rapidjson::kObjectType);
    all.AddMember("and", items, a_);
    return all;
  }

private:
  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
  }

  std::string malformed(const std::string& what) {
    return "malformed filter at position " + std::to_string(i_) + ": " + what
           + "; eg: name[eq]:\"Acme\",stage[in]:[NEW,MEETING]";
  }

  bool fail(std::string msg) {
    if (error_.empty())
      error_ = std::move(msg);
    return false;
  }

  bool list(json::value& out) {
    for (;;) {
      json::value cond;
      if (!condition(cond))
        return false;
      out.PushBack(cond, a_);
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      return true;
    }
  }

  bool condition(json::value& out) {
    skip_ws();
    auto start = i_;
    while (i_ < s_.size() && s_[i_] != '[' && s_[i_] != '(' && s_[i_] != ',' && s_[i_] != ')')
      ++i_;
    std::string word(s_.substr(start, i_ - start));
    while (!word.empty() && std::isspace(static_cast<unsigned char>(word.back())))
      word.pop_back();
    if (i_ < s_.size() && s_[i_] == '(') {
      if (word != "and" && word != "or" && word != "not")
        return fail(malformed("'" + word + "(' is not and(, or( or not("));
      ++i_;
      json::value items(rapidjson::kArrayType);
      if (!list(items))
        return false;
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != ')')
        return fail(malformed("missing ')'"));
      ++i_;
      out.SetObject();
      if (word == "not") {
        if (items.Size() != 1)
          return fail(malformed("not(...) takes exactly one condition"));
        out.AddMember("not", json::value(items[0], a_), a_);
      } else {
        out.AddMember(json::str(word, a_), items, a_);
      }
      return true;
    }
    if (word.empty() || i_ >= s_.size() || s_[i_] != '[')
      return fail(malformed("expected field[op]:value"));
    auto close = s_.find(']', i_);
    if (close == std::string_view::npos)
      return fail(malformed("missing ']'"));
    std::string op(s_.substr(i_ + 1, close - i_ - 1));
    i_ = close + 1;
    if (i_ >= s_.size() || s_[i_] != ':')
      return fail(malformed("expected ':' after [" + op + "]"));
    ++i_;
    std::vector<std::string> values;
    bool is_list = false;
    if (!value(values, is_list))
      return false;
    static const char* ops[] = {"eq", "neq", "in", "containsAny", "is", "gt", "gte",
                                "lt", "lte", "startsWith", "endsWith", "like", "ilike"};
    if (std::none_of(std::begin(ops), std::end(ops), [&](const char* o) { return op == o; }))
      return fail("unknown filter operator '" + op + "'; use one of eq neq in containsAny is gt "
                  "gte lt lte startsWith endsWith like ilike");
    if ((op == "in" || op == "containsAny") != is_list)
      return fail("'" + op + "' " + (is_list ? "does not take a list" : "needs a list: "
                  + word + "[" + op + "]:[a,b]"));
    auto leaf = this->leaf(obj_, split(word, '.'), 0, 0, op, values, is_list);
    if (!leaf)
      return fail(leaf.error());
    out = std::move(*leaf);
    return true;
  }

  // A quoted string, a [list], or text up to ',' or ')'.
  bool value(std::vector<std::string>& out, bool& is_list) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == '[') {
      is_list = true;
      ++i_;
      for (;;) {
        std::string item;
        if (!scalar(item, true))
          return false;
        if (!item.empty())
          out.push_back(item);
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') {
          ++i_;
          return true;
        }
        return fail(malformed("missing ']' after the list"));
      }
    }
    std::string item;
    if (!scalar(item, false))
      return false;
    out.push_back(item);
    return true;
  }

  bool scalar(std::string& out, bool in_list) {
    skip_ws();
    if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
      char q = s_[i_++];
      auto end = s_.find(q, i_);
      if (end == std::string_view::npos)
        return fail(malformed("unterminated quote"));
      out = std::string(s_.substr(i_, end - i_));
      i_ = end + 1;
      return true;
    }
    auto start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ')' && !(in_list && s_[i_] == ']'))
      ++i_;
    out = std::string(s_.substr(start, i_ - start));
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back())))
      out.pop_back();
    return true;
  }

  expected<json::value, std::string> typed(const std::string& text, bool number, bool boolean) {
    if (number) {
      char* end = nullptr;
      auto ll = std::strtoll(text.c_str(), &end, 10);
      if (!text.empty() && end && *end == '\0')
        return json::value(static_cast<int64_t>(ll));
      auto d = std::strtod(text.c_str(), &end);
      if (text.empty() || !end || *end != '\0')
        return make_unexpected("'" + text + "' is not a number");
      return json::value(d);
    }
    if (boolean) {
      if (text != "true" && text != "false")
        return make_unexpected("'" + text + "' is not true or false");
      return json::value(text == "true");
    }
    return json::str(text, a_);
  }

  expected<json::value, std::string> leaf(const object& obj, const std::vector<std::string>& segs,
                                          std::size_t i, int depth, const std::string& op,
                                          const std::vector<std::string>& values, bool is_list) {
    const auto& name = segs[i];
    auto f = obj.find_field(name);
    if (!f || !f->is_active)
      return make_unexpected(unknown_field(schema_, obj, name));
    bool last = i + 1 == segs.size();
    json::value cond(rapidjson::kObjectType);
    if (f->type == field_type::relation && f->name == name) {
      if (last || !f->is_many_to_one())
        return make_unexpected(
          "filter on the relation '" + name + "' of " + obj.name_singular + " through "
          + (f->is_many_to_one() ? "its id: " + f->join_column + "[eq]:<uuid>, or a field of "
                                   "the related record: " + name + ".name[ilike]:\"%x%\""
                                 : "the other object (it is one-to-many)"));
      if (depth + 1 > max_relation_depth)
        return make_unexpected("a filter crosses at most " + std::to_string(max_relation_depth)
                               + " relations");
      auto target = schema_.find_object(f->relation_target_object);
      if (!target)
        return make_unexpected("the target of relation '" + name + "' is not in the schema");
      auto inner = leaf(*target, segs, i + 1, depth + 1, op, values, is_list);
      if (!inner)
        return inner;
      cond.AddMember(json::str(name, a_), *inner, a_);
      return cond;
    }
    std::string sub;
    if (is_composite(f->type) && f->name == name) {
      sub = last ? composite_subfields(f->type).front() : segs[i + 1];
      const auto& subs = composite_subfields(f->type);
      if (std::find(subs.begin(), subs.end(), sub) == subs.end())
        return make_unexpected("unknown subfield '" + sub + "' of " + name + " on "
                               + obj.name_singular);
      if (i + 2 < segs.size())
        return make_unexpected("'" + name + "." + sub + "' has no subfields");
    } else if (!last) {
      return make_unexpected("field '" + name + "' on " + obj.name_singular + " has no subfields");
    }
    bool number = f->name == name && numeric_path(*f, sub);
    bool boolean = f->name == name && f->type == field_type::boolean;
    json::value v;
    if (op == "is") {
      if (values.size() != 1 || (values[0] != "NULL" && values[0] != "NOT_NULL"))
        return make_unexpected(std::string("'is' takes NULL or NOT_NULL"));
      v = json::str(values[0], a_);
    } else if (is_list) {
      v.SetArray();
      for (auto& x : values) {
        auto t = typed(x, number, boolean);
        if (!t)
          return make_unexpected("filter on '" + name + "': " + t.error());
        v.PushBack(*t, a_);
      }
    } else {
      auto t = typed(values.empty() ? std::string() : values[0], number, boolean);
      if (!t)
        return make_unexpected("filter on '" + name + "': " + t.error());
      v = std::move(*t);
    }
    json::value opv(rapidjson::kObjectType);
    opv.AddMember(json::str(op, a_), v, a_);
    if (!sub.empty()) {
      json::value subv(rapidjson::kObjectType);
      subv.AddMember(json::str(sub, a_), opv, a_);
      cond.AddMember(json::str(name, a_), subv, a_);
    } else {
      cond.AddMember(json::str(name, a_), opv, a_);
    }
    return cond;
  }

  const workspace_schema& schema_;
  const object& obj_;
  std::string_view s_;
  json::allocator& a_;
  std::size_t i_ = 0;
  std::string error_;
};

expected<json::value, std::string> order_item(const workspace_schema& schema, const object& obj,
                                              const std::vector<std::string>& segs, std::size_t i,
                                              int depth, const std::string& dir,
                                              json::allocator& a) {
  const auto& name = segs[i];
  auto f = obj.find_field(name);
  if (!f || !f->is_active)
    return make_unexpected(unknown_field(schema, obj, name));
  bool last = i + 1 == segs.size();
  json::value inner;
  if (f->type == field_type::relation && f->name == name) {
    if (last || !f->is_many_to_one())
      return make_unexpected("order_by on the relation '" + name + "': sort by a field of the "
                             "related record, e.g. " + name + ".name");
    if (depth + 1 > max_relation_depth)
      return make_unexpected("order_by crosses at most " + std::to_string(max_relation_depth)
                             + " relations");
    auto target = schema.find_object(f->relation_target_object);
    if (!target)
      return make_unexpected("the target of relation '" + name + "' is not in the schema");
    auto sub = order_item(schema, *target, segs, i + 1, depth + 1, dir, a);
    if (!sub)
      return sub;
    inner = std::move(*sub);
  } else if (is_composite(f->type) && f->name == name) {
    // A bare composite sorts by its first subfield, as REST does (amount by amountMicros).
    auto sub = last ? composite_subfields(f->type).front() : segs[i + 1];
    const auto& subs = composite_subfields(f->type);
    if (std::find(subs.begin(), subs.end(), sub) == subs.end() || i + 2 < segs.size())
      return make_unexpected("unknown subfield '" + sub + "' of " + name + " on "
                             + obj.name_singular);
    inner.SetObject();
    inner.AddMember(json::str(sub, a), json::str(dir, a), a);
  } else {
    if (!last)
      return make_unexpected("field '" + name + "' on " + obj.name_singular + " has no subfields");
    inner = json::str(dir, a);
  }
  json::value item(rapidjson::kObjectType);
  item.AddMember(json::str(name, a), inner, a);
  return item;
}

} // namespace

const field* junction::target_field(std::string_view target_object) const {
  for (auto t : targets)
    if (t->relation_target_object == target_object)
      return t;
  return nullptr;
}

std::optional<junction> find_junction(const workspace_schema& schema, const object& obj) {
  std::optional<junction> found;
  for (auto& f : obj.fields) {
    if (!f.is_active || f.type != field_type::relation || f.is_many_to_one())
      continue;
    auto link = schema.find_object(f.relation_target_object);
    if (!link)
      continue;
    junction j;
    j.list_field = &f;
    j.link = link;
    bool shaped = true;
    for (auto& g : link->fields) {
      if (!g.is_active || is_bookkeeping(g))
        continue;
      if (g.is_many_to_one() && !g.join_column.empty()) {
        if (!j.owner && g.relation_target_object == obj.name_singular)
          j.owner = &g;
        else
          j.targets.push_back(&g);
      } else if (g.name == link->label_identifier_field && g.nullable && !g.is_unique) {
        // Twenty gives every custom object a `name`; an optional one does not make a record.
      } else {
        shaped = false; // a field of its own: a record, not a link
        break;
      }
    }
    if (!shaped || !j.owner || j.targets.empty())
      continue;
    // Twenty names its junction lists <object>Targets; prefer that one when there are several.
    bool named = f.name.size() > 7 && f.name.compare(f.name.size() - 7, 7, "Targets") == 0;
    if (!found || named)
      found = j;
    if (named)
      break;
  }
  return found;
}

std::optional<std::string> check_field_paths(const workspace_schema& schema, const object& obj,
                                             const std::vector<std::string>& paths) {
  std::string problems;
  for (const auto& path : paths) {
    auto segs = split(path, '.');
    const object* at = &obj;
    int depth = 0;
    std::string problem;
    for (std::size_t i = 0; i < segs.size() && problem.empty(); ++i) {
      const auto& name = segs[i];
      bool last = i + 1 == segs.size();
      if (name == targets_key && find_junction(schema, *at)) {
        if (!last)
          problem = "'targets' has no subfields (each target has object, id and name)";
        break;
      }
      auto f = at->find_field(name);
      if (!f || !f->is_active) {
        problem = unknown_field(schema, *at, name);
        break;
      }
      if (last)
        break;
      if (f->type == field_type::relation && f->name == name) {
        if (++depth > max_relation_depth) {
          problem = "'" + path + "' crosses more than " + std::to_string(max_relation_depth)
                    + " relations";
          break;
        }
        at = schema.find_object(f->relation_target_object);
        if (!at)
          problem = "the target of relation '" + name + "' is not in the schema";
        continue;
      }
      const auto& subs = composite_subfields(f->type);
      if (subs.empty() || f->name != name) {
        problem = "field '" + name + "' on " + at->name_singular + " ("
                  + (f->name != name ? std::string("a relation id") : f->type_name)
                  + ") has no subfields";
      } else if (std::find(subs.begin(), subs.end(), segs[i + 1]) == subs.end()) {
        problem = "unknown subfield '" + segs[i + 1] + "' of " + name + " (" + f->type_name
                  + ") on " + at->name_singular;
        if (auto s = suggest_name(segs[i + 1], subs))
          problem += "; did you mean '" + *s + "'?";
      } else if (i + 2 < segs.size()) {
        problem = "'" + name + "." + segs[i + 1] + "' has no subfields";
      }
      break;
    }
    if (!problem.empty())
      problems += (problems.empty() ? "" : "; ") + problem;
  }
  if (problems.empty())
    return std::nullopt;
  return problems;
}

std::string selection_set(const workspace_schema& schema, const object& obj,
                          const field_tree* only) {
  std::string out;
  if (only && !only->empty())
    tree_selection(schema, obj, *only, out);
  else
    default_selection(schema, obj, out);
  return out;
}

std::vector<std::string> selected_objects(const workspace_schema& schema, const object& obj,
                                          const field_tree* only) {
  std::vector<std::string> out;
  collect_objects(schema, obj, only, out);
  return out;
}

expected<std::string, std::string> graphql_filter(const workspace_schema& schema,
                                                  const object& obj, std::string_view filter) {
  if (std::all_of(filter.begin(), filter.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
    return std::string();
  json::document d;
  filter_reader reader(schema, obj, filter, d.GetAllocator());
  auto v = reader.run();
  if (!v)
    return make_unexpected(v.error());
  return json::stringify(*v);
}

expected<std::string, std::string> graphql_order(const workspace_schema& schema,
                                                 const object& obj, std::string_view order_by) {
  json::document d;
  auto& a = d.GetAllocator();
  d.SetArray();
  for (auto& raw : split(order_by, ',')) {
    std::string item = raw;
    item.erase(std::remove_if(item.begin(), item.end(),
                              [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
               item.end());
    if (item.empty())
      continue;
    std::string dir = "AscNullsFirst";
    if (auto open = item.find('['); open != std::string::npos) {
      if (item.back() != ']')
        return make_unexpected("malformed order_by item '" + item + "'; eg: name[AscNullsFirst]");
      dir = item.substr(open + 1, item.size() - open - 2);
      item.resize(open);
    }
    if (dir != "AscNullsFirst" && dir != "AscNullsLast" && dir != "DescNullsFirst"
        && dir != "DescNullsLast")
      return make_unexpected("order_by direction '" + dir + "' invalid; use AscNullsFirst, "
                             "AscNullsLast, DescNullsFirst or DescNullsLast");
    auto v = order_item(schema, obj, split(item, '.'), 0, 0, dir, a);
    if (!v)
      return make_unexpected(v.error());
    d.PushBack(*v, a);
  }
  if (d.Empty())
    return std::string();
  return json::stringify(d);
}

bool reaches_relation(const object& obj, std::string_view text) {
  return !relations_reached(obj, text).empty();
}

std::vector<const field*> relations_reached(const object& obj, std::string_view text) {
  std::vector<const field*> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !std::isalpha(static_cast<unsigned char>(text[i])))
      ++i;
    auto start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
      ++i;
    if (i < text.size() && text[i] == '.') {
      auto f = obj.find_field(text.substr(start, i - start));
      if (f && f->type == field_type::relation && f->name == text.substr(start, i - start)
          && std::find(out.begin(), out.end(), f) == out.end())
        out.push_back(f);
    }
    // Skip a quoted value: its content is data, not a path.
    if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
      auto end = text.find(text[i], i + 1);
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (i < text.size()) {
      ++i;
    }
  }
  return out;
}

std::string list_request_body(const object& obj, const std::string& selection,
                              const list_query& q) {
  auto type = pascal(obj.name_singular);
  std::string params = "$first: Int", args = "first: $first";
  std::string vars = "\"first\":" + std::to_string(q.limit);
  if (!q.filter_json.empty()) {
    params += ", $filter: " + type + "FilterInput";
    args += ", filter: $filter";
    vars += ",\"filter\":" + q.filter_json;
  }
  if (!q.order_json.empty()) {
    params += ", $orderBy: [" + type + "OrderByInput]";
    args += ", orderBy: $orderBy";
    vars += ",\"orderBy\":" + q.order_json;
  }
  if (!q.after.empty()) {
    params += ", $after: String";
    args += ", after: $after";
    vars += ",\"after\":" + json::quote(q.after);
  }
  auto query = "query(" + params + ") { " + obj.name_plural + "(" + args
               + ") { totalCount pageInfo { hasNextPage endCursor } edges { node { " + selection
               + " } } } }";
  return "{\"query\":" + json::quote(query) + ",\"variables\":{" + vars + "}}";
}

std::string get_request_body(const object& obj, const std::string& selection,
                             const std::string& id) {
  auto query = "{ " + obj.name_singular + "(filter: {id: {eq: " + json::quote(id) + "}}) { "
               + selection + " } }";
  return "{\"query\":" + json::quote(query) + "}";
}

void junction_to_targets(const workspace_schema& schema, const object& obj, json::value& rec,
                         json::allocator& a) {
  auto j = find_junction(schema, obj);
  if (!j || !rec.IsObject())
    return;
  auto it = rec.FindMember(j->list_field->name.c_str());
  if (it == rec.MemberEnd())
    return;
  json::value nodes(rapidjson::kArrayType);
  if (it->value.IsArray())
    nodes.CopyFrom(it->value, a);
  else if (auto edges = json::find(it->value, "edges"); edges && edges->IsArray())
    for (auto& e : edges->GetArray())
      if (auto n = json::find(e, "node"))
        nodes.PushBack(json::value(*n, a), a);
  json::value out(rapidjson::kArrayType);
  for (auto& n : nodes.GetArray()) {
    for (auto t : j->targets) {
      auto target = schema.find_object(t->relation_target_object);
      if (!target)
        continue;
      std::string id;
      json::value label;
      if (auto rel = json::find(n, t->name.c_str()); rel && rel->IsObject()) {
        id = json::get_string(*rel, "id").value_or("");
        if (auto l = json::find(*rel, target->label_identifier_field.c_str()); l && !l->IsNull()) {
          label.CopyFrom(*l, a);
          if (label.IsObject()) { // a full name reads as one string
            std::string text;
            for (auto& m : label.GetObject())
              if (m.value.IsString() && m.value.GetStringLength())
                text += (text.empty() ? "" : " ") + std::string(m.value.GetString());
            label = json::str(text, a);
          }
        }
      } else if (auto col = json::get_string(n, t->join_column.c_str())) {
        id = *col;
      }
      if (id.empty())
        continue;
      json::value entry(rapidjson::kObjectType);
      entry.AddMember("object", json::str(target->name_plural, a), a);
      entry.AddMember("id", json::str(id, a), a);
      if (label.IsString() && label.GetStringLength())
        entry.AddMember("name", label, a);
      out.PushBack(entry, a);
    }
  }
  rec.EraseMember(it);
  rec.AddMember(json::str(targets_key, a), out, a);
}

} // namespace tmcp::twenty

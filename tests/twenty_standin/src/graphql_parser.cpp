#include "graphql.hpp"

#include <cctype>
#include <map>

namespace standin {

namespace {

class parser {
public:
  explicit parser(std::string_view s) : s_(s) {}

  bool parse_document(std::vector<gql_operation>& ops, std::map<std::string, std::vector<gql_field>>& frags) {
    skip();
    while (pos_ < s_.size()) {
      if (peek('{')) {
        gql_operation op;
        if (!selection_set(op.selection)) return false;
        ops.push_back(std::move(op));
      } else {
        std::string kw = name();
        if (kw == "fragment") {
          std::string fname = name();
          if (name() != "on") return fail("Expected \"on\"");
          name();
          directives();
          std::vector<gql_field> sel;
          if (!selection_set(sel)) return false;
          frags[fname] = std::move(sel);
        } else if (kw == "query" || kw == "mutation" || kw == "subscription") {
          gql_operation op;
          op.type = kw;
          if (std::isalpha(static_cast<unsigned char>(cur())) || cur() == '_') op.name = name();
          if (eat('(') && !variable_definitions(op)) return false;
          directives();
          if (!selection_set(op.selection)) return false;
          ops.push_back(std::move(op));
        } else {
          return fail("Unexpected Name \"" + kw + "\"");
        }
      }
      skip();
    }
    if (ops.empty()) return fail("Unexpected <EOF>");
    return !failed_;
  }

  std::string error;

private:
  char cur() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '\xEF' || c == '\xBB' || c == '\xBF') {
        ++pos_;
      } else {
        break;
      }
    }
  }
  bool peek(char c) { skip(); return cur() == c; }
  bool eat(char c) {
    skip();
    if (cur() != c) return false;
    ++pos_;
    skip();
    return true;
  }
  bool fail(const std::string& msg) {
    if (!failed_) error = "Syntax Error: " + msg;
    failed_ = true;
    return false;
  }
  std::string name() {
    skip();
    size_t start = pos_;
    if (std::isalpha(static_cast<unsigned char>(cur())) || cur() == '_')
      while (std::isalnum(static_cast<unsigned char>(cur())) || cur() == '_') ++pos_;
    if (start == pos_) {
      fail(pos_ >= s_.size() ? "Expected Name, found <EOF>." : std::string("Expected Name, found \"") + cur() + "\".");
      pos_ = s_.size();
      return {};
    }
    std::string out(s_.substr(start, pos_ - start));
    skip();
    return out;
  }
  bool variable_definitions(gql_operation& op) {
    while (!eat(')')) {
      if (failed_ || pos_ >= s_.size()) return fail("Unterminated variable definitions");
      if (!eat('$')) return fail("Expected $");
      std::string var = name();
      if (!eat(':')) return fail("Expected :");
      type_ref();
      if (eat('=')) {
        gql_value v;
        if (!value(v)) return false;
        op.variable_defaults.emplace_back(var, std::move(v));
      }
      directives();
    }
    return !failed_;
  }
  void type_ref() {
    if (eat('[')) {
      type_ref();
      eat(']');
    } else {
      name();
    }
    eat('!');
  }
  void directives() {
    while (eat('@')) {
      name();
      if (eat('(')) {
        std::vector<std::pair<std::string, gql_value>> ignored;
        arguments(ignored);
      }
    }
  }
  bool arguments(std::vector<std::pair<std::string, gql_value>>& out) {
    while (!eat(')')) {
      if (failed_ || pos_ >= s_.size()) return fail("Unterminated arguments");
      std::string n = name();
      if (!eat(':')) return fail("Expected :");
      gql_value v;
      if (!value(v)) return false;
      out.emplace_back(n, std::move(v));
    }
    return !failed_;
  }
  bool string_value(std::string& out) {
    if (s_.substr(pos_, 3) == "\"\"\"") {
      auto end = s_.find("\"\"\"", pos_ + 3);
      if (end == std::string_view::npos) return fail("Unterminated string.");
      out = std::string(s_.substr(pos_ + 3, end - pos_ - 3));
      pos_ = end + 3;
      return true;
    }
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\') { out += c; continue; }
      char e = cur();
      ++pos_;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          unsigned cp = static_cast<unsigned>(std::stoul(std::string(s_.substr(pos_, 4)), nullptr, 16));
          pos_ += 4;
          if (cp < 0x80) out += static_cast<char>(cp);
          else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
          else { out += static_cast<char>(0xE0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
          break;
        }
        default: out += e;
      }
    }
    if (cur() != '"') return fail("Unterminated string.");
    ++pos_;
    return true;
  }
  bool value(gql_value& v) {
    skip();
    char c = cur();
    if (c == '$') {
      ++pos_;
      v.kind = gql_value::variable_k;
      v.text = name();
    } else if (c == '"') {
      v.kind = gql_value::string_k;
      if (!string_value(v.text)) return false;
      skip();
    } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = pos_++;
      bool is_float = false;
      while (std::isdigit(static_cast<unsigned char>(cur())) || cur() == '.' || cur() == 'e' || cur() == 'E'
             || ((cur() == '+' || cur() == '-') && (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E'))) {
        is_float = is_float || !std::isdigit(static_cast<unsigned char>(cur()));
        ++pos_;
      }
      v.kind = is_float ? gql_value::float_k : gql_value::int_k;
      v.text = std::string(s_.substr(start, pos_ - start));
      skip();
    } else if (c == '[') {
      ++pos_;
      v.kind = gql_value::list_k;
      while (!eat(']')) {
        if (failed_ || pos_ >= s_.size()) return fail("Unterminated list");
        gql_value item;
        if (!value(item)) return false;
        v.items.push_back(std::move(item));
      }
    } else if (c == '{') {
      ++pos_;
      v.kind = gql_value::object_k;
      while (!eat('}')) {
        if (failed_ || pos_ >= s_.size()) return fail("Unterminated object");
        std::string n = name();
        if (!eat(':')) return fail("Expected :");
        gql_value item;
        if (!value(item)) return false;
        v.fields.emplace_back(n, std::move(item));
      }
    } else {
      std::string n = name();
      if (failed_) return false;
      if (n == "true" || n == "false") { v.kind = gql_value::bool_k; v.b = n == "true"; }
      else if (n == "null") v.kind = gql_value::null_k;
      else { v.kind = gql_value::enum_k; v.text = n; }
    }
    return !failed_;
  }
  bool selection_set(std::vector<gql_field>& out) {
    if (!eat('{')) return fail("Expected {");
    while (!eat('}')) {
      if (failed_ || pos_ >= s_.size()) return fail("Expected Name, found <EOF>.");
      if (s_.substr(pos_, 3) == "...") {
        pos_ += 3;
        skip();
        std::string n = name();
        if (n == "on") {  // inline fragment: its fields join the parent selection
          name();
          directives();
          if (!selection_set(out)) return false;
        } else {
          directives();
          gql_field spread;
          spread.name = "..." + n;
          out.push_back(std::move(spread));
        }
        continue;
      }
      gql_field f;
      f.name = name();
      if (eat(':')) {
        f.alias = f.name;
        f.name = name();
      }
      if (eat('(') && !arguments(f.args)) return false;
      directives();
      if (peek('{') && !selection_set(f.selection)) return false;
      out.push_back(std::move(f));
    }
    return !failed_;
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool failed_ = false;
};

bool expand(std::vector<gql_field>& sel, const std::map<std::string, std::vector<gql_field>>& frags,
            int depth, std::string& err) {
  if (depth > 20) { err = "Fragment cycle detected"; return false; }
  std::vector<gql_field> out;
  for (auto& f : sel) {
    if (f.name.rfind("...", 0) == 0) {
      auto it = frags.find(f.name.substr(3));
      if (it == frags.end()) { err = "Unknown fragment \"" + f.name.substr(3) + "\"."; return false; }
      auto copy = it->second;
      if (!expand(copy, frags, depth + 1, err)) return false;
      for (auto& c : copy) out.push_back(std::move(c));
    } else {
      if (!expand(f.selection, frags, depth + 1, err)) return false;
      out.push_back(std::move(f));
    }
  }
  sel = std::move(out);
  return true;
}

}  // namespace

const gql_value* gql_field::arg(std::string_view n) const {
  for (auto& [k, v] : args)
    if (k == n) return &v;
  return nullptr;
}

result<gql_operation> parse_graphql(std::string_view doc, const std::string& operation_name,
                                    gql_error* err) {
  parser p(doc);
  std::vector<gql_operation> ops;
  std::map<std::string, std::vector<gql_field>> frags;
  auto failure = [&](std::string msg, std::string code) {
    if (err) *err = {std::move(msg), std::move(code), {}};
    return result<gql_operation>(bad_request("graphql"));
  };
  if (!p.parse_document(ops, frags)) return failure(p.error, "GRAPHQL_PARSE_FAILED");
  gql_operation* chosen = nullptr;
  for (auto& op : ops)
    if (operation_name.empty() ? true : op.name == operation_name) {
      if (chosen && operation_name.empty())
        return failure("Must provide operation name if query contains multiple operations.", "BAD_REQUEST");
      chosen = &op;
    }
  if (!chosen) return failure("Unknown operation named \"" + operation_name + "\".", "BAD_REQUEST");
  std::string expand_err;
  if (!expand(chosen->selection, frags, 0, expand_err)) return failure(expand_err, "GRAPHQL_VALIDATION_FAILED");
  return std::move(*chosen);
}

json_value gql_to_json(const gql_value& v, const json_value& vars,
                       const std::vector<std::pair<std::string, gql_value>>& defaults, json_alloc& a) {
  switch (v.kind) {
    case gql_value::null_k: return json_value();
    case gql_value::bool_k: return json_value(v.b);
    case gql_value::int_k: return json_value(static_cast<int64_t>(std::stoll(v.text)));
    case gql_value::float_k: return json_value(std::stod(v.text));
    case gql_value::string_k: case gql_value::enum_k: return str_value(v.text, a);
    case gql_value::variable_k: {
      if (vars.IsObject() && vars.HasMember(v.text.c_str())) return json_value(vars[v.text.c_str()], a);
      for (auto& [k, d] : defaults)
        if (k == v.text) return gql_to_json(d, vars, defaults, a);
      return json_value();
    }
    case gql_value::list_k: {
      json_value out(rapidjson::kArrayType);
      for (auto& item : v.items) out.PushBack(gql_to_json(item, vars, defaults, a), a);
      return out;
    }
    case gql_value::object_k: {
      json_value out(rapidjson::kObjectType);
      for (auto& [k, item] : v.fields) out.AddMember(str_value(k, a), gql_to_json(item, vars, defaults, a), a);
      return out;
    }
  }
  return json_value();
}

json_value gql_args(const gql_field& f, const json_value& vars,
                    const std::vector<std::pair<std::string, gql_value>>& defaults, json_alloc& a) {
  json_value out(rapidjson::kObjectType);
  for (auto& [k, v] : f.args) out.AddMember(str_value(k, a), gql_to_json(v, vars, defaults, a), a);
  return out;
}

bool parse_gql_request(const std::string& body, gql_request& out, std::string* err) {
  rapidjson::Document d;
  if (!parse_json(body, d, err)) return false;
  if (!d.IsObject() || !d.HasMember("query") || !d["query"].IsString()) {
    if (err) *err = "Must provide query string.";
    return false;
  }
  out.query = d["query"].GetString();
  if (d.HasMember("operationName") && d["operationName"].IsString()) out.operation_name = d["operationName"].GetString();
  out.variables.SetObject();
  if (d.HasMember("variables") && d["variables"].IsObject()) out.variables.CopyFrom(d["variables"], out.variables.GetAllocator());
  return true;
}

std::string gql_error_body(const std::vector<gql_error>& errors, const json_value* data) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  w.Key("errors");
  w.StartArray();
  for (auto& e : errors) {
    w.StartObject();
    w.Key("message"); w.String(e.message.c_str());
    if (!e.path.empty()) {
      w.Key("path");
      w.StartArray();
      w.String(e.path.c_str());
      w.EndArray();
    }
    w.Key("extensions");
    w.StartObject();
    if (!e.sub_code.empty()) {
      w.Key("subCode"); w.String(e.sub_code.c_str());
      w.Key("userFriendlyMessage"); w.String("An error occurred.");
    }
    w.Key("code"); w.String(e.code.c_str());
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  if (data) {
    w.Key("data");
    data->Accept(w);
  }
  w.EndObject();
  return sb.GetString();
}

std::string gql_code_for(const api_error& e) {
  switch (e.status) {
    case 401: return "UNAUTHENTICATED";
    case 403: return "FORBIDDEN";
    case 404: return "NOT_FOUND";
    case 409: return "CONFLICT";
    case 429: return "RATE_LIMITED";
    default: return e.status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_USER_INPUT";
  }
}

}  // namespace standin

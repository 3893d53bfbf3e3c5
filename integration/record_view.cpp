#include "integration/record_view.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstdint>

namespace tmcp::twenty {

namespace {

constexpr long long micros_per_unit = 1000000;

// Removes `key` keeping the order of the others (RemoveMember moves the last member up).
void erase_key(json::value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it != v.MemberEnd())
    v.EraseMember(it);
}

bool is_empty(const json::value& v) {
  return v.IsNull() || (v.IsString() && v.GetStringLength() == 0) || (v.IsArray() && v.Empty())
         || (v.IsObject() && v.ObjectEmpty());
}

std::optional<long long> micros_of(const json::value& v) {
  if (v.IsInt64())
    return v.GetInt64();
  if (v.IsUint64())
    return std::nullopt; // beyond int64: not an amount Twenty stores
  if (v.IsDouble())
    return static_cast<long long>(v.GetDouble());
  if (v.IsString()) { // Twenty's BigFloat may come back as text
    errno = 0;
    char* end = nullptr;
    long long n = std::strtoll(v.GetString(), &end, 10);
    if (errno == 0 && end && *end == '\0' && end != v.GetString())
      return n;
  }
  return std::nullopt;
}

// A composite reduced to its one remaining subfield, when that subfield is the primary one.
void flatten_primary(json::value& v, const char* primary) {
  if (v.IsObject() && v.MemberCount() == 1 && v.HasMember(primary)) {
    json::value inner;
    inner.Swap(v[primary]);
    v.Swap(inner);
  }
}

// "2026-01-01T10:00:00.000Z" -> "2026-01-01T10:00:00Z": the same instant, fewer tokens.
void trim_zero_millis(json::value& v, json::allocator& a) {
  if (!v.IsString())
    return;
  std::string_view s(v.GetString(), v.GetStringLength());
  if (s.size() > 5 && s.substr(s.size() - 5) == ".000Z") {
    std::string t(s.substr(0, s.size() - 5));
    t += 'Z';
    v = json::str(t, a);
  }
}

// The nodes of a GraphQL connection or a plain array, as an array value.
void connection_to_array(json::value& v, json::allocator& a) {
  if (!v.IsObject() || !v.HasMember("edges") || !v["edges"].IsArray())
    return;
  json::value out(rapidjson::kArrayType);
  for (auto& e : v["edges"].GetArray())
    if (e.IsObject() && e.HasMember("node"))
      out.PushBack(e["node"].Move(), a);
  v.Swap(out);
}

void keep_only(json::value& v, const field_tree* only) {
  if (!only || only->empty() || !v.IsObject())
    return;
  for (auto it = v.MemberBegin(); it != v.MemberEnd();)
    it = only->children.count(it->name.GetString()) ? it + 1 : v.EraseMember(it);
}

void render_value(const workspace_schema& schema, const field& f, json::value& v,
                  json::allocator& a, const field_tree* sub) {
  if (f.type == field_type::relation) {
    auto target = schema.find_object(f.relation_target_object);
    connection_to_array(v, a);
    auto one = [&](json::value& rec) {
      if (target)
        render_record(schema, *target, rec, a, sub && !sub->empty() ? sub : nullptr);
      else
        drop_empty(rec);
    };
    if (v.IsArray())
      for (auto& rec : v.GetArray())
        one(rec);
    else if (v.IsObject())
      one(v);
    return;
  }
  keep_only(v, sub);
  switch (f.type) {
    case field_type::currency: {
      if (!v.IsObject())
        break;
      auto m = v.HasMember("amountMicros") ? micros_of(v["amountMicros"]) : std::nullopt;
      if (!m) { // no amount: a bare code says nothing
        v.SetNull();
        break;
      }
      auto code = json::get_string(v, "currencyCode").value_or("");
      v = json::str(format_money(*m, code), a);
      break;
    }
    case field_type::links:
      drop_empty(v);
      flatten_primary(v, "primaryLinkUrl");
      break;
    case field_type::emails:
      drop_empty(v);
      flatten_primary(v, "primaryEmail");
      break;
    case field_type::phones:
      drop_empty(v);
      flatten_primary(v, "primaryPhoneNumber");
      break;
    case field_type::rich_text:
    case field_type::rich_text_v2:
      if (v.IsObject() && !(sub && sub->children.count("blocknote")))
        erase_key(v, "blocknote");
      drop_empty(v);
      flatten_primary(v, "markdown");
      break;
    case field_type::actor:
      if (v.IsObject() && !(sub && sub->children.count("context")))
        erase_key(v, "context");
      drop_empty(v);
      break;
    case field_type::date_time: trim_zero_millis(v, a); break;
    default: drop_empty(v); break;
  }
}

bool parse_decimal(std::string_view s, long long& micros, std::string& why) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  unsigned long long whole = 0, frac = 0;
  int frac_digits = 0;
  bool seen_digit = false, in_frac = false;
  for (char c : s) {
    if (c == ',' && !in_frac)
      continue; // thousands separator
    if (c == '.' && !in_frac) {
      in_frac = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      why = "'" + std::string(s) + "' is not a number";
      return false;
    }
    seen_digit = true;
    unsigned d = static_cast<unsigned>(c - '0');
    if (in_frac) {
      if (++frac_digits > 6) {
        why = "amounts have at most 6 decimals (Twenty stores micros)";
        return false;
      }
      frac = frac * 10 + d;
    } else {
      whole = whole * 10 + d;
      if (whole > static_cast<unsigned long long>(INT64_MAX / micros_per_unit)) {
        why = "amount too large";
        return false;
      }
    }
  }
  if (!seen_digit) {
    why = "no digits in the amount";
    return false;
  }
  for (int i = frac_digits; i < 6; ++i)
    frac *= 10;
  auto total = static_cast<long long>(whole * micros_per_unit + frac);
  micros = negative ? -total : total;
  return true;
}

std::optional<std::string> currency_input(const std::string& name, json::value& v,
                                          json::allocator& a) {
  money m;
  if (v.IsString()) {
    auto parsed = parse_money(std::string_view(v.GetString(), v.GetStringLength()));
    if (!parsed)
      return "field '" + name + "': " + parsed.error()
             + "; write money as \"46400000 USD\" or {\"amount\": 46400000, \"currency\": \"USD\"}";
    m = *parsed;
  } else if (v.IsObject() && (v.HasMember("amount") || v.HasMember("currency"))) {
    if (v.HasMember("amountMicros") || v.HasMember("currencyCode"))
      return "field '" + name + "': give either {amount, currency} or {amountMicros, currencyCode}";
    if (auto amount = json::find(v, "amount")) {
      std::string text;
      if (amount->IsString())
        text = amount->GetString();
      else if (amount->IsNumber())
        text = json::stringify(*amount);
      else
        return "field '" + name + "': 'amount' must be a number or a decimal string";
      auto parsed = parse_money(text);
      if (!parsed || !parsed->code.empty())
        return "field '" + name + "': 'amount' " + (parsed ? "has a code; put it in 'currency'" : parsed.error());
      m.micros = parsed->micros;
    }
    if (auto code = json::find(v, "currency")) {
      if (!code->IsString())
        return "field '" + name + "': 'currency' must be a code such as USD";
      m.code = code->GetString();
    }
  } else {
    return std::nullopt; // Twenty's own shape, or a type error the schema check reports
  }
  json::value out(rapidjson::kObjectType);
  out.AddMember("amountMicros", json::value(static_cast<int64_t>(m.micros)), a);
  if (!m.code.empty())
    out.AddMember("currencyCode", json::str(m.code, a), a);
  v.Swap(out);
  return std::nullopt;
}

} // namespace

bool hidden_by_default(const object& obj, std::string_view key) {
  if (key == "createdBy" || key == "updatedBy" || key == "position" || key == "searchVector")
    return true;
  if (key == "id" || key == "createdAt" || key == "updatedAt" || key == "deletedAt")
    return false;
  auto f = obj.find_field(key);
  return f && f->is_system && f->name == key;
}

field_tree make_field_tree(const std::vector<std::string>& paths) {
  field_tree root;
  for (const auto& p : paths) {
    field_tree* at = &root;
    std::size_t start = 0;
    for (;;) {
      auto dot = p.find('.', start);
      at = &at->children[p.substr(start, dot == std::string::npos ? std::string::npos : dot - start)];
      if (dot == std::string::npos)
        break;
      start = dot + 1;
    }
  }
  return root;
}

std::string format_money(long long micros, std::string_view code) {
  bool negative = micros < 0;
  unsigned long long m = negative ? 0ull - static_cast<unsigned long long>(micros)
                                  : static_cast<unsigned long long>(micros);
  std::string out = negative ? "-" : "";
  out += std::to_string(m / micros_per_unit);
  if (auto frac = m % micros_per_unit) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 6 - digits.size(), '0');
    while (digits.back() == '0')
      digits.pop_back();
    out += "." + digits;
  }
  if (!code.empty())
    out += " " + std::string(code);
  return out;
}

expected<money, std::string> parse_money(std::string_view text) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
      s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
      s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  money m;
  auto space = text.find(' ');
  std::string_view amount = text;
  if (space != std::string_view::npos) {
    auto first = trim(text.substr(0, space)), second = trim(text.substr(space + 1));
    bool first_is_code = !first.empty() && std::isalpha(static_cast<unsigned char>(first.front()));
    amount = first_is_code ? second : first;
    auto code = first_is_code ? first : second;
    if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) {
          return std::isalpha(static_cast<unsigned char>(c));
        }))
      return make_unexpected("'" + std::string(code) + "' is not a 3-letter currency code");
    for (char c : code)
      m.code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  std::string why;
  if (!parse_decimal(amount, m.micros, why))
    return make_unexpected(why);
  return m;
}

void drop_empty(json::value& v) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd();) {
      drop_empty(it->value);
      if (is_empty(it->value) || std::string_view(it->name.GetString()) == "__typename")
        it = v.EraseMember(it);
      else
        ++it;
    }
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray())
      drop_empty(e);
  }
}

void render_record(const workspace_schema& schema, const object& obj, json::value& rec,
                   json::allocator& a, const field_tree* only) {
  if (!rec.IsObject())
    return;
  bool asked_updated = only && only->children.count("updatedAt");
  for (auto it = rec.MemberBegin(); it != rec.MemberEnd();) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    const field_tree* sub = nullptr;
    if (only) {
      auto c = only->children.find(std::string(key));
      if (c == only->children.end()) { // only what was asked for, id included (issue 15.1)
        it = rec.EraseMember(it);
        continue;
      }
      sub = c == only->children.end() ? nullptr : &c->second;
    } else if (hidden_by_default(obj, key)) {
      it = rec.EraseMember(it);
      continue;
    }
    auto f = obj.find_field(key);
    if (f && f->name == key)
      render_value(schema, *f, it->value, a, sub);
    else
      drop_empty(it->value); // a join column (companyId), or a key the schema does not know
    if (is_empty(it->value) || key == "__typename")
      it = rec.EraseMember(it);
    else
      ++it;
  }
  // updatedAt repeats createdAt on records never changed.
  if (!asked_updated && rec.HasMember("updatedAt") && rec.HasMember("createdAt")
      && rec["updatedAt"] == rec["createdAt"])
    erase_key(rec, "updatedAt");
}

std::optional<std::string> to_twenty_input(const object& obj, json::value& data,
                                           json::allocator& a) {
  if (!data.IsObject())
    return std::nullopt;
  for (auto& m : data.GetObject()) {
    auto f = obj.find_field(m.name.GetString());
    if (!f || f->name != m.name.GetString())
      continue;
    const char* primary = nullptr;
    switch (f->type) {
      case field_type::currency:
        if (auto problem = currency_input(f->name, m.value, a))
          return problem;
        continue;
      case field_type::links: primary = "primaryLinkUrl"; break;
      case field_type::emails: primary = "primaryEmail"; break;
      case field_type::phones: primary = "primaryPhoneNumber"; break;
      case field_type::rich_text:
      case field_type::rich_text_v2: primary = "markdown"; break;
      default: continue;
    }
    if (m.value.IsString()) {
      json::value out(rapidjson::kObjectType);
      out.AddMember(json::str(primary, a), m.value.Move(), a);
      m.value.Swap(out);
    }
  }
  return std::nullopt;
}

} // namespace tmcp::twenty

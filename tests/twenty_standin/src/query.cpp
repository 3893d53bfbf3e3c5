#include "query.hpp"

#include <algorithm>

namespace standin {

namespace {

const json_value* value_at(const json_value& rec, const std::vector<std::string>& path) {
  if (!rec.IsObject()) return nullptr;
  auto it = rec.FindMember(path[0].c_str());
  if (it == rec.MemberEnd()) return nullptr;
  if (path.size() == 1) return &it->value;
  if (!it->value.IsObject()) return nullptr;
  auto sub = it->value.FindMember(path[1].c_str());
  return sub == it->value.MemberEnd() ? nullptr : &sub->value;
}

int compare_values(const json_value& a, const json_value& b, bool is_date) {
  if (a.IsNumber() && b.IsNumber()) {
    double x = a.GetDouble(), y = b.GetDouble();
    return x < y ? -1 : (y < x ? 1 : 0);
  }
  if (a.IsBool() && b.IsBool())
    return static_cast<int>(a.GetBool()) - static_cast<int>(b.GetBool());
  if (a.IsString() && b.IsString()) {
    if (is_date) {
      auto x = parse_iso_time(a.GetString()), y = parse_iso_time(b.GetString());
      if (x && y) return *x < *y ? -1 : (*y < *x ? 1 : 0);
    }
    std::string_view x(a.GetString(), a.GetStringLength()), y(b.GetString(), b.GetStringLength());
    return x.compare(y) < 0 ? -1 : (x == y ? 0 : 1);
  }
  return 0;
}

}  // namespace

std::optional<direction> parse_direction(std::string_view s) {
  if (s == "AscNullsFirst") return direction::asc_nulls_first;
  if (s == "AscNullsLast") return direction::asc_nulls_last;
  if (s == "DescNullsFirst") return direction::desc_nulls_first;
  if (s == "DescNullsLast") return direction::desc_nulls_last;
  return std::nullopt;
}

int compare_records(const order_spec& spec, const json_value& a, const json_value& b) {
  for (auto& item : spec) {
    const json_value* x = value_at(a, item.path);
    const json_value* y = value_at(b, item.path);
    bool xn = !x || x->IsNull(), yn = !y || y->IsNull();
    bool nulls_first = item.dir == direction::asc_nulls_first || item.dir == direction::desc_nulls_first;
    bool desc = item.dir == direction::desc_nulls_first || item.dir == direction::desc_nulls_last;
    int c;
    if (xn || yn)
      c = xn == yn ? 0 : ((xn ? -1 : 1) * (nulls_first ? 1 : -1));
    else
      c = compare_values(*x, *y, item.is_date) * (desc ? -1 : 1);
    if (c != 0) return c;
  }
  return 0;
}

result<order_spec> parse_rest_order_by(const std::optional<std::string>& q) {
  order_spec spec;
  if (q) {
    size_t start = 0;
    while (true) {
      size_t comma = q->find(',', start);
      std::string item = q->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      order_item oi;
      std::string fields = item;
      if (item.find('[') != std::string::npos && item.find(']') != std::string::npos) {
        auto lb = item.find('[');
        fields = item.substr(0, lb);
        std::string dir = item.substr(lb + 1);
        dir.erase(dir.find(']'), 1);
        auto d = parse_direction(dir);
        if (!d)
          return bad_request("'order_by' direction '" + dir + "' invalid. Allowed values are "
                             "'AscNullsFirst', 'AscNullsLast', 'DescNullsFirst', 'DescNullsLast'. "
                             "eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3",
                             "INVALID_ORDER_BY_QUERY_PARAM");
        oi.dir = *d;
      }
      size_t p = 0;
      while (true) {
        size_t dot = fields.find('.', p);
        oi.path.push_back(fields.substr(p, dot == std::string::npos ? std::string::npos : dot - p));
        if (dot == std::string::npos) break;
        p = dot + 1;
      }
      spec.push_back(std::move(oi));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  spec.push_back({{"id"}, direction::asc_nulls_first, false});
  return spec;
}

result<order_spec> order_from_graphql(const json_value& v) {
  order_spec spec;
  auto add_object = [&](const json_value& obj) -> std::optional<api_error> {
    if (!obj.IsObject()) return bad_request("orderBy entries must be objects");
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
      std::string key = it->name.GetString();
      if (it->value.IsObject()) {
        for (auto sub = it->value.MemberBegin(); sub != it->value.MemberEnd(); ++sub) {
          auto d = sub->value.IsString() ? parse_direction(sub->value.GetString()) : std::nullopt;
          if (!d) return bad_request("Invalid orderBy direction for '" + key + "'");
          spec.push_back({{key, sub->name.GetString()}, *d, false});
        }
        continue;
      }
      auto d = it->value.IsString() ? parse_direction(it->value.GetString()) : std::nullopt;
      if (!d) return bad_request("Invalid orderBy direction for '" + key + "'");
      spec.push_back({{key}, *d, false});
    }
    return std::nullopt;
  };
  if (v.IsArray()) {
    for (auto& item : v.GetArray())
      if (auto err = add_object(item)) return *err;
  } else if (!v.IsNull()) {
    if (auto err = add_object(v)) return *err;
  }
  if (std::none_of(spec.begin(), spec.end(), [](auto& i) { return i.path.size() == 1 && i.path[0] == "id"; }))
    spec.push_back({{"id"}, direction::asc_nulls_first, false});
  return spec;
}

std::optional<api_error> bind_order(order_spec& spec, const object_def& o) {
  for (auto& item : spec) {
    const field_def* f = o.field(item.path[0]);
    if (!f) f = o.field_by_join_column(item.path[0]);
    else if (f->relation) return bad_request("Ordering by relation '" + item.path[0] + "' is not supported");
    if (!f) return unknown_field(o, item.path[0]);
    if (item.path.size() > 2) return unknown_field(o, item.path[0] + "." + item.path[1]);
    if (item.path.size() == 2) {
      auto& subs = composite_subfields(f->type);
      if (std::find(subs.begin(), subs.end(), item.path[1]) == subs.end())
        return unknown_field(o, item.path[0] + "." + item.path[1]);
    } else if (is_composite(f->type)) {
      // A bare composite sorts by its first subfield (name -> name.firstName).
      item.path.push_back(composite_subfields(f->type).front());
      if (f->type == field_type::currency) item.path.back() = "amountMicros";
    }
    item.is_date = f->type == field_type::date_time || f->type == field_type::date;
  }
  return std::nullopt;
}

std::string encode_cursor(const order_spec& spec, const json_value& rec) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  std::vector<std::string> seen;
  for (auto& item : spec) {
    const std::string& key = item.path[0];
    if (key == "id" || std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    w.Key(key.c_str());
    auto it = rec.FindMember(key.c_str());
    if (it == rec.MemberEnd()) w.Null();
    else it->value.Accept(w);
  }
  w.Key("id");
  w.String(rec["id"].GetString());
  w.EndObject();
  return base64_encode(std::string_view(sb.GetString(), sb.GetSize()));
}

std::optional<api_error> decode_cursor(const std::string& cursor, rapidjson::Document& out) {
  auto raw = base64_decode(cursor);
  if (!raw || !parse_json(*raw, out) || !out.IsObject())
    return bad_request("Invalid cursor: " + cursor, "INVALID_CURSOR");
  return std::nullopt;
}

}  // namespace standin

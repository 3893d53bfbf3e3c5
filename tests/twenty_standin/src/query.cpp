#include "query.hpp"

#include "group_by.hpp"

#include <algorithm>

namespace standin {

void extract_sort_keys(const order_spec& spec, const json_value& rec, sort_key* out, int* hints) {
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const json_value* v;
    if (hints) {
      v = find_member(rec, spec[i].path[0], hints[2 * i]);
      if (v && spec[i].path.size() > 1) v = find_member(*v, spec[i].path[1], hints[2 * i + 1]);
    } else {
      v = value_at(rec, spec[i].path);
    }
    sort_key& k = out[i];
    k = sort_key{};
    if (!v || v->IsNull()) continue;
    if (v->IsNumber()) {
      k.kind = sort_key::number;
      k.num = v->GetDouble();
    } else if (v->IsBool()) {
      k.kind = sort_key::number;
      k.num = v->GetBool() ? 1 : 0;
    } else if (v->IsString()) {
      std::string_view s(v->GetString(), v->GetStringLength());
      if (spec[i].is_date)
        if (auto t = parse_iso_time(s)) {
          k.kind = sort_key::number;
          k.num = static_cast<double>(*t);
          continue;
        }
      k.kind = sort_key::text;
      k.str = s;
    }
  }
}

int compare_sort_keys(const order_spec& spec, const sort_key* a, const sort_key* b) {
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    const auto dir = spec[i].dir;
    bool xn = x.kind == sort_key::null, yn = y.kind == sort_key::null;
    bool nulls_first = dir == direction::asc_nulls_first || dir == direction::desc_nulls_first;
    bool desc = dir == direction::desc_nulls_first || dir == direction::desc_nulls_last;
    int c = 0;
    if (xn || yn) {
      c = xn == yn ? 0 : ((xn ? -1 : 1) * (nulls_first ? 1 : -1));
    } else if (x.kind == sort_key::number && y.kind == sort_key::number) {
      c = (x.num < y.num ? -1 : (y.num < x.num ? 1 : 0)) * (desc ? -1 : 1);
    } else if (x.kind == sort_key::text && y.kind == sort_key::text) {
      int r = x.str.compare(y.str);
      c = (r < 0 ? -1 : (r > 0 ? 1 : 0)) * (desc ? -1 : 1);
    }
    if (c != 0) return c;
  }
  return 0;
}

std::optional<direction> parse_direction(std::string_view s) {
  if (s == "AscNullsFirst") return direction::asc_nulls_first;
  if (s == "AscNullsLast") return direction::asc_nulls_last;
  if (s == "DescNullsFirst") return direction::desc_nulls_first;
  if (s == "DescNullsLast") return direction::desc_nulls_last;
  return std::nullopt;
}

int compare_records(const order_spec& spec, const json_value& a, const json_value& b) {
  std::vector<sort_key> x(spec.size()), y(spec.size());
  extract_sort_keys(spec, a, x.data());
  extract_sort_keys(spec, b, y.data());
  return compare_sort_keys(spec, x.data(), y.data());
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

#include "analytics/group_table.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace tmcp::analytics {

namespace {

double round_to(double v, double scale) {
  return std::round(v * scale) / scale;
}

const json::value* member(const json::value& obj, const std::string& key) {
  if (!obj.IsObject())
    return nullptr;
  auto it = obj.FindMember(key.c_str());
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

bool empty_json(const json::value* v) {
  if (!v || v->IsNull())
    return true;
  if (v->IsString())
    return v->GetStringLength() == 0;
  if (v->IsArray())
    return v->Empty();
  if (v->IsObject()) {
    for (auto& m : v->GetObject())
      if (!empty_json(&m.value))
        return false;
    return true;
  }
  return false;
}

// The key of a group: its dimension values, unambiguously.
std::string key_of(const std::vector<cell>& dims) {
  std::string k;
  for (const auto& c : dims) {
    switch (c.kind) {
      case cell::null_k: k += 'n'; break;
      case cell::number_k: k += 'd' + std::to_string(c.number); break;
      case cell::text_k: k += 't' + c.text; break;
      case cell::boolean_k: k += c.boolean ? "T" : "F"; break;
      case cell::per_code_k: k += 'p'; break;
    }
    k += '\x1f';
  }
  return k;
}

double total(const cell& c) {
  double t = 0;
  for (auto& [code, v] : c.per_code)
    t += v;
  return t;
}

int option_rank(const dimension* d, const std::string& v) {
  if (!d || d->field.kind != value_kind::select)
    return -1;
  auto& opts = d->field.options;
  auto it = std::find(opts.begin(), opts.end(), v);
  return it == opts.end() ? static_cast<int>(opts.size()) : static_cast<int>(it - opts.begin());
}

// <0, 0, >0; nulls sort after every value in both directions (the caller flips the rest).
int compare(const cell& a, const cell& b, const dimension* d) {
  if (a.kind != b.kind) {
    if (a.kind == cell::null_k || b.kind == cell::null_k)
      return 0; // handled by the caller
    return a.kind < b.kind ? -1 : 1;
  }
  switch (a.kind) {
    case cell::null_k: return 0;
    case cell::number_k: return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
    case cell::boolean_k: return a.boolean == b.boolean ? 0 : a.boolean ? 1 : -1;
    case cell::per_code_k: {
      auto ta = total(a), tb = total(b);
      return ta < tb ? -1 : ta > tb ? 1 : 0;
    }
    case cell::text_k: {
      auto ra = option_rank(d, a.text), rb = option_rank(d, b.text);
      if (ra != rb)
        return ra < rb ? -1 : 1;
      return a.text.compare(b.text) < 0 ? -1 : a.text == b.text ? 0 : 1;
    }
  }
  return 0;
}

void write_cell(const cell& c, json::value& out, json::allocator& a) {
  switch (c.kind) {
    case cell::null_k: out.SetNull(); return;
    case cell::text_k: out = json::str(c.text, a); return;
    case cell::boolean_k: out.SetBool(c.boolean); return;
    case cell::number_k:
      if (c.integral || c.number == std::floor(c.number))
        out.SetInt64(static_cast<int64_t>(c.number));
      else
        out.SetDouble(c.number);
      return;
    case cell::per_code_k:
      out.SetObject();
      for (auto& [code, v] : c.per_code) {
        json::value n;
        if (v == std::floor(v))
          n.SetInt64(static_cast<int64_t>(v));
        else
          n.SetDouble(v);
        out.AddMember(json::str(code.empty() ? "?" : code, a), n, a);
      }
      return;
  }
}

} // namespace

std::optional<double> number_of(const json::value* v) {
  if (!v)
    return std::nullopt;
  if (v->IsNumber())
    return v->GetDouble();
  if (v->IsString() && v->GetStringLength() > 0) {
    char* end = nullptr;
    double d = std::strtod(v->GetString(), &end);
    if (end && *end == '\0')
      return d;
  }
  return std::nullopt;
}

cell cell::from_json(const json::value& v) {
  cell c;
  if (v.IsString()) {
    c.kind = text_k;
    c.text = v.GetString();
  } else if (v.IsBool()) {
    c.kind = boolean_k;
    c.boolean = v.GetBool();
  } else if (v.IsNumber()) {
    c.kind = number_k;
    c.number = v.GetDouble();
    c.integral = v.IsInt64() || v.IsUint64();
  }
  return c;
}

cell cell::count(uint64_t n) {
  cell c;
  c.kind = number_k;
  c.number = static_cast<double>(n);
  c.integral = true;
  return c;
}

void group_table::stats::add(double v) {
  if (n == 0 || v < min)
    min = v;
  if (n == 0 || v > max)
    max = v;
  sum += v;
  ++n;
}

std::optional<std::string> bucket_label(const std::string& iso, granularity g,
                                        const time_zone& tz) {
  int64_t utc = 0;
  if (!parse_iso_instant(iso, utc))
    return std::nullopt;
  int64_t local = utc + tz.offset_at(utc);
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  civil_date d = civil_from_days(days);
  switch (g) {
    case granularity::none:
    case granularity::day: break;
    case granularity::week: d = civil_from_days(days - ((days + 3) % 7 + 7) % 7); break;
    case granularity::month: d.day = 1; break;
    case granularity::quarter:
      d.day = 1;
      d.month = (d.month - 1) / 3 * 3 + 1;
      break;
    case granularity::year:
      d.day = 1;
      d.month = 1;
      break;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return std::string(buf);
}

group_table::group_table(group_query q, time_zone tz) : q_(std::move(q)), tz_(std::move(tz)) {
  // nop
}

group_table::group& group_table::group_for(const std::vector<cell>& dims) {
  auto& g = groups_[key_of(dims)];
  if (g.aggs.empty()) {
    g.dims = dims;
    g.aggs.resize(q_.aggs.size());
  }
  return g;
}

cell group_table::dimension_value(const dimension& d, const json::value& rec) const {
  auto v = member(rec, d.field.key);
  if (v && !d.subfield.empty())
    v = member(*v, d.subfield);
  if (!v || v->IsNull())
    return cell{};
  if (d.grain != granularity::none) {
    if (!v->IsString())
      return cell{};
    auto label = bucket_label(v->GetString(), d.grain, tz_);
    cell c;
    if (label) {
      c.kind = cell::text_k;
      c.text = *label;
    }
    return c;
  }
  return cell::from_json(*v);
}

void group_table::accumulate(const aggregate& a, agg_state& s, const json::value& rec) {
  if (a.op == agg_op::count)
    return;
  auto v = member(rec, a.field.key);
  bool empty = a.field.kind == value_kind::currency
                 ? !v || !number_of(member(*v, "amountMicros"))
                 : empty_json(v);
  if (empty) {
    ++s.empty;
    return;
  }
  switch (a.op) {
    case agg_op::count_unique:
      s.unique.insert(std::hash<std::string>{}(json::stringify(*v)));
      return;
    case agg_op::sum:
    case agg_op::avg:
    case agg_op::min:
    case agg_op::max:
      if (a.field.kind == value_kind::currency) {
        auto code = member(*v, "currencyCode");
        std::string c = code && code->IsString() ? code->GetString() : "";
        s.by_code[c].add(*number_of(member(*v, "amountMicros")) / 1e6);
      } else if (a.field.kind == value_kind::date && v->IsString()) {
        std::string t = v->GetString();
        if (s.min_text.empty() || t < s.min_text)
          s.min_text = t;
        if (s.max_text.empty() || t > s.max_text)
          s.max_text = t;
      } else if (auto n = number_of(v)) {
        s.num.add(*n);
      }
      return;
    default: return;
  }
}

void group_table::add_record(const json::value& rec) {
  ++records_;
  std::vector<cell> dims;
  dims.reserve(q_.dims.size());
  for (const auto& d : q_.dims)
    dims.push_back(dimension_value(d, rec));
  auto& g = group_for(dims);
  ++g.count;
  for (std::size_t i = 0; i < q_.aggs.size(); ++i)
    accumulate(q_.aggs[i], g.aggs[i], rec);
}

void group_table::set_value(const std::vector<cell>& dims, std::size_t agg, cell value) {
  group_for(dims).aggs.at(agg).preset = std::move(value);
}

void group_table::add_amount(const std::vector<cell>& dims, std::size_t agg,
                             const std::string& currency, double amount) {
  auto& preset = group_for(dims).aggs.at(agg).preset;
  if (!preset || preset->kind != cell::per_code_k) {
    preset = cell{};
    preset->kind = cell::per_code_k;
  }
  preset->per_code[currency] = amount;
}

cell group_table::final_value(const aggregate& a, const group& g, const agg_state& s) const {
  if (s.preset)
    return *s.preset;
  cell c;
  auto number = [&](double v) {
    c.kind = cell::number_k;
    c.number = round_to(v, 100);
    return c;
  };
  switch (a.op) {
    case agg_op::count: return cell::count(g.count);
    case agg_op::count_empty: return cell::count(s.empty);
    case agg_op::count_not_empty: return cell::count(g.count - s.empty);
    case agg_op::count_unique: return cell::count(s.unique.size());
    case agg_op::percent_empty:
      if (g.count == 0)
        return c;
      c.kind = cell::number_k;
      c.number = round_to(100.0 * static_cast<double>(s.empty) / static_cast<double>(g.count), 10);
      return c;
    case agg_op::sum:
    case agg_op::avg:
    case agg_op::min:
    case agg_op::max: break;
  }
  auto pick = [&](const stats& st) {
    switch (a.op) {
      case agg_op::sum: return st.sum;
      case agg_op::avg: return st.sum / static_cast<double>(st.n);
      case agg_op::min: return st.min;
      default: return st.max;
    }
  };
  if (a.field.kind == value_kind::currency) {
    for (auto& [code, st] : s.by_code)
      if (st.n)
        c.per_code[code] = round_to(pick(st), 100);
    if (!c.per_code.empty())
      c.kind = cell::per_code_k;
    return c;
  }
  if (a.field.kind == value_kind::date) {
    auto& t = a.op == agg_op::min ? s.min_text : s.max_text;
    if (!t.empty()) {
      c.kind = cell::text_k;
      c.text = t;
    }
    return c;
  }
  return s.num.n ? number(pick(s.num)) : c;
}

std::vector<std::vector<cell>> group_table::ordered_rows() const {
  std::vector<std::vector<cell>> rows;
  rows.reserve(groups_.size());
  for (const auto& [key, g] : groups_) {
    auto row = g.dims;
    for (std::size_t i = 0; i < q_.aggs.size(); ++i)
      row.push_back(final_value(q_.aggs[i], g, g.aggs[i]));
    rows.push_back(std::move(row));
  }
  auto dim_at = [&](std::size_t col) -> const dimension* {
    return col < q_.dims.size() ? &q_.dims[col] : nullptr;
  };
  // One column: nulls last, then the direction.
  auto by = [&](const std::vector<cell>& a, const std::vector<cell>& b, std::size_t col,
                bool desc) {
    bool an = a[col].kind == cell::null_k, bn = b[col].kind == cell::null_k;
    if (an != bn)
      return an ? 1 : -1;
    int c = compare(a[col], b[col], dim_at(col));
    return desc ? -c : c;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    if (q_.order)
      if (int c = by(a, b, q_.order->column, q_.order->descending))
        return c < 0;
    for (std::size_t i = 0; i < q_.dims.size(); ++i)
      if (int c = by(a, b, i, false))
        return c < 0;
    return false;
  });
  return rows;
}

void group_table::write(json::document& out) const {
  if (!out.IsObject())
    out.SetObject();
  auto& a = out.GetAllocator();
  json::value columns(rapidjson::kArrayType);
  for (const auto& name : column_names(q_))
    columns.PushBack(json::str(name, a), a);
  out.AddMember("columns", columns, a);
  auto rows = ordered_rows();
  json::value list(rapidjson::kArrayType);
  std::size_t n = q_.limit ? std::min(q_.limit, rows.size()) : rows.size();
  for (std::size_t r = 0; r < n; ++r) {
    json::value row(rapidjson::kArrayType);
    for (const auto& c : rows[r]) {
      json::value v;
      write_cell(c, v, a);
      row.PushBack(v, a);
    }
    list.PushBack(row, a);
  }
  out.AddMember("rows", list, a);
  if (n < rows.size())
    out.AddMember("groups", static_cast<uint64_t>(rows.size()), a);
}

} // namespace tmcp::analytics

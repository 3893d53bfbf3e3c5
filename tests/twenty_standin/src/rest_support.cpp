// REST helpers: object lookup, query parameters, record serialization and envelopes.
#include "rest.hpp"

#include <cmath>
#include <cstdlib>

namespace standin {

result<const object_def*> resolve_object(const schema& s, const std::string& plural) {
  if (auto o = s.by_plural(plural))
    return static_cast<const object_def*>(o);
  if (auto o = s.by_singular(plural))
    return bad_request("object '" + plural + "' not found. Did you mean '" + o->name_plural + "'?");
  return bad_request("object '" + plural + "' not found. eg: companies");
}

result<int> parse_depth(const query_params& q) {
  auto d = query_get(q, "depth");
  if (!d) return 0;  // the parser's default (the OpenAPI document claims 1)
  if (*d == "0") return 0;
  if (*d == "1") return 1;
  return bad_request("'depth=" + *d + "' parameter invalid. Allowed values are 0, 1",
                     "INVALID_DEPTH_QUERY_PARAM");
}

result<std::size_t> parse_limit(const query_params& q, std::size_t def, std::size_t max) {
  auto l = query_get(q, "limit");
  if (!l || l->empty()) return def;
  // JavaScript's unary plus: whitespace-trimmed decimal, else NaN.
  char* end = nullptr;
  double v = std::strtod(l->c_str(), &end);
  bool nan = end == l->c_str() || *end != '\0' || std::isnan(v);
  if (nan || v < 0)
    return bad_request("limit '" + *l + "' is invalid. Should be an integer", "INVALID_LIMIT_QUERY_PARAM");
  return static_cast<std::size_t>(std::min(std::floor(v), static_cast<double>(max)));
}

const std::vector<row*>& relation_cache::children(const object_def& target,
                                                  const std::string& fk_column,
                                                  const std::string& parent_id) {
  std::string key = target.name_singular + "." + fk_column;
  auto it = index_.find(key);
  if (it == index_.end()) {
    auto& idx = index_[key];
    for (auto& [id, r] : db_.table_for(target).by_id) {
      if (r->soft_deleted()) continue;
      auto fk = r->data.FindMember(fk_column.c_str());
      if (fk != r->data.MemberEnd() && fk->value.IsString())
        idx[fk->value.GetString()].push_back(r);
    }
    it = index_.find(key);
  }
  static const std::vector<row*> none;
  auto c = it->second.find(parent_id);
  return c == it->second.end() ? none : c->second;
}

void write_record(json_writer& w, store& db, const object_def& o, const row& r, int depth,
                  relation_cache& cache) {
  if (depth <= 0) {
    r.data.Accept(w);
    return;
  }
  w.StartObject();
  for (auto m = r.data.MemberBegin(); m != r.data.MemberEnd(); ++m) {
    w.Key(m->name.GetString(), m->name.GetStringLength());
    m->value.Accept(w);
  }
  for (auto& f : o.fields) {
    if (!f->relation) continue;
    auto target = db.meta().by_singular(f->relation->target_object);
    if (!target) continue;
    w.Key(f->name.c_str());
    if (f->is_many_to_one()) {
      auto fk = r.data.FindMember(f->join_column().c_str());
      row* related = fk != r.data.MemberEnd() && fk->value.IsString() ? db.find(*target, fk->value.GetString())
                                                                      : nullptr;
      if (related && !related->soft_deleted()) related->data.Accept(w);
      else w.Null();
    } else {
      // One-to-many relations come back as a plain array, at most 60 rows.
      auto inverse = target->field(f->relation->inverse_field);
      w.StartArray();
      if (inverse) {
        auto& kids = cache.children(*target, inverse->join_column(), r.id);
        for (std::size_t i = 0; i < kids.size() && i < 60; ++i) kids[i]->data.Accept(w);
      }
      w.EndArray();
    }
  }
  w.EndObject();
}

std::string record_envelope(store& db, const object_def& o, const std::string& key, const row& r,
                            int depth) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  relation_cache cache(db);
  w.StartObject();
  w.Key("data");
  w.StartObject();
  w.Key(key.c_str());
  write_record(w, db, o, r, depth, cache);
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

std::string records_envelope(store& db, const object_def& o, const std::string& key,
                             const std::vector<row*>& rows, int depth) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  relation_cache cache(db);
  w.StartObject();
  w.Key("data");
  w.StartObject();
  w.Key(key.c_str());
  w.StartArray();
  for (auto r : rows) write_record(w, db, o, *r, depth, cache);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

std::string ids_envelope(const std::string& key, const std::vector<std::string>& ids, bool many) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  w.Key("data");
  w.StartObject();
  w.Key(key.c_str());
  if (many) w.StartArray();
  for (auto& id : ids) {
    w.StartObject();
    w.Key("id");
    w.String(id.c_str());
    w.EndObject();
  }
  if (many) w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

result<std::vector<row*>> rows_for_filter(store& db, const object_def& o, const query_params& q,
                                          bool include_deleted) {
  filter_node f;
  if (auto text = query_get(q, "filter")) {
    auto parsed = parse_rest_filter(*text);
    if (!parsed) return *parsed.error;
    f = std::move(parsed.value);
    if (auto err = bind_filter(f, o)) return *err;
  }
  if (!include_deleted) return match_all(db, o, f);
  std::vector<row*> out;
  for (auto& [id, r] : db.table_for(o).by_id)
    if (filter_matches(f, r->data)) out.push_back(r);
  return out;
}

}  // namespace standin

#include "analytics/relationships.hpp"

#include <algorithm>
#include <cmath>

namespace tmcp::analytics {

namespace {

std::string key_of(const std::string& object, const std::string& id) {
  return object + '/' + id;
}

std::string string_at(const json::value& record, const std::string& key) {
  return json::get_string(record, key.c_str()).value_or("");
}

double cents(double v) { return std::round(v * 100) / 100; }

} // namespace

std::string graph_query::filter() const {
  std::string list;
  for (auto& id : ids)
    list += (list.empty() ? "" : ",") + id;
  return column + "[in]:[" + list + "]";
}

std::string record_label(const json::value& record, const std::string& field) {
  auto v = json::find(record, field.c_str());
  if (!v)
    return "";
  if (v->IsString())
    return v->GetString();
  std::string out;
  if (v->IsObject())
    for (auto& m : v->GetObject())
      if (m.value.IsString() && m.value.GetStringLength() > 0)
        out += (out.empty() ? "" : " ") + std::string(m.value.GetString());
  return out;
}

graph_walk::graph_walk(graph_schema schema, std::string root_object, std::string root_id,
                       graph_params p)
  : schema_(std::move(schema)),
    root_object_(std::move(root_object)),
    root_id_(std::move(root_id)),
    p_(p) {}

void graph_walk::stop(std::string reason) {
  if (!truncated_)
    truncated_reason_ = std::move(reason);
  truncated_ = true;
}

std::optional<std::size_t> graph_walk::find(const std::string& object, const std::string& id) const {
  auto it = index_.find(key_of(object, id));
  if (it == index_.end())
    return std::nullopt;
  return it->second;
}

std::optional<std::size_t> graph_walk::add_node(const std::string& object,
                                                const json::value& record, int depth) {
  auto id = string_at(record, "id");
  if (id.empty())
    return std::nullopt;
  if (auto known = find(object, id))
    return known;
  if (nodes_.size() >= p_.max_nodes) {
    stop("max_nodes (" + std::to_string(p_.max_nodes) + ") reached: more records are linked");
    return std::nullopt;
  }
  graph_node n;
  n.object = object;
  n.id = id;
  n.depth = depth;
  if (auto label = schema_.labels.find(object); label != schema_.labels.end())
    n.label = record_label(record, label->second);
  if (auto amount = schema_.amounts.find(object); amount != schema_.amounts.end()) {
    auto v = json::find(record, amount->second.c_str());
    auto micros = v && v->IsObject() ? json::find(*v, "amountMicros") : nullptr;
    if (micros && micros->IsNumber()) {
      n.amount = micros->GetDouble() / 1e6;
      n.currency = json::get_string(*v, "currencyCode").value_or("");
    }
  }
  std::map<std::string, std::string> cols;
  for (auto& l : schema_.links)
    if (l.from == object)
      if (auto v = string_at(record, l.column); !v.empty())
        cols[l.column] = v;
  auto idx = nodes_.size();
  index_[key_of(object, id)] = idx;
  nodes_.push_back(std::move(n));
  columns_.push_back(std::move(cols));
  followed_.push_back(false);
  if (hook_)
    hook_(nodes_.back(), record);
  return idx;
}

void graph_walk::add_edge(std::size_t a, std::size_t b, const std::string& relation) {
  if (a == b)
    return;
  if (a > b)
    std::swap(a, b);
  if (edge_set_.emplace(a, b, relation).second)
    edges_.push_back({a, b, relation});
}

void graph_walk::link_to(std::size_t from, const std::string& object, const std::string& id,
                         const std::string& relation, bool may_fetch) {
  if (auto known = find(object, id))
    return add_edge(from, *known, relation);
  if (may_fetch && !truncated_)
    pending_[object][id].push_back({from, relation});
}

void graph_walk::follow_columns(std::size_t node, bool may_fetch) {
  followed_[node] = true;
  for (auto& l : schema_.links) {
    if (l.from != nodes_[node].object)
      continue;
    auto v = columns_[node].find(l.column);
    if (v != columns_[node].end())
      link_to(node, l.to, v->second, l.from + "." + l.field, may_fetch);
  }
}

void graph_walk::chunked(graph_query::kind what, const std::string& object,
                         const std::string& column, std::size_t spec,
                         const std::vector<std::string>& ids, std::vector<graph_query>& out) const {
  auto per = std::max<std::size_t>(1, p_.ids_per_query);
  for (std::size_t i = 0; i < ids.size(); i += per) {
    graph_query q;
    q.what = what;
    q.object = object;
    q.column = column;
    q.spec = spec;
    q.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(i),
                 ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + per)));
    out.push_back(std::move(q));
  }
}

std::vector<graph_query> graph_walk::expand_queries() {
  std::map<std::string, std::vector<std::string>> frontier;
  for (auto& n : nodes_)
    if (n.depth == level_)
      frontier[n.object].push_back(n.id);
  std::vector<graph_query> out;
  for (auto& [object, ids] : frontier) {
    for (std::size_t i = 0; i < schema_.links.size(); ++i)
      if (schema_.links[i].to == object)
        chunked(graph_query::kind::incoming, schema_.links[i].from, schema_.links[i].column, i,
                ids, out);
    for (std::size_t j = 0; j < schema_.junctions.size(); ++j) {
      auto& jn = schema_.junctions[j];
      for (auto& [column, target] : jn.targets)
        if (target == object)
          chunked(graph_query::kind::from_target, jn.link, column, j, ids, out);
      if (jn.owner == object)
        chunked(graph_query::kind::from_owner, jn.link, jn.owner_column, j, ids, out);
    }
  }
  return out;
}

std::vector<graph_query> graph_walk::fetch_queries() {
  std::vector<graph_query> out;
  for (auto& [object, ids] : pending_) {
    std::vector<std::string> list;
    for (auto& [id, _] : ids)
      list.push_back(id);
    chunked(graph_query::kind::fetch, object, "id", 0, list, out);
  }
  return out;
}

std::vector<graph_query> graph_walk::next_queries() {
  for (;;) {
    switch (phase_) {
    case phase::root: {
      phase_ = phase::expand;
      graph_query q;
      q.object = root_object_;
      q.column = "id";
      q.ids = {root_id_};
      return {q};
    }
    case phase::expand: {
      if (nodes_.empty()) {
        phase_ = phase::done;
        return {};
      }
      if (level_ >= p_.depth || truncated_) {
        // The last nodes found: their columns still link them to nodes already known.
        for (std::size_t i = 0; i < nodes_.size(); ++i)
          if (!followed_[i])
            follow_columns(i, false);
        pending_.clear();
        phase_ = phase::done;
        return {};
      }
      auto q = expand_queries();
      phase_ = phase::fetch;
      if (!q.empty())
        return q;
      break;
    }
    case phase::fetch: {
      for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i].depth == level_ && !followed_[i])
          follow_columns(i, p_.follow_to_one);
      auto q = truncated_ ? std::vector<graph_query>{} : fetch_queries();
      phase_ = phase::fetched;
      if (!q.empty())
        return q;
      break;
    }
    case phase::fetched:
      pending_.clear(); // ids that named no record (deleted, or dangling) are dropped
      ++level_;
      phase_ = phase::expand;
      break;
    case phase::done:
      return {};
    }
  }
}

void graph_walk::add_records(const graph_query& q, const json::value& records) {
  if (!records.IsArray())
    return;
  for (auto& rec : records.GetArray()) {
    switch (q.what) {
    case graph_query::kind::fetch: {
      auto depth = nodes_.empty() ? 0 : level_ + 1;
      auto n = add_node(q.object, rec, depth);
      if (!n)
        break;
      auto obj = pending_.find(q.object);
      if (obj == pending_.end())
        break;
      auto waiting = obj->second.find(nodes_[*n].id);
      if (waiting == obj->second.end())
        break;
      for (auto& e : waiting->second)
        add_edge(*n, e.other, e.relation);
      obj->second.erase(waiting);
      break;
    }
    case graph_query::kind::incoming: {
      auto& l = schema_.links[q.spec];
      auto to = find(l.to, string_at(rec, l.column));
      auto n = add_node(l.from, rec, level_ + 1);
      if (n && to)
        add_edge(*n, *to, l.from + "." + l.field);
      break;
    }
    case graph_query::kind::from_target: {
      auto& jn = schema_.junctions[q.spec];
      auto target = std::find_if(jn.targets.begin(), jn.targets.end(),
                                 [&](auto& t) { return t.first == q.column; });
      if (target == jn.targets.end())
        break;
      auto from = find(target->second, string_at(rec, q.column));
      auto owner = string_at(rec, jn.owner_column);
      if (from && !owner.empty())
        link_to(*from, jn.owner, owner, jn.link, true);
      break;
    }
    case graph_query::kind::from_owner: {
      auto& jn = schema_.junctions[q.spec];
      auto owner = find(jn.owner, string_at(rec, jn.owner_column));
      if (!owner)
        break;
      for (auto& [column, target] : jn.targets)
        if (auto id = string_at(rec, column); !id.empty())
          link_to(*owner, target, id, jn.link, true);
      break;
    }
    }
  }
}

std::vector<graph_tie> graph_walk::ties() const {
  std::vector<graph_tie> out;
  if (nodes_.empty())
    return out;
  std::vector<std::set<std::size_t>> adj(nodes_.size());
  for (auto& e : edges_) {
    adj[e.a].insert(e.b);
    adj[e.b].insert(e.a);
  }
  const auto& root = adj[0];
  for (std::size_t n = 1; n < nodes_.size(); ++n) {
    graph_tie t;
    t.node = n;
    t.direct = root.count(n) > 0;
    for (auto m : adj[n]) {
      if (m == 0 || !root.count(m))
        continue;
      ++t.shared;
      ++t.via[nodes_[m].object];
      if (nodes_[m].amount)
        t.amount[nodes_[m].currency] += *nodes_[m].amount;
    }
    if (!t.direct && t.shared == 0)
      continue;
    if (t.direct)
      for (auto& e : edges_)
        if (e.a == 0 && e.b == n)
          t.relations.push_back(e.relation);
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [&](const graph_tie& x, const graph_tie& y) {
    if (x.shared != y.shared)
      return x.shared > y.shared;
    if (x.direct != y.direct)
      return x.direct;
    return nodes_[x.node].id < nodes_[y.node].id;
  });
  return out;
}

void graph_walk::write(json::value& out, json::allocator& a, std::size_t ties_limit) const {
  out.SetObject();
  auto node_ref = [&](const graph_node& n) {
    json::value v(rapidjson::kObjectType);
    v.AddMember("object", json::str(n.object, a), a);
    v.AddMember("id", json::str(n.id, a), a);
    v.AddMember("label", json::str(n.label, a), a);
    v.AddMember("depth", json::value(n.depth), a);
    return v;
  };
  if (!nodes_.empty())
    out.AddMember("root", node_ref(nodes_[0]), a);
  out.AddMember("depth", json::value(p_.depth), a);
  out.AddMember("nodeCount", json::value(static_cast<uint64_t>(nodes_.size())), a);
  out.AddMember("edgeCount", json::value(static_cast<uint64_t>(edges_.size())), a);
  out.AddMember("truncated", json::value(truncated_), a);
  if (truncated_)
    out.AddMember("truncatedReason", json::str(truncated_reason_, a), a);
  std::map<std::string, uint64_t> per_object, per_relation;
  std::vector<uint64_t> per_depth;
  for (auto& n : nodes_) {
    ++per_object[n.object];
    if (per_depth.size() <= static_cast<std::size_t>(n.depth))
      per_depth.resize(static_cast<std::size_t>(n.depth) + 1, 0);
    ++per_depth[static_cast<std::size_t>(n.depth)];
  }
  for (auto& e : edges_)
    ++per_relation[e.relation];
  auto counts = [&](const std::map<std::string, uint64_t>& m) {
    json::value v(rapidjson::kObjectType);
    for (auto& [k, n] : m)
      v.AddMember(json::str(k, a), json::value(n), a);
    return v;
  };
  out.AddMember("nodesPerObject", counts(per_object), a);
  json::value depths(rapidjson::kArrayType);
  for (auto n : per_depth)
    depths.PushBack(json::value(n), a);
  out.AddMember("nodesPerDepth", depths, a);
  out.AddMember("edgesPerRelation", counts(per_relation), a);

  json::value ties(rapidjson::kArrayType);
  for (auto& t : this->ties()) {
    if (ties.Size() >= ties_limit)
      break;
    auto& n = nodes_[t.node];
    auto v = node_ref(n);
    v.AddMember("direct", json::value(t.direct), a);
    json::value rels(rapidjson::kArrayType);
    for (auto& r : t.relations)
      rels.PushBack(json::str(r, a), a);
    v.AddMember("relations", rels, a);
    v.AddMember("shared", json::value(static_cast<uint64_t>(t.shared)), a);
    json::value via(rapidjson::kObjectType);
    for (auto& [o, c] : t.via)
      via.AddMember(json::str(o, a), json::value(static_cast<uint64_t>(c)), a);
    v.AddMember("via", via, a);
    json::value amount(rapidjson::kObjectType);
    for (auto& [code, sum] : t.amount)
      amount.AddMember(json::str(code, a), json::value(cents(sum)), a);
    v.AddMember("sharedAmount", amount, a);
    std::string why = t.direct ? "linked to the root (" : "";
    for (std::size_t i = 0; i < t.relations.size(); ++i)
      why += (i ? ", " : "") + t.relations[i];
    if (t.direct)
      why += ")";
    if (t.shared > 0) {
      why += std::string(t.direct ? "; " : "") + "shares " + std::to_string(t.shared)
             + " linked record" + (t.shared == 1 ? "" : "s") + " with it:";
      bool first = true;
      for (auto& [o, c] : t.via) {
        why += std::string(first ? " " : ", ") + std::to_string(c) + " " + o;
        first = false;
      }
    }
    v.AddMember("why", json::str(why, a), a);
    ties.PushBack(v, a);
  }
  out.AddMember("ties", ties, a);

  json::value nodes(rapidjson::kArrayType), edges(rapidjson::kArrayType);
  for (auto& n : nodes_)
    nodes.PushBack(node_ref(n), a);
  for (auto& e : edges_) {
    json::value v(rapidjson::kObjectType);
    v.AddMember("from", json::value(static_cast<uint64_t>(e.a)), a);
    v.AddMember("to", json::value(static_cast<uint64_t>(e.b)), a);
    v.AddMember("relation", json::str(e.relation, a), a);
    edges.PushBack(v, a);
  }
  out.AddMember("nodes", nodes, a);
  out.AddMember("edges", edges, a);
}

} // namespace tmcp::analytics

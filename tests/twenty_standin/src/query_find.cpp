// The paged find-many: filter, sort, cursor window, totalCount and pageInfo.
#include "query.hpp"

#include <algorithm>

namespace standin {

namespace {

bool id_order_only(const order_spec& spec) {
  return spec.size() == 1 && spec[0].path[0] == "id" && spec[0].dir == direction::asc_nulls_first;
}

}  // namespace

std::vector<row*> match_all(store& s, const object_def& o, const filter_node& filter) {
  const bool with_deleted = filter_mentions(filter, "deletedAt");
  std::vector<row*> out;
  // Creation order walks memory in allocation order, far faster than the id index.
  for (auto& r : s.table_for(o).rows)
    if (!r.destroyed && (with_deleted || !r.soft_deleted()) && filter_matches(filter, r.data))
      out.push_back(&r);
  return out;
}

result<find_result> find_many(store& s, const object_def& o, const find_args& args) {
  if (!args.after.empty() && !args.before.empty())
    return bad_request("'starting_after' and 'ending_before' cannot be used together");
  rapidjson::Document cursor;
  const std::string& raw_cursor = args.after.empty() ? args.before : args.after;
  if (!raw_cursor.empty())
    if (auto err = decode_cursor(raw_cursor, cursor)) return *err;
  const bool forward = args.before.empty() && !args.backward;
  const bool with_deleted = filter_mentions(args.filter, "deletedAt");
  auto& t = s.table_for(o);
  find_result out;

  // Fast path: the default id order walks the id-ordered index directly.
  if (forward && args.offset == 0 && id_order_only(args.order)) {
    auto it = t.by_id.begin();
    if (!raw_cursor.empty()) {
      auto id = cursor.HasMember("id") && cursor["id"].IsString() ? std::string(cursor["id"].GetString()) : "";
      it = t.by_id.upper_bound(id);
    }
    const bool unfiltered = args.filter.kind == filter_node::all && !with_deleted;
    for (; it != t.by_id.end() && out.rows.size() <= args.limit; ++it) {
      row* r = it->second;
      if ((with_deleted || !r->soft_deleted()) && filter_matches(args.filter, r->data))
        out.rows.push_back(r);
    }
    out.total_count = unfiltered ? t.active : match_all(s, o, args.filter).size();
  } else {
    auto matched = match_all(s, o, args.filter);
    out.total_count = matched.size();
    // Decorate-sort: extract each row's sort key once.
    const std::size_t k = args.order.size();
    std::vector<sort_key> keys(matched.size() * k);
    std::vector<int> hints(2 * k, -1);
    for (std::size_t i = 0; i < matched.size(); ++i)
      extract_sort_keys(args.order, matched[i]->data, &keys[i * k], hints.data());
    std::vector<std::uint32_t> idx(matched.size());
    for (std::uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) {
      return compare_sort_keys(args.order, &keys[a * k], &keys[b * k]) < 0;
    });
    std::vector<row*> all(matched.size());
    for (std::size_t i = 0; i < idx.size(); ++i) all[i] = matched[idx[i]];
    std::size_t begin = 0, end = all.size();
    if (!raw_cursor.empty()) {
      // Keyset paging: rows strictly after (or before) the cursor's sort key.
      std::vector<sort_key> ck(k);
      extract_sort_keys(args.order, cursor, ck.data());
      auto cmp = [&](std::uint32_t i) { return compare_sort_keys(args.order, &keys[i * k], ck.data()); };
      auto pos = std::partition_point(idx.begin(), idx.end(), [&](std::uint32_t i) { return cmp(i) <= 0; });
      if (forward) {
        begin = static_cast<std::size_t>(pos - idx.begin());
      } else {
        auto lo = std::partition_point(idx.begin(), idx.end(), [&](std::uint32_t i) { return cmp(i) < 0; });
        end = static_cast<std::size_t>(lo - idx.begin());
      }
    }
    begin = std::min(end, begin + args.offset);
    if (forward) {
      for (std::size_t i = begin; i < end && out.rows.size() <= args.limit; ++i)
        out.rows.push_back(all[i]);
    } else {
      std::size_t n = std::min(end - begin, args.limit + 1);
      out.rows.assign(all.begin() + static_cast<long>(end - n), all.begin() + static_cast<long>(end));
    }
  }
  // Twenty fetches limit+1 rows: the extra one only says "there is more" in paging direction.
  const bool more = out.rows.size() > args.limit;
  if (more) {
    if (forward) out.rows.pop_back();
    else out.rows.erase(out.rows.begin());
  }
  out.has_next_page = forward && more;
  out.has_previous_page = !forward && more;
  if (!out.rows.empty()) {
    out.start_cursor = encode_cursor(args.order, out.rows.front()->data);
    out.end_cursor = encode_cursor(args.order, out.rows.back()->data);
  }
  return out;
}

}  // namespace standin

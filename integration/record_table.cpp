#include "integration/record_table.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace tmcp::twenty {

namespace {

// Paths seen with a non-object value on some record: those stay one column.
using kinds = std::map<std::string, bool>;

void mark_scalars(const json::value& obj, const std::string& prefix, kinds& scalar) {
  for (auto& m : obj.GetObject()) {
    auto path = prefix + m.name.GetString();
    if (m.value.IsObject() && m.value.MemberCount() > 0) {
      scalar.emplace(path, false);
      mark_scalars(m.value, path + ".", scalar);
    } else {
      scalar[path] = true;
    }
  }
}

// The record's values by column path; adds paths not seen before to `columns`.
void flatten(json::value& obj, const std::string& prefix, const kinds& scalar,
             std::map<std::string, json::value*>& cells, std::vector<std::string>& columns,
             std::map<std::string, std::size_t>& index) {
  for (auto& m : obj.GetObject()) {
    auto path = prefix + m.name.GetString();
    if (m.value.IsObject() && m.value.MemberCount() > 0 && !scalar.at(path)) {
      flatten(m.value, path + ".", scalar, cells, columns, index);
      continue;
    }
    cells[path] = &m.value;
    if (index.emplace(path, columns.size()).second)
      columns.push_back(path);
  }
}

// Where a column's field stands in `order`: company.name under "company.name" or "company".
std::size_t rank(const std::string& column, const std::vector<std::string>& order) {
  for (std::size_t i = 0; i < order.size(); ++i)
    if (column == order[i]
        || (column.size() > order[i].size() && column.compare(0, order[i].size(), order[i]) == 0
            && column[order[i].size()] == '.'))
      return i;
  return order.size();
}

} // namespace

void add_record_table(json::value& out, json::value& records, json::allocator& a,
                      const std::vector<std::string>& order) {
  kinds scalar;
  for (auto& rec : records.GetArray())
    if (rec.IsObject())
      mark_scalars(rec, "", scalar);
  std::vector<std::string> columns;
  std::map<std::string, std::size_t> index;
  // id leads when any record has one: agents need it for the next call.
  if (scalar.count("id")) {
    columns.push_back("id");
    index.emplace("id", 0);
  }
  std::vector<std::map<std::string, json::value*>> cells(records.Size());
  for (rapidjson::SizeType i = 0; i < records.Size(); ++i)
    if (records[i].IsObject())
      flatten(records[i], "", scalar, cells[i], columns, index);
  if (!order.empty())
    std::stable_sort(columns.begin() + (index.count("id") ? 1 : 0), columns.end(),
                     [&](const std::string& x, const std::string& y) {
                       return rank(x, order) < rank(y, order);
                     });
  json::value cols(rapidjson::kArrayType);
  for (auto& c : columns)
    cols.PushBack(json::str(c, a), a);
  json::value rows(rapidjson::kArrayType);
  for (auto& rec_cells : cells) {
    json::value row(rapidjson::kArrayType);
    for (auto& c : columns) {
      auto it = rec_cells.find(c);
      if (it == rec_cells.end())
        row.PushBack(json::value(), a);
      else
        row.PushBack(it->second->Move(), a);
    }
    rows.PushBack(row, a);
  }
  out.AddMember("columns", cols, a);
  out.AddMember("rows", rows, a);
}

} // namespace tmcp::twenty

// Reads a list or search answer's table (columns, rows) back as records, as an agent does:
// dotted columns nest again (company.name -> {"company":{"name":…}}), null cells are left out.
#pragma once

#include <string>

#include "protocol/json.hpp"

namespace tmcp::testing {

inline json::document records_of(const json::value& table) {
  json::document out;
  out.SetArray();
  auto& a = out.GetAllocator();
  const auto* columns = json::find(table, "columns");
  const auto* rows = json::find(table, "rows");
  if (!columns || !rows || !columns->IsArray() || !rows->IsArray())
    return out;
  for (const auto& row : rows->GetArray()) {
    json::value rec(rapidjson::kObjectType);
    for (rapidjson::SizeType i = 0; i < columns->Size() && i < row.Size(); ++i) {
      if (row[i].IsNull())
        continue;
      std::string path = (*columns)[i].GetString();
      json::value* at = &rec;
      for (auto dot = path.find('.'); dot != std::string::npos; dot = path.find('.')) {
        auto key = path.substr(0, dot);
        if (!at->HasMember(key.c_str()))
          at->AddMember(json::str(key, a), json::value(rapidjson::kObjectType), a);
        at = &(*at)[key.c_str()];
        path = path.substr(dot + 1);
      }
      at->AddMember(json::str(path, a), json::value(row[i], a), a);
    }
    out.PushBack(rec, a);
  }
  return out;
}

} // namespace tmcp::testing

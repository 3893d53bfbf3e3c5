// Record values: defaults per field type, input validation and coercion, the search vector.
#include "store.hpp"

#include <algorithm>
#include <cctype>

namespace standin {

namespace {

json_value object_of(std::initializer_list<const char*> empty_strings,
                     std::initializer_list<const char*> nulls, json_alloc& a) {
  json_value v(rapidjson::kObjectType);
  for (auto k : empty_strings)
    v.AddMember(rapidjson::StringRef(k), json_value(rapidjson::kStringType), a);
  for (auto k : nulls)
    v.AddMember(rapidjson::StringRef(k), json_value(), a);
  return v;
}

api_error invalid_value(const field_def& f, const json_value& v) {
  return bad_request("Invalid value '" + to_json(v) + "' for field '" + f.name + "'");
}

bool is_string_or_null(const json_value& v) { return v.IsString() || v.IsNull(); }

// Validates one composite subfield value.
bool subfield_ok(const std::string& sub, const json_value& v) {
  if (sub == "additionalEmails" || sub == "secondaryLinks" || sub == "additionalPhones")
    return v.IsArray() || v.IsNull();
  if (sub == "addressLat" || sub == "addressLng")
    return v.IsNumber() || v.IsNull();
  if (sub == "amountMicros")
    return v.IsNumber() || v.IsNull();
  if (sub == "context" || sub == "blocknote")
    return true;
  return is_string_or_null(v);
}

}  // namespace

json_value store::default_value(const field_def& f, const actor_info& who) {
  auto& a = alloc_;
  switch (f.type) {
    case field_type::text: return json_value(rapidjson::kStringType);
    case field_type::full_name: return object_of({"firstName", "lastName"}, {}, a);
    case field_type::emails: return object_of({"primaryEmail"}, {"additionalEmails"}, a);
    case field_type::phones:
      return object_of({"primaryPhoneNumber", "primaryPhoneCountryCode", "primaryPhoneCallingCode"},
                       {"additionalPhones"}, a);
    case field_type::links: {
      auto v = object_of({"primaryLinkUrl", "primaryLinkLabel"}, {}, a);
      v.AddMember("secondaryLinks", json_value(rapidjson::kArrayType), a);
      return v;
    }
    case field_type::address:
      return object_of({"addressStreet1", "addressStreet2", "addressStreet3", "addressCity",
                        "addressState", "addressCountry", "addressPostcode"},
                       {"addressLat", "addressLng"}, a);
    case field_type::currency: {
      json_value v(rapidjson::kObjectType);
      v.AddMember("amountMicros", json_value(), a);
      v.AddMember("currencyCode", json_value(rapidjson::kStringType), a);
      return v;
    }
    case field_type::rich_text: return object_of({}, {"blocknote", "markdown"}, a);
    case field_type::actor: {
      json_value v(rapidjson::kObjectType);
      v.AddMember("source", str_value(who.source, a), a);
      v.AddMember("workspaceMemberId", who.workspace_member_id.empty()
                                           ? json_value() : str_value(who.workspace_member_id, a), a);
      v.AddMember("name", str_value(who.name, a), a);
      v.AddMember("context", json_value(rapidjson::kObjectType), a);
      return v;
    }
    case field_type::ts_vector: return json_value(rapidjson::kStringType);
    case field_type::select: {
      // Metadata defaults look like "'NEW'"; strip the SQL quotes.
      rapidjson::Document d;
      if (parse_json(f.default_json, d) && d.IsString()) {
        std::string s = d.GetString();
        if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'')
          s = s.substr(1, s.size() - 2);
        return str_value(s, a);
      }
      return json_value();
    }
    case field_type::boolean: {
      rapidjson::Document d;
      if (parse_json(f.default_json, d) && d.IsBool()) return json_value(d.GetBool());
      return json_value();
    }
    default: return json_value();
  }
}

std::optional<api_error> store::apply_input(const object_def& o, json_value& rec,
                                            const json_value& input, bool creating,
                                            std::vector<std::string>* changed) {
  auto& a = alloc_;
  if (!input.IsObject())
    return bad_request("Body must be a JSON object");
  for (auto m = input.MemberBegin(); m != input.MemberEnd(); ++m) {
    std::string key(m->name.GetString(), m->name.GetStringLength());
    const json_value& v = m->value;
    json_value next;
    const field_def* f = o.field(key);
    // Twenty 2.5 refuses nested writes of a junction list (graphql-create-task-with-targets).
    if (f && f->is_one_to_many())
      return bad_request("One-to-many relation " + key + " field does not support write operations.");
    if (f && f->relation)
      return bad_request("Relation field '" + key + "' cannot be written directly; set '" + key
                         + "Id' instead");
    if (!f) {
      if (!o.field_by_join_column(key))
        return unknown_field(o, key);
      // Twenty 2.5 words it so, the nil UUID included (rest-tasktarget-create-missing-company).
      if (!(v.IsNull() || (v.IsString() && is_rfc4122_uuid(v.GetString()))))
        return bad_request("Invalid UUID value '" + (v.IsString() ? std::string(v.GetString()) : to_json(v))
                           + "' for field \"" + key + "\"");
      next.CopyFrom(v, a);
    } else if (key == "id") {
      if (!creating)
        continue;
      if (!v.IsString() || !is_uuid(v.GetString()))
        return bad_request("'" + to_json(v) + "' is not a valid UUID");
      next.CopyFrom(v, a);
    } else if (key == "updatedAt" || key == "deletedAt" || key == "createdBy"
               || key == "updatedBy" || key == "searchVector") {
      continue;  // server-managed columns
    } else if (v.IsNull()) {
      next = is_composite(f->type) ? default_value(*f, actor_info{}) : json_value();
      if (!f->is_nullable)
        return invalid_value(*f, v);
    } else {
      switch (f->type) {
        case field_type::text: case field_type::rating:
          if (!v.IsString()) return invalid_value(*f, v);
          next.CopyFrom(v, a);
          break;
        case field_type::uuid:
          if (!v.IsString() || !is_uuid(v.GetString())) return invalid_value(*f, v);
          next.CopyFrom(v, a);
          break;
        case field_type::number: case field_type::numeric: case field_type::position:
          if (!v.IsNumber()) return invalid_value(*f, v);
          next.CopyFrom(v, a);
          break;
        case field_type::boolean:
          if (!v.IsBool()) return invalid_value(*f, v);
          next.CopyFrom(v, a);
          break;
        case field_type::date_time: {
          if (!v.IsString()) return invalid_value(*f, v);
          auto t = parse_iso_time(v.GetString());
          if (!t) return invalid_value(*f, v);
          next = str_value(iso_time(*t), a);
          break;
        }
        case field_type::date:
          if (!v.IsString() || !parse_iso_time(v.GetString())) return invalid_value(*f, v);
          next.CopyFrom(v, a);
          break;
        case field_type::select: {
          bool ok = v.IsString();
          if (ok) {
            ok = false;
            for (auto& opt : f->options) ok = ok || opt.value == v.GetString();
          }
          if (!ok) return invalid_value(*f, v);
          next.CopyFrom(v, a);
          break;
        }
        case field_type::multi_select: case field_type::array:
          if (!v.IsArray()) return invalid_value(*f, v);
          for (auto& item : v.GetArray())
            if (!item.IsString()) return invalid_value(*f, v);
          next.CopyFrom(v, a);
          break;
        case field_type::raw_json:
          next.CopyFrom(v, a);
          break;
        default: {
          if (!v.IsObject()) return invalid_value(*f, v);
          // Composite: partial objects update only the given subfields.
          next.CopyFrom(rec.HasMember(key.c_str()) ? rec[key.c_str()] : v, a);
          if (!next.IsObject()) next = default_value(*f, actor_info{});
          auto& subs = composite_subfields(f->type);
          for (auto s = v.MemberBegin(); s != v.MemberEnd(); ++s) {
            std::string sub = s->name.GetString();
            if (std::find(subs.begin(), subs.end(), sub) == subs.end())
              return unknown_field(o, key + "." + sub);
            if (!subfield_ok(sub, s->value)) return invalid_value(*f, v);
            json_value sv(s->value, a);
            if (next.HasMember(sub.c_str())) next[sub.c_str()] = sv;
            else next.AddMember(str_value(sub, a), sv, a);
          }
        }
      }
    }
    auto it = rec.FindMember(key.c_str());
    if (it == rec.MemberEnd()) {
      rec.AddMember(str_value(key, a), next, a);
      if (changed) changed->push_back(key);
    } else if (!(it->value == next)) {
      it->value = next;
      if (changed) changed->push_back(key);
    }
  }
  return std::nullopt;
}

void store::refresh_search_vector(const object_def& o, json_value& rec) {
  if (!rec.HasMember("searchVector"))
    return;
  std::string words;
  auto add = [&](const json_value* v) {
    if (v && v->IsString())
      words += std::string(" ") + v->GetString();
  };
  auto member = [&](const json_value& obj, const char* k) -> const json_value* {
    if (!obj.IsObject()) return nullptr;
    auto it = obj.FindMember(k);
    return it == obj.MemberEnd() ? nullptr : &it->value;
  };
  if (auto f = o.label_identifier(); f && rec.HasMember(f->name.c_str())) {
    auto& v = rec[f->name.c_str()];
    add(&v);
    add(member(v, "firstName"));
    add(member(v, "lastName"));
  }
  if (rec.HasMember("emails"))
    add(member(rec["emails"], "primaryEmail"));
  if (rec.HasMember("domainName"))
    add(member(rec["domainName"], "primaryLinkUrl"));
  // Postgres-style tsvector text: 'lexeme':position ...
  std::string out, word;
  int pos = 0;
  auto flush = [&] {
    if (word.empty()) return;
    out += (out.empty() ? "'" : " '") + word + "':" + std::to_string(++pos);
    word.clear();
  };
  for (char c : words) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.')
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else
      flush();
  }
  flush();
  rec["searchVector"] = str_value(out, alloc_);
}

}  // namespace standin

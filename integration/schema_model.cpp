// Field types, lookups, the standard-object list, snapshots and their fingerprint.
#include "integration/schema_model.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

namespace tmcp::twenty {

namespace {

constexpr std::array<std::pair<field_type, const char*>, 27> type_names{{
  {field_type::actor, "ACTOR"},
  {field_type::address, "ADDRESS"},
  {field_type::array, "ARRAY"},
  {field_type::boolean, "BOOLEAN"},
  {field_type::currency, "CURRENCY"},
  {field_type::date, "DATE"},
  {field_type::date_time, "DATE_TIME"},
  {field_type::emails, "EMAILS"},
  {field_type::files, "FILES"},
  {field_type::full_name, "FULL_NAME"},
  {field_type::links, "LINKS"},
  {field_type::morph_relation, "MORPH_RELATION"},
  {field_type::multi_select, "MULTI_SELECT"},
  {field_type::number, "NUMBER"},
  {field_type::numeric, "NUMERIC"},
  {field_type::phones, "PHONES"},
  {field_type::position, "POSITION"},
  {field_type::rating, "RATING"},
  {field_type::raw_json, "RAW_JSON"},
  {field_type::relation, "RELATION"},
  {field_type::rich_text, "RICH_TEXT"},
  {field_type::rich_text_v2, "RICH_TEXT_V2"},
  {field_type::rich_text_deprecated, "RICH_TEXT_DEPRECATED"},
  {field_type::select, "SELECT"},
  {field_type::text, "TEXT"},
  {field_type::ts_vector, "TS_VECTOR"},
  {field_type::uuid, "UUID"},
}};

// Appendix A (v2.43) plus the standard objects of older servers (views, favorites, ...).
const std::vector<std::string_view>& standard_objects() {
  static const std::vector<std::string_view> names = {
    "agentChatThread", "agentChatThreadTarget", "agentMessage", "agentMessagePart",
    "agentTurn", "agentTurnEvaluation", "apiKey", "attachment", "auditLog", "blocklist",
    "calendarChannel", "calendarChannelEventAssociation", "calendarEvent",
    "calendarEventParticipant", "calendarEventTarget", "callRecording", "campaignDelivery",
    "company", "connectedAccount", "dashboard", "favorite", "favoriteFolder", "message",
    "messageCampaign", "messageChannel", "messageChannelMessageAssociation",
    "messageChannelMessageAssociationMessageFolder", "messageFolder", "messageList",
    "messageListMember", "messageParticipant", "messageSuppression", "messageThread",
    "messageThreadTarget", "note", "noteTarget", "opportunity", "person", "recordShare",
    "task", "taskTarget", "timelineActivity", "view", "viewField", "viewFilter",
    "viewFilterGroup", "viewGroup", "viewSort", "webhook", "workflow",
    "workflowAutomatedTrigger", "workflowEventListener", "workflowRun", "workflowVersion",
    "workspaceMember"};
  return names;
}

// FNV-1a, 64 bit: stable across runs and platforms (std::hash is neither).
struct fnv {
  uint64_t h = 1469598103934665603ull;
  void add(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0x1f; // field separator, so ("ab","c") differs from ("a","bc")
    h *= 1099511628211ull;
  }
  void add(bool b) { add(std::string_view(b ? "1" : "0")); }
};

std::string canonical_field(const field& f) {
  std::vector<std::string> opts;
  for (auto& o : f.options)
    opts.push_back(o.value + '\x1e' + o.label);
  std::sort(opts.begin(), opts.end());
  std::string s;
  for (auto part : {f.id, f.name, f.label, f.description, f.type_name, f.default_value_json,
                    f.relation_type, f.relation_target_object, f.join_column})
    s += part + '\x1f';
  s += f.nullable ? '1' : '0';
  s += f.is_system ? '1' : '0';
  s += f.is_active ? '1' : '0';
  s += f.is_unique ? '1' : '0';
  for (auto& o : opts)
    s += '\x1d' + o;
  return s;
}

} // namespace

field_type parse_field_type(std::string_view name) {
  for (auto& [t, n] : type_names)
    if (name == n)
      return t;
  return field_type::unknown;
}

const char* to_string(field_type t) {
  for (auto& [x, n] : type_names)
    if (x == t)
      return n;
  return "UNKNOWN";
}

const std::vector<std::string>& composite_subfields(field_type t) {
  static const std::vector<std::string> none;
  static const std::vector<std::string> full_name{"firstName", "lastName"};
  static const std::vector<std::string> emails{"primaryEmail", "additionalEmails"};
  static const std::vector<std::string> phones{"primaryPhoneNumber", "primaryPhoneCountryCode",
                                               "primaryPhoneCallingCode", "additionalPhones"};
  static const std::vector<std::string> links{"primaryLinkUrl", "primaryLinkLabel",
                                              "secondaryLinks"};
  static const std::vector<std::string> currency{"amountMicros", "currencyCode"};
  static const std::vector<std::string> address{
    "addressStreet1", "addressStreet2", "addressStreet3", "addressCity",  "addressState",
    "addressCountry", "addressPostcode", "addressLat",    "addressLng"};
  static const std::vector<std::string> actor{"source", "workspaceMemberId", "name", "context"};
  static const std::vector<std::string> rich_text{"blocknote", "markdown"};
  switch (t) {
    case field_type::full_name: return full_name;
    case field_type::emails: return emails;
    case field_type::phones: return phones;
    case field_type::links: return links;
    case field_type::currency: return currency;
    case field_type::address: return address;
    case field_type::actor: return actor;
    case field_type::rich_text:
    case field_type::rich_text_v2: return rich_text;
    default: return none;
  }
}

bool is_composite(field_type t) {
  return !composite_subfields(t).empty();
}

const field* object::find_field(std::string_view name) const {
  for (auto& f : fields)
    if (f.name == name)
      return &f;
  for (auto& f : fields)
    if (f.is_many_to_one() && !f.join_column.empty() && f.join_column == name)
      return &f;
  return nullptr;
}

const object* workspace_schema::find_object(std::string_view name) const {
  for (auto& o : objects)
    if (o.name_singular == name || o.name_plural == name)
      return &o;
  return nullptr;
}

std::vector<std::string> workspace_schema::object_names() const {
  std::vector<std::string> out;
  for (auto& o : objects)
    if (o.is_active)
      out.push_back(o.name_plural);
  std::sort(out.begin(), out.end());
  return out;
}

std::string release_info::family() const {
  if (relations == "relationDefinition")
    return "0.x (relationDefinition metadata, like 0.50)";
  if (relations == "rest")
    return "0.x (relations only over REST metadata, like 0.50)";
  if (relations == "none")
    return "unknown (no relation metadata answered)";
  return reports_is_custom ? "1.x-2.x (relation metadata with isCustom, like 2.5)"
                           : "1.x or newer (relation metadata)";
}

bool is_standard_object(std::string_view name_singular) {
  auto& names = standard_objects();
  return std::find(names.begin(), names.end(), name_singular) != names.end();
}

std::string schema_fingerprint(const std::vector<object>& objects) {
  std::vector<std::string> canon;
  canon.reserve(objects.size());
  for (auto& o : objects) {
    std::string s;
    for (auto part : {o.id, o.name_singular, o.name_plural, o.label_singular, o.label_plural,
                      o.description, o.label_identifier_field})
      s += part + '\x1f';
    s += o.is_system ? '1' : '0';
    s += o.is_active ? '1' : '0';
    s += o.is_searchable ? '1' : '0';
    std::vector<std::string> fields;
    for (auto& f : o.fields)
      fields.push_back(canonical_field(f));
    std::sort(fields.begin(), fields.end());
    for (auto& f : fields)
      s += '\x1c' + f;
    canon.push_back(std::move(s));
  }
  std::sort(canon.begin(), canon.end());
  fnv h;
  for (auto& c : canon)
    h.add(c);
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h.h));
  return buf;
}

namespace {

// 2.x junctions (taskTarget, noteTarget) link through MORPH_RELATION fields whose metadata
// has no `relation` (recorded on 2.5 and 2.19: targetCompany, settings {relationType
// MANY_TO_ONE, joinColumnName targetCompanyId}). Twenty names each one <base><Target>, and the
// target holds the ONE_TO_MANY inverse (company.taskTargets): such a field is read and written
// as the many-to-one relation it is (recorded: targetCompanyId writes, targetCompany selects).
void resolve_morph_targets(std::vector<object>& objects) {
  for (auto& o : objects)
    for (auto& f : o.fields) {
      if (f.type != field_type::morph_relation || !f.is_many_to_one()
          || !f.relation_target_object.empty())
        continue;
      const object* best = nullptr;
      for (const auto& target : objects) {
        auto suffix = target.name_singular;
        if (suffix.empty() || suffix.size() >= f.name.size())
          continue;
        suffix[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(suffix[0])));
        if (f.name.compare(f.name.size() - suffix.size(), suffix.size(), suffix) != 0)
          continue;
        bool inverse = std::any_of(target.fields.begin(), target.fields.end(), [&](const field& g) {
          return g.relation_type == "ONE_TO_MANY" && g.relation_target_object == o.name_singular;
        });
        if (inverse && (!best || target.name_singular.size() > best->name_singular.size()))
          best = &target;
      }
      if (best) {
        f.relation_target_object = best->name_singular;
        f.type = field_type::relation; // type_name keeps "MORPH_RELATION"
      }
    }
}

} // namespace

workspace_schema make_schema(std::vector<object> objects, const workspace_schema* previous) {
  resolve_morph_targets(objects);
  // Servers that still have RICH_TEXT_V2 use RICH_TEXT for the old text-only type.
  bool old_spelling = false;
  for (auto& o : objects)
    for (auto& f : o.fields)
      old_spelling = old_spelling || f.type == field_type::rich_text_v2;
  if (old_spelling)
    for (auto& o : objects)
      for (auto& f : o.fields)
        if (f.type == field_type::rich_text)
          f.type = field_type::rich_text_deprecated;
  std::sort(objects.begin(), objects.end(),
            [](const object& a, const object& b) { return a.name_singular < b.name_singular; });
  workspace_schema s;
  s.fingerprint = schema_fingerprint(objects);
  s.objects = std::move(objects);
  if (!previous)
    s.version = 1;
  else if (previous->fingerprint == s.fingerprint)
    s.version = previous->version;
  else
    s.version = previous->version + 1;
  return s;
}

} // namespace tmcp::twenty

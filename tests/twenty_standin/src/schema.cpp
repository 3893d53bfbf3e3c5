#include "schema.hpp"

#include "json_util.hpp"

#include <algorithm>
#include <cctype>

namespace standin {

namespace {

struct type_entry {
  field_type type;
  const char* name;
};

constexpr type_entry type_table[] = {
  {field_type::uuid, "UUID"}, {field_type::text, "TEXT"}, {field_type::number, "NUMBER"},
  {field_type::numeric, "NUMERIC"}, {field_type::boolean, "BOOLEAN"},
  {field_type::date_time, "DATE_TIME"}, {field_type::date, "DATE"}, {field_type::select, "SELECT"},
  {field_type::multi_select, "MULTI_SELECT"}, {field_type::rating, "RATING"},
  {field_type::position, "POSITION"}, {field_type::raw_json, "RAW_JSON"},
  {field_type::array, "ARRAY"}, {field_type::full_name, "FULL_NAME"},
  {field_type::emails, "EMAILS"}, {field_type::phones, "PHONES"}, {field_type::links, "LINKS"},
  {field_type::address, "ADDRESS"}, {field_type::currency, "CURRENCY"},
  {field_type::actor, "ACTOR"}, {field_type::rich_text, "RICH_TEXT"},
  {field_type::ts_vector, "TS_VECTOR"}, {field_type::relation, "RELATION"},
};

}  // namespace

std::string_view type_name(field_type t) {
  for (auto& e : type_table)
    if (e.type == t)
      return e.name;
  return "TEXT";
}

std::optional<field_type> parse_type(std::string_view name) {
  for (auto& e : type_table)
    if (name == e.name)
      return e.type;
  return std::nullopt;
}

const std::vector<std::string>& composite_subfields(field_type t) {
  static const std::vector<std::string> none;
  static const std::vector<std::string> full_name{"firstName", "lastName"};
  static const std::vector<std::string> emails{"primaryEmail", "additionalEmails"};
  static const std::vector<std::string> phones{"primaryPhoneNumber", "primaryPhoneCountryCode",
                                               "primaryPhoneCallingCode", "additionalPhones"};
  static const std::vector<std::string> links{"primaryLinkUrl", "primaryLinkLabel", "secondaryLinks"};
  static const std::vector<std::string> address{
    "addressStreet1", "addressStreet2", "addressStreet3", "addressCity", "addressState",
    "addressCountry", "addressPostcode", "addressLat", "addressLng"};
  static const std::vector<std::string> currency{"amountMicros", "currencyCode"};
  static const std::vector<std::string> actor{"source", "workspaceMemberId", "name", "context"};
  static const std::vector<std::string> rich_text{"blocknote", "markdown"};
  switch (t) {
    case field_type::full_name: return full_name;
    case field_type::emails: return emails;
    case field_type::phones: return phones;
    case field_type::links: return links;
    case field_type::address: return address;
    case field_type::currency: return currency;
    case field_type::actor: return actor;
    case field_type::rich_text: return rich_text;
    default: return none;
  }
}

bool is_composite(field_type t) { return !composite_subfields(t).empty(); }

const field_def* object_def::field(std::string_view name) const {
  for (auto& f : fields)
    if (f->name == name)
      return f.get();
  return nullptr;
}

const field_def* object_def::field_by_join_column(std::string_view column) const {
  if (column.size() <= 2 || column.substr(column.size() - 2) != "Id")
    return nullptr;
  auto f = field(column.substr(0, column.size() - 2));
  return f && f->is_many_to_one() ? f : nullptr;
}

std::vector<const field_def*> object_def::column_order() const {
  static const char* head[] = {"id", "createdAt", "updatedAt", "deletedAt"};
  static const char* tail[] = {"position", "searchVector", "createdBy", "updatedBy"};
  auto in = [](const char* const* list, size_t n, const std::string& name) {
    return std::any_of(list, list + n, [&](const char* s) { return name == s; });
  };
  std::vector<const field_def*> out;
  for (auto h : head)
    if (auto f = field(h))
      out.push_back(f);
  for (auto& f : fields)
    if (!f->relation && !in(head, 4, f->name) && !in(tail, 4, f->name))
      out.push_back(f.get());
  for (auto t : tail)
    if (auto f = field(t))
      out.push_back(f);
  for (auto& f : fields)
    if (f->is_many_to_one())
      out.push_back(f.get());
  return out;
}

const field_def* object_def::label_identifier() const {
  if (auto f = field("name"))
    return f;
  if (auto f = field("title"))
    return f;
  return field("id");
}

std::string object_def::pascal_singular() const { return capitalize(name_singular); }

std::string camel_from_label(std::string_view label) {
  std::string out;
  bool upper_next = false;
  for (char c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper_next = !out.empty();
      continue;
    }
    if (out.empty())
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else
      out += upper_next ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper_next = false;
  }
  return out;
}

object_def& schema::add_object(const std::string& singular, const std::string& plural,
                               const std::string& label_s, const std::string& label_p, bool custom,
                               bool all_system_fields, const std::string& ts) {
  auto o = std::make_unique<object_def>();
  o->id = ids_.uuid_v4();
  o->name_singular = singular;
  o->name_plural = plural;
  o->label_singular = label_s;
  o->label_plural = label_p;
  o->description = custom ? "" : "A " + label_s;
  o->icon = custom ? "IconBox" : "Icon" + capitalize(singular);
  o->is_custom = custom;
  o->created_at = o->updated_at = ts;
  auto& ref = *o;
  objects_.push_back(std::move(o));
  add_field(ref, "id", field_type::uuid, ts, true).is_nullable = false;
  add_field(ref, "createdAt", field_type::date_time, ts, true).is_nullable = false;
  add_field(ref, "updatedAt", field_type::date_time, ts, true).is_nullable = false;
  add_field(ref, "deletedAt", field_type::date_time, ts, true);
  if (all_system_fields) {
    add_field(ref, "createdBy", field_type::actor, ts, true);
    add_field(ref, "updatedBy", field_type::actor, ts, true);
    add_field(ref, "position", field_type::position, ts, true);
    add_field(ref, "searchVector", field_type::ts_vector, ts, true);
  }
  return ref;
}

field_def& schema::add_field(object_def& o, const std::string& name, field_type t,
                             const std::string& ts, bool system) {
  auto f = std::make_unique<field_def>();
  f->id = ids_.uuid_v4();
  f->name = name;
  f->label = name;
  if (!f->label.empty())
    f->label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(f->label[0])));
  f->type = t;
  f->is_system = system;
  f->is_custom = o.is_custom && !system && name != "name";
  f->created_at = f->updated_at = ts;
  auto& ref = *f;
  o.fields.push_back(std::move(f));
  return ref;
}

void schema::add_relation(object_def& from, const std::string& name, object_def& to,
                          const std::string& inverse, const std::string& ts, bool custom) {
  auto& m2o = add_field(from, name, field_type::relation, ts);
  m2o.relation = relation_def{true, to.name_singular, inverse};
  m2o.is_custom = custom;
  auto& o2m = add_field(to, inverse, field_type::relation, ts);
  o2m.relation = relation_def{false, from.name_singular, name};
  o2m.is_custom = custom;
}

void schema::add_select(field_def& f, const std::vector<std::string>& values,
                        const std::string& def) {
  static const char* colors[] = {"red", "purple", "sky", "turquoise", "yellow", "green", "blue"};
  int pos = 0;
  for (auto& v : values) {
    std::string label = to_lower(v);
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    std::replace(label.begin(), label.end(), '_', ' ');
    f.options.push_back({ids_.uuid_v4(), v, label, colors[pos % 7], pos});
    ++pos;
  }
  f.default_json = "\"'" + def + "'\"";
}

schema::schema(std::uint64_t seed, std::int64_t created_ms, twenty_release release)
  : ids_(seed ^ 0x5CE3A11DULL) {
  const std::string ts = iso_time(created_ms);
  auto& member = add_object("workspaceMember", "workspaceMembers", "Workspace Member",
                            "Workspace Members", false, true, ts);
  add_field(member, "name", field_type::full_name, ts);
  add_field(member, "colorScheme", field_type::text, ts);
  add_field(member, "locale", field_type::text, ts);
  add_field(member, "avatarUrl", field_type::text, ts);
  add_field(member, "userEmail", field_type::text, ts);
  add_field(member, "userId", field_type::uuid, ts);
  add_field(member, "timeZone", field_type::text, ts);
  auto& company = add_object("company", "companies", "Company", "Companies", false, true, ts);
  add_field(company, "name", field_type::text, ts);
  add_field(company, "domainName", field_type::links, ts).is_unique = true;
  add_field(company, "address", field_type::address, ts);
  add_field(company, "linkedinLink", field_type::links, ts);
  add_field(company, "annualRevenue", field_type::currency, ts);
  auto& person = add_object("person", "people", "Person", "People", false, true, ts);
  add_field(person, "name", field_type::full_name, ts);
  add_field(person, "emails", field_type::emails, ts);
  add_field(person, "linkedinLink", field_type::links, ts);
  add_field(person, "jobTitle", field_type::text, ts);
  add_field(person, "phones", field_type::phones, ts);
  add_field(person, "avatarUrl", field_type::text, ts);
  auto& opp = add_object("opportunity", "opportunities", "Opportunity", "Opportunities", false,
                         true, ts);
  add_field(opp, "name", field_type::text, ts);
  add_field(opp, "amount", field_type::currency, ts);
  add_field(opp, "closeDate", field_type::date_time, ts);
  add_select(add_field(opp, "stage", field_type::select, ts),
             {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"}, "NEW");
  auto& note = add_object("note", "notes", "Note", "Notes", false, true, ts);
  add_field(note, "title", field_type::text, ts);
  add_field(note, "bodyV2", field_type::rich_text, ts);
  auto& task = add_object("task", "tasks", "Task", "Tasks", false, true, ts);
  add_field(task, "title", field_type::text, ts);
  add_field(task, "bodyV2", field_type::rich_text, ts);
  add_field(task, "dueAt", field_type::date_time, ts);
  add_select(add_field(task, "status", field_type::select, ts), {"TODO", "IN_PROGRESS", "DONE"},
             "TODO");
  auto& note_target = add_object("noteTarget", "noteTargets", "Note Target", "Note Targets",
                                 false, true, ts);
  auto& task_target = add_object("taskTarget", "taskTargets", "Task Target", "Task Targets",
                                 false, true, ts);
  add_relation(company, "accountOwner", member, "accountOwnerForCompanies", ts);
  add_relation(person, "company", company, "people", ts);
  add_relation(opp, "pointOfContact", person, "pointOfContactForOpportunities", ts);
  add_relation(opp, "company", company, "opportunities", ts);
  add_relation(opp, "owner", member, "ownedOpportunities", ts);
  add_relation(task, "assignee", member, "assignedTasks", ts);
  add_relation(note_target, "note", note, "noteTargets", ts);
  add_relation(task_target, "task", task, "taskTargets", ts);
  // 0.50 names the junction's relations person, company, opportunity (personId, ...), as its
  // rest-metadata-objects.json shows; 2.5 and later targetPerson, ...
  const bool plain_targets = release == twenty_release::v0_50;
  for (auto* t : {&note_target, &task_target}) {
    const std::string back = t == &note_target ? "noteTargets" : "taskTargets";
    add_relation(*t, plain_targets ? "person" : "targetPerson", person, back, ts);
    add_relation(*t, plain_targets ? "company" : "targetCompany", company, back, ts);
    add_relation(*t, plain_targets ? "opportunity" : "targetOpportunity", opp, back, ts);
  }
  // The demo custom object: a SELECT and a RELATION field, as a user would add in the UI.
  auto& contract = add_object("contract", "contracts", "Contract", "Contracts", true, true, ts);
  add_field(contract, "name", field_type::text, ts);
  add_select(add_field(contract, "status", field_type::select, ts),
             {"DRAFT", "SENT", "SIGNED", "EXPIRED"}, "DRAFT");
  for (auto& f : contract.fields)
    if (f->name == "status")
      f->is_custom = true;
  add_field(contract, "value", field_type::currency, ts).is_custom = true;
  add_field(contract, "signedAt", field_type::date_time, ts).is_custom = true;
  add_relation(contract, "company", company, "contracts", ts, true);
  add_release_fields(release, ts);
}

// The standard fields that differ from the newest map, from each release's
// rest-metadata-objects.json (README of tests/data/twenty-recordings: "What changed from 2.5 to
// 2.19"). Added after the newest ones, so the newest mode's ids stay the same.
void schema::add_release_fields(twenty_release release, const std::string& ts) {
  auto& company = *by_singular("company");
  auto& person = *by_singular("person");
  if (release == twenty_release::newest) return;
  // 2.5 and 2.19: the junctions' targets are MORPH_RELATION fields without `relation`
  // (metadata-graphql-relation.json: taskTarget.targetCompany, joinColumnName targetCompanyId).
  if (release != twenty_release::v0_50)
    for (auto* junction : {by_singular("taskTarget"), by_singular("noteTarget")})
      for (auto& f : junction->fields)
        f->is_morph = f->is_many_to_one() && f->name.rfind("target", 0) == 0;
  // 0.50, 2.5 and 2.19 still have employees (null in 2.19's seed data).
  add_field(company, "employees", field_type::number, ts);
  if (release == twenty_release::v2_19) {
    // 2.19: people are members of lists (messageListMember joins person and messageList).
    auto& list = add_object("messageList", "messageLists", "List", "Lists", false, true, ts);
    list.is_system = true;
    add_field(list, "name", field_type::text, ts);
    auto& member = add_object("messageListMember", "messageListMembers", "List Member",
                              "List Members", false, true, ts);
    member.is_system = true;
    add_relation(member, "list", list, "members", ts);
    add_relation(member, "person", person, "listMemberships", ts);
    return;
  }
  // 0.50 and 2.5: annualRecurringRevenue (2.19 renamed it annualRevenue), and the fields 2.19
  // no longer has as standard: idealCustomerProfile and xLink, people's city and xLink.
  for (auto& f : company.fields)
    if (f->name == "annualRevenue") {
      f->name = "annualRecurringRevenue";
      f->label = "AnnualRecurringRevenue";
    }
  add_field(company, "idealCustomerProfile", field_type::boolean, ts).default_json = "false";
  add_field(company, "xLink", field_type::links, ts);
  add_field(person, "city", field_type::text, ts);
  add_field(person, "xLink", field_type::links, ts);
}

object_def* schema::by_plural(std::string_view name) const {
  for (auto& o : objects_)
    if (o->name_plural == name)
      return o.get();
  return nullptr;
}

object_def* schema::by_singular(std::string_view name) const {
  for (auto& o : objects_)
    if (o->name_singular == name)
      return o.get();
  return nullptr;
}

object_def* schema::by_id(std::string_view id) const {
  for (auto& o : objects_)
    if (o->id == id)
      return o.get();
  return nullptr;
}

field_def* schema::field_by_id(std::string_view id, object_def** owner) const {
  for (auto& o : objects_)
    for (auto& f : o->fields)
      if (f->id == id) {
        if (owner)
          *owner = o.get();
        return f.get();
      }
  return nullptr;
}

}  // namespace standin

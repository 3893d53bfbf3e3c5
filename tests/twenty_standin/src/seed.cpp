#include "seed.hpp"

#include "rng.hpp"

#include <algorithm>
#include <vector>

namespace standin {

namespace {

const char* first_names[] = {"Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken",
                             "Frances", "Edsger", "Radia", "Tim", "Katherine", "John", "Hedy",
                             "Claude", "Sophie", "Donald", "Annie", "Niklaus", "Leslie", "Carol",
                             "Vint", "Shafi", "Yukihiro", "Guido", "Bjarne", "Anita", "Jean", "Mary"};
const char* last_names[] = {"Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie",
                            "Liskov", "Thompson", "Allen", "Dijkstra", "Perlman", "Berners-Lee",
                            "Johnson", "McCarthy", "Lamarr", "Shannon", "Wilson", "Knuth", "Easley",
                            "Wirth", "Lamport", "Shaw", "Cerf", "Goldwasser", "Matsumoto", "Rossum",
                            "Stroustrup", "Borg", "Sammet", "Keller"};
const char* name_a[] = {"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
                        "Soylent", "Tyrell", "Cyberdyne", "Wonka", "Aperture", "Black Mesa", "Gringotts",
                        "Oscorp", "Massive", "Nakatomi", "Duff", "Monarch", "Pied Piper", "Dunder",
                        "Sterling", "Bluth", "Prestige"};
const char* name_b[] = {"Labs", "Systems", "Industries", "Dynamics", "Holdings", "Analytics", "Logistics",
                        "Robotics", "Foods", "Energy", "Capital", "Media", "Health", "Software"};
const char* cities[] = {"Paris", "Berlin", "London", "New York", "San Francisco", "Tokyo", "Lisbon",
                        "Toronto", "Sydney", "Madrid", "Amsterdam", "Singapore"};
const char* countries[] = {"France", "Germany", "United Kingdom", "United States", "United States",
                           "Japan", "Portugal", "Canada", "Australia", "Spain", "Netherlands",
                           "Singapore"};
const char* titles[] = {"CEO", "CTO", "VP Sales", "Head of Operations", "Engineer", "Buyer",
                        "Product Manager", "CFO", "Account Executive", "Designer"};
const char* stages[] = {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"};
const char* task_verbs[] = {"Call", "Email", "Prepare demo for", "Send proposal to", "Follow up with",
                            "Review contract of"};
const char* statuses[] = {"TODO", "IN_PROGRESS", "DONE"};
const char* contract_statuses[] = {"DRAFT", "SENT", "SIGNED", "EXPIRED"};

template <class T, std::size_t N>
const T& pick(rng& r, const T (&arr)[N]) { return arr[r.below(N)]; }

constexpr std::int64_t day_ms = 86400000;

class builder {
public:
  builder(store& db, rng& r) : db_(db), r_(r) {}

  // Creates one record from a JSON object built by `fill`; returns its id.
  template <class Fill>
  std::string add(const char* object, std::int64_t created_ms, Fill&& fill) {
    const object_def* o = db_.meta().by_singular(object);
    rapidjson::Document d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    d.AddMember("id", str_value(r_.uuid_v4(), a), a);
    d.AddMember("createdAt", str_value(iso_time(created_ms), a), a);
    fill(d, a);
    actor_info who{"MANUAL", "Stand-in seed", ""};
    auto res = db_.create(*o, d, who, created_ms);
    ++counts[object];
    return res ? res.value->id : std::string();
  }

  std::map<std::string, std::size_t> counts;

private:
  store& db_;
  rng& r_;
};

json_value obj(json_alloc&) { return json_value(rapidjson::kObjectType); }

}  // namespace

std::map<std::string, std::size_t> seed_workspace(store& db, const seed_options& opt) {
  rng r(opt.seed);
  builder b(db, r);
  const std::size_t n_opps = opt.opportunities ? opt.opportunities : 80;
  const std::size_t n_companies = std::max<std::size_t>(50, n_opps / 10);
  const std::size_t n_people = n_companies * 12 / 5;
  const std::size_t n_tasks = std::max<std::size_t>(60, n_opps / 2);
  const std::size_t n_notes = std::max<std::size_t>(40, n_opps / 4);
  const std::size_t n_contracts = std::max<std::size_t>(20, n_opps / 20);
  const std::int64_t t0 = opt.anchor_ms - 365 * day_ms;
  auto created = [&] { return t0 + r.between(0, 364) * day_ms + r.between(0, day_ms - 1); };

  std::vector<std::string> members, companies, people, opps, tasks, notes;
  // Releases before 2.19 call the revenue annualRecurringRevenue and seed employees and a
  // person's city (schema::add_release_fields); values derive from the index, so the random
  // sequence, and with it every other value, is the same in every mode.
  const bool before_2_19 = db.meta().by_singular("company")->field("annualRecurringRevenue") != nullptr;
  const char* revenue_field = before_2_19 ? "annualRecurringRevenue" : "annualRevenue";
  for (int i = 0; i < 6; ++i) {
    members.push_back(b.add("workspaceMember", t0, [&](auto& d, auto& a) {
      json_value name = obj(a);
      std::string first = first_names[i], last = last_names[i];
      name.AddMember("firstName", str_value(first, a), a);
      name.AddMember("lastName", str_value(last, a), a);
      d.AddMember("name", name, a);
      d.AddMember("colorScheme", "System", a);
      d.AddMember("locale", "en", a);
      d.AddMember("userEmail", str_value(to_lower(first) + "@standin.example", a), a);
      d.AddMember("userId", str_value(r.uuid_v4(), a), a);
      d.AddMember("timeZone", "Europe/Paris", a);
    }));
  }
  for (std::size_t i = 0; i < n_companies; ++i) {
    std::string name = std::string(pick(r, name_a)) + " " + pick(r, name_b);
    if (i >= 25) name += " " + std::to_string(i);
    companies.push_back(b.add("company", created(), [&](auto& d, auto& a) {
      d.AddMember("name", str_value(name, a), a);
      std::string domain = "https://" + to_lower(name);
      domain.erase(std::remove(domain.begin() + 8, domain.end(), ' '), domain.end());
      json_value links = obj(a);
      links.AddMember("primaryLinkUrl", str_value(domain + ".example", a), a);
      d.AddMember("domainName", links, a);
      auto city = r.below(12);
      json_value addr = obj(a);
      addr.AddMember("addressCity", str_value(cities[city], a), a);
      addr.AddMember("addressCountry", str_value(countries[city], a), a);
      d.AddMember("address", addr, a);
      json_value rev = obj(a);
      rev.AddMember("amountMicros", static_cast<std::int64_t>(r.between(1, 500)) * 1000000000000L / 10, a);
      rev.AddMember("currencyCode", "USD", a);
      d.AddMember(json_value(revenue_field, a), rev, a);
      if (before_2_19) d.AddMember("employees", static_cast<int>(5 + (i * 37) % 4995), a);
      d.AddMember("accountOwnerId", str_value(members[r.below(members.size())], a), a);
    }));
  }
  for (std::size_t i = 0; i < n_people; ++i) {
    std::string first = pick(r, first_names), last = pick(r, last_names);
    people.push_back(b.add("person", created(), [&](auto& d, auto& a) {
      json_value name = obj(a);
      name.AddMember("firstName", str_value(first, a), a);
      name.AddMember("lastName", str_value(last, a), a);
      d.AddMember("name", name, a);
      json_value emails = obj(a);
      emails.AddMember("primaryEmail",
                       str_value(to_lower(first) + "." + to_lower(last) + std::to_string(i) + "@example.com", a), a);
      d.AddMember("emails", emails, a);
      d.AddMember("jobTitle", str_value(pick(r, titles), a), a);
      if (before_2_19) d.AddMember("city", str_value(cities[i % 12], a), a);
      json_value phones = obj(a);
      phones.AddMember("primaryPhoneNumber", str_value(std::to_string(600000000 + r.below(99999999)), a), a);
      phones.AddMember("primaryPhoneCountryCode", "FR", a);
      phones.AddMember("primaryPhoneCallingCode", "+33", a);
      d.AddMember("phones", phones, a);
      d.AddMember("companyId", str_value(companies[i % companies.size()], a), a);
    }));
  }
  for (std::size_t i = 0; i < n_opps; ++i) {
    std::int64_t close = opt.anchor_ms + r.between(-182, 182) * day_ms;
    opps.push_back(b.add("opportunity", std::min(created(), close - day_ms), [&](auto& d, auto& a) {
      std::size_t c = r.below(companies.size());
      d.AddMember("name", str_value("Deal " + std::to_string(i + 1), a), a);
      json_value amount = obj(a);
      amount.AddMember("amountMicros", static_cast<std::int64_t>(r.between(1, 200)) * 500000000L, a);
      amount.AddMember("currencyCode", "USD", a);
      d.AddMember("amount", amount, a);
      d.AddMember("closeDate", str_value(iso_time(close), a), a);
      d.AddMember("stage", rapidjson::StringRef(stages[r.below(5)]), a);
      d.AddMember("companyId", str_value(companies[c], a), a);
      d.AddMember("pointOfContactId", str_value(people[c % people.size()], a), a);
      d.AddMember("ownerId", str_value(members[r.below(members.size())], a), a);
    }));
  }
  // The junction's column to `target` (targetPersonId, or personId on 0.50), from the schema.
  auto column_to = [&](const char* object, const char* target) {
    for (auto& f : db.meta().by_singular(object)->fields)
      if (f->is_many_to_one() && f->relation->target_object == target) return f->join_column();
    return std::string(target) + "Id";
  };
  auto add_target = [&](const char* object, const char* parent_key, const std::string& parent) {
    b.add(object, created(), [&](auto& d, auto& a) {
      d.AddMember(rapidjson::StringRef(parent_key), str_value(parent, a), a);
      switch (r.below(3)) {
        case 0: d.AddMember(str_value(column_to(object, "person"), a), str_value(people[r.below(people.size())], a), a); break;
        case 1: d.AddMember(str_value(column_to(object, "company"), a), str_value(companies[r.below(companies.size())], a), a); break;
        default: d.AddMember(str_value(column_to(object, "opportunity"), a), str_value(opps[r.below(opps.size())], a), a);
      }
    });
  };
  for (std::size_t i = 0; i < n_tasks; ++i) {
    std::string id = b.add("task", created(), [&](auto& d, auto& a) {
      d.AddMember("title", str_value(std::string(pick(r, task_verbs)) + " " + pick(r, first_names), a), a);
      json_value body = obj(a);
      body.AddMember("blocknote", json_value(), a);
      body.AddMember("markdown", str_value("Task " + std::to_string(i + 1) + " details", a), a);
      d.AddMember("bodyV2", body, a);
      d.AddMember("dueAt", str_value(iso_time(opt.anchor_ms + r.between(-60, 60) * day_ms), a), a);
      d.AddMember("status", rapidjson::StringRef(statuses[r.below(3)]), a);
      d.AddMember("assigneeId", str_value(members[r.below(members.size())], a), a);
    });
    tasks.push_back(id);
    add_target("taskTarget", "taskId", id);
  }
  for (std::size_t i = 0; i < n_notes; ++i) {
    std::string id = b.add("note", created(), [&](auto& d, auto& a) {
      d.AddMember("title", str_value("Meeting notes " + std::to_string(i + 1), a), a);
      json_value body = obj(a);
      body.AddMember("blocknote", json_value(), a);
      body.AddMember("markdown", str_value("Discussed pricing with " + std::string(pick(r, first_names)), a), a);
      d.AddMember("bodyV2", body, a);
    });
    notes.push_back(id);
    add_target("noteTarget", "noteId", id);
    if (i % 2 == 0) add_target("noteTarget", "noteId", id);
  }
  for (std::size_t i = 0; i < n_contracts; ++i) {
    b.add("contract", created(), [&](auto& d, auto& a) {
      d.AddMember("name", str_value("Contract " + std::to_string(i + 1), a), a);
      const char* st = contract_statuses[r.below(4)];
      d.AddMember("status", rapidjson::StringRef(st), a);
      json_value value = obj(a);
      value.AddMember("amountMicros", static_cast<std::int64_t>(r.between(1, 100)) * 1000000000L, a);
      value.AddMember("currencyCode", "EUR", a);
      d.AddMember("value", value, a);
      if (std::string(st) == "SIGNED")
        d.AddMember("signedAt", str_value(iso_time(opt.anchor_ms - r.between(0, 300) * day_ms), a), a);
      d.AddMember("companyId", str_value(companies[r.below(companies.size())], a), a);
    });
  }
  return b.counts;
}

}  // namespace standin

// A twenty_api for tool tests: records every request, answers from a table of canned
// responses keyed by method + target prefix (longest prefix wins, later entries win ties),
// completes synchronously or on demand, and holds a small workspace schema (person, company,
// opportunity with a SELECT stage, taskTarget, a custom `pet` with SELECT/MULTI_SELECT and a
// RELATION, plus a system and an inactive object the tools must ignore).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "integration/schema_model.hpp"
#include "integration/twenty_api.hpp"

namespace tmcp::testing {

namespace tw = tmcp::twenty;

// --- The workspace -------------------------------------------------------------------------

inline tw::field make_field(std::string name, tw::field_type type, bool nullable = true) {
  tw::field f;
  f.id = "f-" + name;
  f.name = std::move(name);
  f.label = f.name;
  f.type = type;
  f.type_name = tw::to_string(type);
  f.nullable = nullable;
  return f;
}

inline tw::field system_field(std::string name, tw::field_type type) {
  auto f = make_field(std::move(name), type, false);
  f.is_system = true;
  return f;
}

inline tw::field select_field(std::string name, std::vector<std::string> values,
                              bool multi = false) {
  auto f = make_field(std::move(name), multi ? tw::field_type::multi_select
                                             : tw::field_type::select);
  for (auto& v : values)
    f.options.push_back({v, v});
  return f;
}

// MANY_TO_ONE (`join` set) or ONE_TO_MANY relation to `target` (a nameSingular).
inline tw::field relation_field(std::string name, std::string target, std::string join = {}) {
  auto f = make_field(std::move(name), tw::field_type::relation);
  f.relation_target_object = std::move(target);
  f.relation_type = join.empty() ? "ONE_TO_MANY" : "MANY_TO_ONE";
  f.join_column = std::move(join);
  return f;
}

inline std::vector<tw::field> system_fields() {
  return {system_field("id", tw::field_type::uuid),
          system_field("createdAt", tw::field_type::date_time),
          system_field("updatedAt", tw::field_type::date_time),
          system_field("deletedAt", tw::field_type::date_time),
          system_field("position", tw::field_type::position),
          system_field("searchVector", tw::field_type::ts_vector)};
}

inline tw::object make_object(std::string singular, std::string plural, std::string label_one,
                              std::string label_many, std::vector<tw::field> fields) {
  tw::object o;
  o.id = "o-" + singular;
  o.name_singular = std::move(singular);
  o.name_plural = std::move(plural);
  o.label_singular = std::move(label_one);
  o.label_plural = std::move(label_many);
  o.fields = system_fields();
  for (auto& f : fields)
    o.fields.push_back(std::move(f));
  o.label_identifier_field = "name";
  o.is_searchable = true;
  return o;
}

inline std::vector<tw::object> workspace_objects() {
  std::vector<tw::object> out;
  out.push_back(make_object("person", "people", "Person", "People",
                            {make_field("name", tw::field_type::full_name),
                             make_field("emails", tw::field_type::emails),
                             make_field("jobTitle", tw::field_type::text),
                             relation_field("company", "company", "companyId"),
                             relation_field("pets", "pet")}));
  out.push_back(make_object("company", "companies", "Company", "Companies",
                            {make_field("name", tw::field_type::text),
                             make_field("domainName", tw::field_type::links),
                             make_field("employees", tw::field_type::number),
                             relation_field("people", "person"),
                             relation_field("opportunities", "opportunity")}));
  auto stage = select_field("stage", {"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"});
  stage.nullable = false;
  stage.default_value_json = "\"'NEW'\"";
  out.push_back(make_object("opportunity", "opportunities", "Opportunity", "Opportunities",
                            {make_field("name", tw::field_type::text, false),
                             make_field("amount", tw::field_type::currency),
                             make_field("closeDate", tw::field_type::date_time), stage,
                             relation_field("company", "company", "companyId"),
                             relation_field("pointOfContact", "person", "pointOfContactId")}));
  out.push_back(make_object("taskTarget", "taskTargets", "Task Target", "Task Targets",
                            {relation_field("targetPerson", "person", "targetPersonId"),
                             relation_field("targetCompany", "company", "targetCompanyId")}));
  auto species = select_field("species", {"DOG", "CAT", "BIRD"});
  species.nullable = false;
  auto pet = make_object("pet", "pets", "Pet", "Pets",
                         {make_field("name", tw::field_type::text), species,
                          select_field("traits", {"CALM", "PLAYFUL"}, true),
                          relation_field("owner", "person", "ownerId")});
  pet.is_custom_guess = true;
  pet.description = "Pets of our customers";
  out.push_back(std::move(pet));
  auto hidden = make_object("blocklist", "blocklists", "Blocklist", "Blocklists",
                            {make_field("handle", tw::field_type::text)});
  hidden.is_system = true;
  out.push_back(std::move(hidden));
  auto retired = make_object("legacyThing", "legacyThings", "Legacy thing", "Legacy things",
                             {make_field("name", tw::field_type::text)});
  retired.is_active = false;
  out.push_back(std::move(retired));
  return out;
}

inline tmcp::schema_ptr workspace_schema_ptr(std::vector<tw::object> objects = workspace_objects(),
                                             const tw::workspace_schema* previous = nullptr) {
  return std::make_shared<const tw::workspace_schema>(
    tw::make_schema(std::move(objects), previous));
}

// --- The fake ------------------------------------------------------------------------------

class fake_twenty_api : public tw::twenty_api {
public:
  enum class call_kind { read, get_record, write };

  struct call {
    call_kind kind = call_kind::read;
    tw::request req; // get_record: GET /rest/<plural>/<id>?depth=<d>
    std::vector<std::string> tags; // read: cached under; write: invalidates
    std::vector<std::pair<std::string, std::string>> changed;
    int depth = 0;
    std::string fairness_key;
  };

  using responder = std::function<tw::outcome(const tw::request&)>;

  explicit fake_twenty_api(tmcp::schema_ptr schema = workspace_schema_ptr())
    : schema_(std::move(schema)) {
    // nop
  }

  // Answers for requests whose method matches and whose target starts with `prefix`. For
  // get_record the target is "/rest/<plural>/<id>" and the body the bare record; GraphQL
  // calls are matched as "/graphql <root field>".
  void on(tw::verb method, std::string prefix, responder r) {
    std::lock_guard<std::mutex> guard(mtx_);
    table_.push_back({method, std::move(prefix), std::move(r)});
  }
  void on(tw::verb method, std::string prefix, int status, std::string body) {
    on(method, std::move(prefix), [status, body](const tw::request&) -> tw::outcome {
      if (status >= 200 && status < 300)
        return tw::response{status, body, {}, {}, {}, {}};
      return tmcp::make_unexpected(tw::classify(status, body));
    });
  }
  void fail(tw::verb method, std::string prefix, tw::error e) {
    on(method, std::move(prefix), [e](const tw::request&) -> tw::outcome {
      return tmcp::make_unexpected(e);
    });
  }

  // Deferred mode: answers wait until complete_all() (or complete_next()).
  bool deferred = false;

  std::size_t pending() const {
    std::lock_guard<std::mutex> guard(mtx_);
    return pending_.size();
  }
  void complete_next() {
    std::function<void()> fn;
    {
      std::lock_guard<std::mutex> guard(mtx_);
      if (pending_.empty())
        return;
      fn = std::move(pending_.front());
      pending_.erase(pending_.begin());
    }
    fn();
  }
  void complete_all() {
    while (pending() > 0)
      complete_next();
  }

  std::vector<call> calls() const {
    std::lock_guard<std::mutex> guard(mtx_);
    return calls_;
  }
  void clear_calls() {
    std::lock_guard<std::mutex> guard(mtx_);
    calls_.clear();
  }

  void set_schema(tmcp::schema_ptr s) {
    std::lock_guard<std::mutex> guard(mtx_);
    schema_ = std::move(s);
  }

  // --- twenty_api ---

  void read(tw::request req, std::vector<std::string> tags, done_fn done) override {
    record({call_kind::read, req, std::move(tags), {}, 0, req.fairness_key}, std::move(done));
  }

  void get_record(const std::string& plural, const std::string& id, int depth,
                  const std::string& fairness_key, done_fn done) override {
    tw::request req;
    req.target = "/rest/" + plural + "/" + id + "?depth=" + std::to_string(depth);
    req.fairness_key = fairness_key;
    record({call_kind::get_record, req, {tw::record_tag(plural, id)}, {}, depth, fairness_key},
           std::move(done));
  }

  void write(tw::request req, std::vector<std::string> invalidates,
             std::vector<std::pair<std::string, std::string>> changed, done_fn done) override {
    record({call_kind::write, req, std::move(invalidates), std::move(changed), 0,
            req.fairness_key},
           std::move(done));
  }

  tmcp::schema_ptr schema() const override {
    std::lock_guard<std::mutex> guard(mtx_);
    return schema_;
  }

  void refresh_schema(std::function<void()> done) override { done(); }

private:
  struct entry {
    tw::verb method;
    std::string prefix;
    responder answer;
  };

  // GraphQL calls match as "/graphql <root field>" ("/graphql people"), so tests can answer
  // each collection differently.
  static std::string match_key(const tw::request& req) {
    if (req.kind != tw::api::graphql)
      return req.target;
    auto doc = tmcp::json::parse(req.body);
    auto query = doc ? tmcp::json::get_string(*doc, "query").value_or("") : std::string();
    auto open = query.find('{');
    if (open == std::string::npos)
      return req.target;
    auto start = query.find_first_not_of(" \n\t", open + 1);
    auto end = start == std::string::npos ? start : query.find_first_of(" ({\n\t", start);
    if (end == std::string::npos)
      return req.target;
    return req.target + " " + query.substr(start, end - start);
  }

  tw::outcome answer(const tw::request& req) {
    responder r;
    auto key = match_key(req);
    {
      std::lock_guard<std::mutex> guard(mtx_);
      const entry* best = nullptr;
      for (const auto& e : table_)
        if (e.method == req.method && key.compare(0, e.prefix.size(), e.prefix) == 0
            && (!best || e.prefix.size() >= best->prefix.size()))
          best = &e;
      if (best)
        r = best->answer;
    }
    if (!r)
      return tmcp::make_unexpected(tw::error{tw::errc::twenty_api_error, 0,
                                             "fake_twenty_api: no canned answer for "
                                               + req.target,
                                             ""});
    return r(req);
  }

  void record(call c, done_fn done) {
    auto req = c.req;
    {
      std::lock_guard<std::mutex> guard(mtx_);
      calls_.push_back(std::move(c));
    }
    auto run = [this, req, done = std::move(done)] { done(answer(req)); };
    if (deferred) {
      std::lock_guard<std::mutex> guard(mtx_);
      pending_.push_back(std::move(run));
    } else {
      run();
    }
  }

  mutable std::mutex mtx_;
  tmcp::schema_ptr schema_;
  std::vector<entry> table_;
  std::vector<call> calls_;
  std::vector<std::function<void()>> pending_;
};

} // namespace tmcp::testing

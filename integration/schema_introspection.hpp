// Reading the workspace schema from whichever Twenty release answers: the newest /metadata
// query first, then, from what the answers say, `relationDefinition` (0.x), isCustom on or off,
// and GET /rest/metadata/objects (fromRelationMetadata/toRelationMetadata). An answer with data
// and per-field errors is kept and only the relations are asked for again. Plain C++: the schema
// actor sends the requests and feeds the answers back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "integration/schema_model.hpp"
#include "integration/twenty_types.hpp"

namespace tmcp::twenty {

// The way of asking that worked, remembered for the next refresh.
struct introspection_plan {
  relation_selection relations = relation_selection::relation;
  bool is_custom = false;
  bool rest = false; // everything from GET /rest/metadata/objects

  bool operator==(const introspection_plan& o) const {
    return relations == o.relations && is_custom == o.is_custom && rest == o.rest;
  }
};

struct introspection_step {
  enum class kind { fetch, done, failed };
  kind what = kind::failed;
  request next;  // fetch: the call to make and feed to take()
  error failure; // failed: why, classified like any Twenty error (invalid key, network...)
};

class introspection {
public:
  // An introspection reading more pages than this is stopped (a server that loops).
  static constexpr std::size_t max_pages = 100;

  // Starts from the remembered plan (one re-probe from the newest plan if it fails), or from
  // the newest plan.
  explicit introspection(std::optional<introspection_plan> known = std::nullopt);

  introspection_step begin();
  // One answer (as the gateway delivers it) to the last fetch.
  introspection_step take(const outcome& answer);

  // After `done`: the objects read, what they say about the release, and the plan to remember.
  std::vector<object> take_objects() { return std::move(objects_); }
  const release_info& release() const { return release_; }
  const introspection_plan& plan() const { return plan_; }

private:
  enum class phase { graphql, graphql_patch, rest, rest_patch };

  introspection_step restart(phase p);
  introspection_step fetch(const std::string& cursor);
  introspection_step done();
  introspection_step fail_or_reprobe(error why);
  introspection_step on_graphql(std::string_view body);
  introspection_step on_patch(std::string_view body);
  introspection_step on_rest(std::string_view body);
  introspection_step on_failed_answer(const outcome& answer);
  introspection_step on_refused(const error& why);
  // Adds a page; the next cursor, none at the end, or a failure.
  introspection_step next_page(metadata_page& page, std::vector<object>& into);

  introspection_plan plan_;
  bool from_known_ = false;
  bool reprobed_ = false;
  phase phase_ = phase::graphql;
  bool relations_failed_ = false;
  std::size_t pages_ = 0;
  std::string last_cursor_;
  std::vector<object> objects_;
  std::vector<object> patch_;
  release_info release_;
};

} // namespace tmcp::twenty

// In-memory record tables, one per object, ordered by id (Twenty's default sort).
#pragma once

#include "api_types.hpp"
#include "json_util.hpp"
#include "schema.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace standin {

struct row {
  std::string id;
  json_value data;  // the record as returned at depth 0, keys in column order
  bool destroyed = false;
  bool soft_deleted() const;
};

struct table {
  std::deque<row> rows;                  // stable addresses; destroyed rows stay as tombstones
  std::map<std::string, row*> by_id;     // live rows (incl. soft-deleted), in id order
  std::size_t active = 0;                // rows not soft-deleted
  double max_position = 0;
};

// Who performed a write; becomes createdBy / updatedBy.
struct actor_info {
  std::string source = "API";
  std::string name = "Stand-in API key";
  std::string workspace_member_id;  // empty -> null
};

enum class event_action { created, updated, deleted, destroyed, restored };
std::string_view action_name(event_action a);

// One record change, as webhooks need it.
struct record_event {
  event_action action;
  std::string object_singular;
  std::string object_metadata_id;
  std::string record_json;  // after the change; before it for deletes
  std::vector<std::string> updated_fields;
};

class store {
public:
  // Creates a table per object up front: readers under a shared lock never insert.
  explicit store(schema& s) : schema_(s) {
    for (auto& o : s.objects()) tables_[o->name_singular];
  }
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  schema& meta() { return schema_; }
  const schema& meta() const { return schema_; }
  json_alloc& alloc() { return alloc_; }
  table& table_for(const object_def& o) { return tables_[o.name_singular]; }

  // Live row (soft-deleted included), or nullptr.
  row* find(const object_def& o, std::string_view id);

  // Validates input against the schema and inserts a record.
  result<row*> create(const object_def& o, const json_value& input, const actor_info& who,
                      std::int64_t now_ms);
  // Applies a partial update; fills `changed` with the top-level fields that changed.
  std::optional<api_error> update(const object_def& o, row& r, const json_value& input,
                                  const actor_info& who, std::int64_t now_ms,
                                  std::vector<std::string>* changed);
  void soft_delete(const object_def& o, row& r, std::int64_t now_ms);
  void restore(const object_def& o, row& r, std::int64_t now_ms);
  void destroy(const object_def& o, row& r);

  // Schema changes: keep every row's keys in step with the metadata.
  void add_column(const object_def& o, const field_def& f);
  void drop_column(const object_def& o, const std::string& key);
  void drop_table(const std::string& singular) { tables_.erase(singular); }

  // Default value for one column (relation FK columns default to null).
  json_value default_value(const field_def& f, const actor_info& who);

private:
  std::optional<api_error> apply_input(const object_def& o, json_value& rec, const json_value& input,
                                       bool creating, std::vector<std::string>* changed);
  void refresh_search_vector(const object_def& o, json_value& rec);

  schema& schema_;
  json_alloc alloc_;
  std::unordered_map<std::string, table> tables_;
};

// Record events carry a JSON snapshot so they outlive later writes.
record_event make_event(event_action a, const object_def& o, const row& r,
                        std::vector<std::string> changed = {});

// The error Twenty gives for a field that the object does not have (wording unverified).
api_error unknown_field(const object_def& o, std::string_view field);

}  // namespace standin

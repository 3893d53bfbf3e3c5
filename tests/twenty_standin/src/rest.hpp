// The REST API under /rest: pure functions from a parsed request to a response.
#pragma once

#include "api_types.hpp"
#include "query.hpp"
#include "releases.hpp"
#include "store.hpp"
#include "webhooks.hpp"

#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace standin {

// Everything a handler may touch; the caller holds the store lock.
struct request_context {
  store& db;
  actor_info who;
  std::int64_t now_ms = 0;
  std::vector<record_event> events;  // record changes, for webhooks
  bool wrote = false;                // counted as a write in the stats
  std::vector<webhook_def>* webhooks = nullptr;  // the registrations (metadata)
  std::string workspace_id;
  twenty_release release = twenty_release::newest;  // --twenty-version
  // The release answers `<plural>GroupBy` on /graphql (2.x; 0.50 has no such root field).
  bool graphql_group_by = true;
};

struct rest_route {
  std::string method;   // GET, POST, PATCH, DELETE (PUT is folded into PATCH)
  std::string pattern;  // e.g. "/rest/{object}/{id}", used as the stats key
};

// Classifies a /rest path for stats without executing it.
rest_route classify_rest(const std::string& method, const std::string& path);

// Handles /rest/... for record objects (not /rest/metadata).
http_response handle_rest_records(request_context& ctx, const http_request& req,
                                  const std::string& path, const query_params& q);

// ---- shared helpers (rest_support.cpp) ----

// Resolves a plural object name, with Twenty's "Did you mean" hint for singular names.
result<const object_def*> resolve_object(const schema& s, const std::string& plural);
result<int> parse_depth(const query_params& q);
result<std::size_t> parse_limit(const query_params& q, std::size_t def = 60, std::size_t max = 200);

// Lazily built reverse indexes for one-to-many relations at depth 1.
class relation_cache {
public:
  explicit relation_cache(store& s) : db_(s) {}
  const std::vector<row*>& children(const object_def& target, const std::string& fk_column,
                                    const std::string& parent_id);

private:
  store& db_;
  std::map<std::string, std::unordered_map<std::string, std::vector<row*>>> index_;
};

// Writes one record; depth 1 adds many-to-one objects and one-to-many arrays.
void write_record(json_writer& w, store& db, const object_def& o, const row& r, int depth,
                  relation_cache& cache);
// {"data":{"<key>":<record>}} and {"data":{"<key>":[records]}}.
std::string record_envelope(store& db, const object_def& o, const std::string& key, const row& r,
                            int depth);
std::string records_envelope(store& db, const object_def& o, const std::string& key,
                             const std::vector<row*>& rows, int depth);
// {"data":{"<key>":{"id":"…"}}} / [{"id":"…"}…]
std::string ids_envelope(const std::string& key, const std::vector<std::string>& ids, bool many);

// Rows matching a REST ?filter (soft-deleted excluded unless the filter names deletedAt).
result<std::vector<row*>> rows_for_filter(store& db, const object_def& o, const query_params& q,
                                          bool include_deleted = false);

// ---- handlers (rest_read.cpp / rest_write.cpp) ----
http_response rest_find_many(request_context& ctx, const std::string& object, const query_params& q);
http_response rest_find_one(request_context& ctx, const object_def& o, const std::string& id,
                            const query_params& q);
http_response rest_group_by(request_context& ctx, const object_def& o, const query_params& q);
http_response rest_duplicates(request_context& ctx, const object_def& o, const std::string& body);
http_response rest_create_one(request_context& ctx, const object_def& o, const std::string& body,
                              const query_params& q);
http_response rest_create_many(request_context& ctx, const object_def& o, const std::string& body,
                               const query_params& q);
http_response rest_update_one(request_context& ctx, const object_def& o, const std::string& id,
                              const std::string& body, const query_params& q);
http_response rest_update_many(request_context& ctx, const object_def& o, const std::string& body,
                               const query_params& q);
http_response rest_delete_one(request_context& ctx, const object_def& o, const std::string& id,
                              const query_params& q);
http_response rest_delete_many(request_context& ctx, const object_def& o, const query_params& q);
http_response rest_restore_one(request_context& ctx, const object_def& o, const std::string& id,
                               const query_params& q);
http_response rest_restore_many(request_context& ctx, const object_def& o, const query_params& q);
http_response rest_merge(request_context& ctx, const object_def& o, const std::string& body,
                         const query_params& q);

// ---- write primitives shared with GraphQL (rest_write.cpp) ----
result<row*> create_record(request_context& ctx, const object_def& o, const json_value& input,
                           bool upsert);
std::optional<api_error> update_record(request_context& ctx, const object_def& o, row& r,
                                       const json_value& input);
void soft_delete_record(request_context& ctx, const object_def& o, row& r);
void destroy_record(request_context& ctx, const object_def& o, row& r);
void restore_record(request_context& ctx, const object_def& o, row& r);

}  // namespace standin

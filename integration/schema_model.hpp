// The workspace schema as read from Twenty's /metadata GraphQL API: objects, fields, relations
// and select options, plus what is derived from it (a content fingerprint, per-object JSON
// Schemas for tool arguments, and name/filter checks with "did you mean" suggestions).
// Plain C++ and RapidJSON; no CAF, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/expected.hpp"

namespace tmcp::twenty {

// Every FieldMetadataType at v2.43, plus the rich-text spellings of older servers.
enum class field_type {
  actor,
  address,
  array,
  boolean,
  currency,
  date,
  date_time,
  emails,
  files,
  full_name,
  links,
  morph_relation,
  multi_select,
  number,
  numeric,
  phones,
  position,
  rating,
  raw_json,
  relation,
  rich_text,            // composite {blocknote, markdown} (v2.x spelling)
  rich_text_v2,         // composite {blocknote, markdown} (1.x spelling)
  rich_text_deprecated, // old text-only rich text (RICH_TEXT on 1.x, RICH_TEXT_DEPRECATED later)
  select,
  text,
  ts_vector,
  uuid,
  unknown,
};

field_type parse_field_type(std::string_view name);
const char* to_string(field_type t);

// A composite type's subfield names (FULL_NAME -> firstName, lastName); empty otherwise.
const std::vector<std::string>& composite_subfields(field_type t);
bool is_composite(field_type t);

struct select_option {
  std::string value;
  std::string label;
};

struct field {
  std::string id, name, label, description;
  field_type type = field_type::unknown;
  std::string type_name; // as the server spelled it
  bool nullable = true;
  bool is_system = false;
  bool is_active = true;
  bool is_unique = false;
  std::vector<select_option> options;
  std::string default_value_json; // "" or "null" when there is none
  // Relations only.
  std::string relation_type;          // MANY_TO_ONE | ONE_TO_MANY
  std::string relation_target_object; // target nameSingular
  std::string join_column;            // e.g. companyId, for MANY_TO_ONE

  bool is_many_to_one() const { return relation_type == "MANY_TO_ONE"; }
  bool has_default() const { return !default_value_json.empty() && default_value_json != "null"; }
};

struct object {
  std::string id, name_singular, name_plural, label_singular, label_plural, description;
  bool is_system = false;
  bool is_active = true;
  // The server's isCustom where the release reports it (before 2.19), else: not one of the
  // standard objects.
  bool is_custom_guess = false;
  bool is_searchable = false;
  std::string label_identifier_field; // field name (resolved from labelIdentifierFieldMetadataId)
  std::vector<field> fields;

  // By field name, or by a MANY_TO_ONE join column (companyId -> the `company` relation).
  const field* find_field(std::string_view name) const;
};

// What introspection learned about the Twenty release (README "Compatibility"): releases are
// told apart by what their metadata API answers, not by a version number (none is published).
struct release_info {
  // Where relation targets and directions came from: "relation" (1.x and newer),
  // "relationDefinition" (0.x, e.g. 0.50), "rest" (GET /rest/metadata/objects,
  // fromRelationMetadata/toRelationMetadata) or "none" (relation targets unknown).
  std::string relations = "relation";
  bool reports_is_custom = false; // the metadata API knows isCustom (gone in 2.19)
  // Each step that differed from the newest path, e.g. "relation failed per field; ...".
  std::vector<std::string> notes;

  // A short name of the release family, e.g. "0.x (relationDefinition metadata, like 0.50)".
  std::string family() const;
};

struct workspace_schema {
  std::vector<object> objects; // sorted by name_singular
  release_info release;
  uint64_t version = 0;        // 1 for the first snapshot; bumped when the fingerprint changes
  std::string fingerprint;     // hex hash of the content, independent of ordering

  // By nameSingular or namePlural.
  const object* find_object(std::string_view name) const;
  // Plural names (what REST paths use) of the active objects, sorted.
  std::vector<std::string> object_names() const;
};

// True for the object names of Appendix A (the standard objects at v2.43).
bool is_standard_object(std::string_view name_singular);

// --- Introspection -------------------------------------------------------------------------

struct metadata_page {
  std::vector<object> objects;
  bool has_next_page = false;
  std::string end_cursor;
  // GraphQL errors of an answer that also carried data (0.50 fails `relation` per field but
  // answers everything else): the data is kept, the caller asks again for what failed.
  std::vector<std::string> field_errors;
};

// How relation metadata is asked for; releases differ (schema_introspection.hpp).
enum class relation_selection { relation, relation_definition, none };

struct metadata_query_options {
  relation_selection relations = relation_selection::relation;
  bool is_custom = false;      // asks for isCustom (absent since 2.19: a validation error there)
  bool relations_only = false; // only ids and relation metadata, to complete a kept answer
};

// The JSON body of a POST /metadata asking for one page of objects (first: 1000) with their
// fields (first: 1000); `after_cursor` empty for the first page. The defaults ask only v2.43
// field names.
std::string metadata_objects_query(const std::string& after_cursor,
                                   const metadata_query_options& options = {});

// Parses one /metadata answer. Malformed bodies and `errors` without data become error
// strings; `errors` beside data are kept in `field_errors`.
expected<metadata_page, std::string> parse_metadata_page(std::string_view body);

// Parses one GET /rest/metadata/objects answer ({data:{objects:[{..., fields:[...]}]},
// pageInfo}): 0.50 gives relations as fromRelationMetadata/toRelationMetadata, 2.x only
// settings.relationType. `end_cursor` is for `starting_after`.
expected<metadata_page, std::string> parse_rest_metadata_objects(std::string_view body);

// The selection names a GraphQL validation error says do not exist
// (`Cannot query field "isCustom" on type "Object".` -> isCustom).
std::vector<std::string> unknown_selections(std::string_view error_text);

// Copies relation types and targets from `source` into the fields of `into` with the same
// field id (a relations-only answer completing a kept one); returns how many were filled.
std::size_t merge_relations(std::vector<object>& into, const std::vector<object>& source);

// Turns the objects of all pages into a snapshot: sorts objects, resolves the rich-text
// spelling (RICH_TEXT is the old text-only type on servers that still use RICH_TEXT_V2),
// and computes the fingerprint. The version is `previous`'s when the fingerprint matches,
// else previous version + 1 (1 without a previous snapshot).
workspace_schema make_schema(std::vector<object> objects, const workspace_schema* previous);

// A stable hash of the schema content: objects, fields and options in any order give the same.
std::string schema_fingerprint(const std::vector<object>& objects);

// --- JSON Schemas (draft-04 keywords only, compact) ----------------------------------------

enum class input_mode { create, update };

// Tool argument schema for one record: writable, active, non-system fields; MANY_TO_ONE
// relations as their join column; composites as nested objects; `required` in create mode only.
std::string record_input_schema(const object& obj, input_mode mode);

// A permissive schema of a record as the server returns it (every property optional).
std::string record_output_schema(const object& obj);

// Whether a field appears in input schemas.
bool is_writable(const field& f);

// --- Name checks with suggestions ------------------------------------------------------------

// Names a field path may start with: active fields and MANY_TO_ONE join columns.
std::vector<std::string> field_candidates(const object& obj);

// Field names or paths (name, name.firstName, companyId); an error naming each unknown one.
std::optional<std::string> check_field_names(const object& obj,
                                             const std::vector<std::string>& names);

// A Twenty REST filter (`field[op]:value`, and/or/not); unknown fields, operators, malformed
// values and SELECT values that are not options are reported.
std::optional<std::string> check_filter(const object& obj, std::string_view rest_filter);

// A REST order_by (`field[AscNullsFirst],other`); unknown fields and directions are reported.
std::optional<std::string> check_order_by(const object& obj, std::string_view order_by);

// "" when `name` is an object (singular or plural); else "unknown object 'x'; did you mean
// 'companies'?" or a list of the available objects.
std::string suggest_object(const workspace_schema& schema, std::string_view name);

// The closest candidate for a misspelled name (transpositions count as one edit).
std::optional<std::string> suggest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

} // namespace tmcp::twenty

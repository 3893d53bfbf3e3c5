// The schema as tools and resources show it to agents: the object list, and one object's
// fields in a brief form (the default: no system fields, and it says which it left out) or
// the complete form (every active field with nullability, option labels, relation direction,
// and whether it can be filtered and sorted).
#pragma once

#include <functional>

#include <string>

#include "integration/schema_model.hpp"

namespace tmcp::twenty::tools {

enum class schema_detail { brief, full };

// With `twenty`: which release family answered and what the server does differently for it
// (`order_by_broken`: lists are served unsorted, learned from a call). Only the objects
// `shown` accepts are listed (MCP_PERMISSIONS); all when it is empty.
std::string describe_objects(const workspace_schema& schema, bool order_by_broken = false,
                             const std::function<bool(const object&)>& shown = {});
std::string describe_object(const object& obj, schema_detail detail = schema_detail::brief);

// Whether Twenty's REST filter / order_by accept the field (through a subfield for a
// composite, through its id column for a to-one relation).
bool is_filterable(const field& f);
bool is_sortable(const field& f);

} // namespace tmcp::twenty::tools

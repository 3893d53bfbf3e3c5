// Turns a RapidJSON schema-validation failure into a message an agent can act on.
#pragma once

#include <string>

#include <rapidjson/schema.h>

#include "protocol/json.hpp"

namespace tmcp {

std::string describe_schema_violation(const json::value& schema,
                                      const rapidjson::SchemaValidator& validator,
                                      const json::value& instance);

} // namespace tmcp

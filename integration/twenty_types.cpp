#include "integration/twenty_types.hpp"

namespace tmcp::twenty {

const char* to_string(errc e) {
  switch (e) {
    case errc::invalid_api_key: return "INVALID_API_KEY";
    case errc::insufficient_permissions: return "INSUFFICIENT_PERMISSIONS";
    case errc::invalid_input: return "INVALID_INPUT";
    case errc::required_field_missing: return "REQUIRED_FIELD_MISSING";
    case errc::rate_limit_exceeded: return "RATE_LIMIT_EXCEEDED";
    case errc::twenty_api_error: return "TWENTY_API_ERROR";
    case errc::network_error: return "NETWORK_ERROR";
    case errc::schema_validation_error: return "SCHEMA_VALIDATION_ERROR";
    case errc::object_not_found: return "OBJECT_NOT_FOUND";
    case errc::record_not_found: return "RECORD_NOT_FOUND";
    case errc::conflict: return "CONFLICT";
  }
  return "TWENTY_API_ERROR";
}

} // namespace tmcp::twenty

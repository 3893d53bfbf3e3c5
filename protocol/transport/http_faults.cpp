#include "protocol/transport/http_faults.hpp"

#include "protocol/json_rpc.hpp"

namespace tmcp::transport {

int http_status(const fault& f) {
  switch (f.kind) {
    case fault_kind::malformed:
      return 400;
    case fault_kind::forbidden:
      return 403;
    case fault_kind::no_endpoint:
    case fault_kind::session_not_found:
      return 404;
    case fault_kind::method_not_allowed:
      return 405;
    case fault_kind::not_acceptable:
      return 406;
    case fault_kind::conflict:
      return 409;
    case fault_kind::too_large:
      return 413;
    case fault_kind::unsupported_media_type:
      return 415;
    case fault_kind::headers_too_large:
      return 431;
    case fault_kind::no_answer:
      return 500;
    case fault_kind::unavailable:
      return 503;
    case fault_kind::error_answer:
      break;
  }
  // 2026-07-28 answers a request's error without a stream with a status the code implies.
  switch (static_cast<rpc_errc>(f.error.code)) {
    case rpc_errc::header_mismatch:
    case rpc_errc::missing_client_capability:
    case rpc_errc::unsupported_protocol_version:
      return 400;
    case rpc_errc::method_not_found:
      return 404;
    default:
      return 200;
  }
}

rejection to_rejection(const fault& f) {
  return rejection{http_status(f), make_error_response(f.id, f.error),
                   f.kind == fault_kind::method_not_allowed, f.retry_after_seconds};
}

} // namespace tmcp::transport

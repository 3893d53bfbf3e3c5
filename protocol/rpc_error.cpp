#include "protocol/rpc_error.hpp"

#include "protocol/json.hpp"

namespace tmcp {

rpc_error make_rpc_error(rpc_errc code, std::string message, std::string data) {
  return rpc_error{static_cast<int>(code), std::move(message), std::move(data)};
}

std::string encode_error(const rpc_error& e) {
  std::string out = "{\"code\":" + std::to_string(e.code) + ",\"message\":" + json::quote(e.message);
  if (!e.data.empty())
    out += ",\"data\":" + e.data;
  out += '}';
  return out;
}

} // namespace tmcp

#include "protocol/transport/sse.hpp"

namespace tmcp::transport {

std::string format_sse_event(std::string_view event_id, std::string_view data,
                             std::chrono::milliseconds retry) {
  std::string out;
  out.reserve(data.size() + event_id.size() + 48);
  if (!data.empty())
    out += "event: message\n";
  if (!event_id.empty())
    out.append("id: ").append(event_id).append("\n");
  if (retry.count() > 0)
    out.append("retry: ").append(std::to_string(retry.count())).append("\n");
  if (data.empty()) {
    out += "data: \n";
  } else {
    // CR, LF and CRLF all end an SSE line: each becomes its own data line, and the client
    // joins consecutive data lines with "\n".
    std::size_t pos = 0;
    while (pos <= data.size()) {
      auto nl = data.find_first_of("\r\n", pos);
      auto line = data.substr(pos, nl == std::string_view::npos ? data.npos : nl - pos);
      out.append("data: ").append(line).append("\n");
      if (nl == std::string_view::npos)
        break;
      pos = nl + (data.compare(nl, 2, "\r\n") == 0 ? 2 : 1);
    }
  }
  out += "\n";
  return out;
}

} // namespace tmcp::transport

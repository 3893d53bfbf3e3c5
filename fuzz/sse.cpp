// Event data -> SSE framing, read back with the WHATWG event-stream parsing rules: exactly
// one event, whose data, id and retry are what was sent (line breaks normalised to "\n").
// Input: 2 bytes retry, 2 bytes stream, 2 bytes sequence (the server's "<stream>_<seq>" id),
// then the data.
#include <cstdint>

#include "fuzz/check.hpp"
#include "protocol/transport/sse.hpp"

using namespace tmcp;
using namespace tmcp::fuzz;

namespace {

struct parsed_event {
  int dispatched = 0;
  std::string data, id, event;
  long retry = -1;
};

// The browser's algorithm (html.spec.whatwg.org, "Event stream interpretation").
parsed_event read_back(std::string_view s) {
  parsed_event ev;
  std::string data;
  bool has_data = false;
  while (!s.empty()) {
    auto end = s.find_first_of("\r\n");
    require(end != std::string_view::npos, "unterminated line", s);
    auto line = s.substr(0, end);
    s.remove_prefix(end + (s.compare(end, 2, "\r\n") == 0 ? 2 : 1));
    if (line.empty()) {
      if (has_data) {
        ++ev.dispatched;
        if (!data.empty() && data.back() == '\n')
          data.pop_back();
        ev.data = data;
      }
      data.clear();
      has_data = false;
      continue;
    }
    if (line.front() == ':')
      continue;
    auto colon = line.find(':');
    auto field = line.substr(0, colon);
    auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    if (field == "data") {
      data.append(value).push_back('\n');
      has_data = true;
    } else if (field == "id") {
      ev.id = std::string(value);
    } else if (field == "event") {
      ev.event = std::string(value);
    } else if (field == "retry") {
      ev.retry = std::stol(std::string(value));
    } else {
      require(false, "unknown field line", line);
    }
  }
  return ev;
}

std::string normalised(std::string_view d) {
  std::string out;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i] == '\r') {
      out += '\n';
      if (i + 1 < d.size() && d[i + 1] == '\n')
        ++i;
    } else {
      out += d[i];
    }
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 6)
    return 0;
  auto u16 = [&](std::size_t i) { return unsigned(data[i]) << 8 | data[i + 1]; };
  auto retry = std::chrono::milliseconds{u16(0)};
  auto id = std::to_string(u16(2)) + "_" + std::to_string(u16(4));
  auto payload = as_text(data + 6, size - 6);
  auto framed = transport::format_sse_event(id, payload, retry);
  auto ev = read_back(framed);
  require(ev.dispatched == 1, "not exactly one event", framed);
  require(ev.data == normalised(payload), "data changed", framed);
  require(ev.id == id, "id changed", framed);
  require(ev.retry == (retry.count() > 0 ? retry.count() : -1), "retry changed", framed);
  require(ev.event == (payload.empty() ? "" : "message"), "event type", framed);
  return 0;
}

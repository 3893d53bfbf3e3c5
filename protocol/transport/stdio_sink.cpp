#include "protocol/transport/stdio_sink.hpp"

#include "protocol/json_limits.hpp"
#include "protocol/json_rpc.hpp"

namespace tmcp::transport {

stdio_sink::stdio_sink(std::ostream& out) : out_(out) {
  // nop
}

void stdio_sink::open(const stream_open&) {
  // nop
}

void stdio_sink::event(const std::string&, const std::string& data) {
  // Priming events (empty data) only make sense for SSE.
  if (!data.empty())
    write_line(data);
}

void stdio_sink::close() {
  // nop
}

void stdio_sink::respond(int, const std::string& body) {
  if (!body.empty())
    write_line(body);
}

void stdio_sink::refuse(const fault& f) {
  write_line(make_error_response(f.id, f.error));
}

bool stdio_sink::connected() const {
  return connected_;
}

bool stdio_sink::write_line(std::string_view line) {
  // Every answer leaves as valid UTF-8, whatever bytes a message quoted.
  if (!json::is_valid_utf8(line))
    return write_line(json::to_valid_utf8(line));
  std::lock_guard<std::mutex> guard{mtx_};
  if (!connected_)
    return false;
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.put('\n');
  out_.flush();
  if (!out_) {
    connected_ = false;
    return false;
  }
  return true;
}

} // namespace tmcp::transport

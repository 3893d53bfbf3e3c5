#include "protocol/transport/stdio_transport.hpp"

#include <atomic>
#include <chrono>
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

namespace tmcp::transport {

namespace {

constexpr std::chrono::seconds create_timeout{10};

// The same default as the HTTP body limit: a longer line is skipped, not buffered.
constexpr std::size_t max_message_bytes = std::size_t{4} << 20;

enum class line_status { line, too_long, eof };

// Reads one '\n'-terminated line of at most `max` bytes into `line`; the rest of a longer
// line is read and dropped in chunks, so memory stays bounded whatever stdin carries.
line_status read_line(std::istream& in, std::string& line, std::size_t max) {
  line.clear();
  bool too_long = false;
  bool any = false;
  char buf[16384];
  auto append = [&](std::size_t n) {
    if (too_long)
      return;
    if (line.size() + n > max) {
      too_long = true;
      line.clear();
      line.shrink_to_fit();
    } else {
      line.append(buf, n);
    }
  };
  for (;;) {
    in.getline(buf, sizeof buf);
    auto got = static_cast<std::size_t>(in.gcount());
    if (in.eof()) {
      append(got);
      if (!any && got == 0)
        return line_status::eof;
      break;
    }
    any = true;
    if (in.fail()) { // the buffer filled before a newline
      in.clear();
      append(got);
      continue;
    }
    append(got - 1); // gcount counts the newline, which is not stored
    break;
  }
  return too_long ? line_status::too_long : line_status::line;
}

bool is_stateless_message(const message& m) {
  if (m.method == "server/discover")
    return true;
  auto params = m.params();
  auto meta = params ? json::find(*params, "_meta") : nullptr;
  return meta && json::find(*meta, "io.modelcontextprotocol/protocolVersion");
}

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Runs on the reader thread; everything it needs is captured by value so a detached reader
// never touches the transport object.
void read_loop(std::istream& in, actors::session_supervisor_actor supervisor,
               std::string session_id, std::shared_ptr<stdio_sink> sink,
               std::function<void()> on_eof, std::shared_ptr<std::atomic<bool>> done) {
  std::string line;
  for (;;) {
    auto status = read_line(in, line, max_message_bytes);
    if (status == line_status::eof)
      break;
    if (status == line_status::too_long) {
      sink->write_line(make_error_response(
        "null", make_rpc_error(rpc_errc::invalid_request,
                               "Invalid Request: the message exceeds "
                                 + std::to_string(max_message_bytes) + " bytes")));
      continue;
    }
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (is_blank(line))
      continue;
    auto parsed = parse_message(line);
    if (!parsed) {
      // JSON-RPC: malformed input is answered (with id null when none was recovered).
      const auto& f = parsed.error();
      sink->write_line(make_error_response(f.id, f.error));
      continue;
    }
    inbound msg;
    msg.verb = inbound_verb::post;
    // stdio negotiates the era per message too: a probe or a request with 2026-07-28 _meta
    // is stateless; everything else belongs to the process's legacy session.
    msg.modern = is_stateless_message(*parsed);
    if (!msg.modern)
      msg.session_id = session_id;
    msg.msg = std::move(*parsed);
    msg.sink = sink;
    caf::anon_send(supervisor, atom::inbound_v, std::move(msg));
  }
  spdlog::debug("stdio: end of input");
  if (on_eof)
    on_eof();
  *done = true;
}

} // namespace

stdio_transport::stdio_transport(caf::actor_system& sys,
                                 actors::session_supervisor_actor supervisor)
  : stdio_transport(sys, std::move(supervisor), std::cin, std::cout) {
  // nop
}

stdio_transport::stdio_transport(caf::actor_system& sys,
                                 actors::session_supervisor_actor supervisor,
                                 std::istream& in, std::ostream& out)
  : sys_(sys),
    supervisor_(std::move(supervisor)),
    in_(in),
    sink_(std::make_shared<stdio_sink>(out)),
    done_(std::make_shared<std::atomic<bool>>(false)) {
  // nop
}

stdio_transport::~stdio_transport() {
  if (!reader_.joinable())
    return;
  // A reader blocked on stdin cannot be interrupted portably; the process exit ends it.
  if (*done_)
    reader_.join();
  else
    reader_.detach();
}

expected<std::string, std::string> stdio_transport::start(std::function<void()> on_eof) {
  if (reader_.joinable())
    return make_unexpected(std::string("stdio transport already started"));
  std::string session_id;
  std::string error;
  {
    caf::scoped_actor self{sys_};
    self->request(supervisor_, create_timeout, atom::create_v)
      .receive([&](const std::string& id) { session_id = id; },
               [&](caf::error& e) { error = sys_.render(e); });
  }
  if (!error.empty())
    return make_unexpected("stdio: cannot create a session: " + error);
  // stdout is also the session's standalone stream: list_changed and resource updates go there.
  inbound standalone;
  standalone.verb = inbound_verb::get;
  standalone.session_id = session_id;
  standalone.sink = sink_;
  caf::anon_send(supervisor_, atom::inbound_v, std::move(standalone));
  reader_ = std::thread{read_loop, std::ref(in_), supervisor_, session_id, sink_,
                        std::move(on_eof), done_};
  return session_id;
}

void stdio_transport::join() {
  if (reader_.joinable())
    reader_.join();
}

} // namespace tmcp::transport

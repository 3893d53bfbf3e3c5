// JSON-RPC messages -> one MCP session's dispatch (protocol core, no network), with the
// conformance fixtures as its catalog. Input: one message per line; "GET <Last-Event-ID>"
// and "DELETE" lines stand for the other verbs. The session is initialized first unless the
// input starts with "RAW\n". Every answer must be valid UTF-8 JSON.
#include <cstdint>
#include <vector>

#include "fuzz/check.hpp"
#include "protocol/conformance/fixtures.hpp"
#include "support/fake_session_env.hpp"

using namespace std::chrono_literals;
using namespace tmcp;
using namespace tmcp::fuzz;
using namespace tmcp::testing;

namespace {

std::shared_ptr<catalog> fixtures() {
  static auto cat = [] {
    auto c = std::make_shared<catalog>();
    conformance::register_fixtures(*c);
    c->page_size = 3;
    return c;
  }();
  return cat;
}

void check_outputs(const recording_sink& sink) {
  if (!sink.body.empty())
    require_wire_json(sink.body, "response body");
  for (const auto& [id, data] : sink.events)
    if (!data.empty())
      require_wire_json(data, "event data");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  auto text = as_text(data, size);
  session_env env;
  env.cat = fixtures();
  env.start();
  std::vector<std::shared_ptr<recording_sink>> sinks;
  if (text.substr(0, 4) == "RAW\n")
    text.remove_prefix(4);
  else
    env.initialize();
  for (int n = 0; !text.empty() && n < 32; ++n) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    auto sink = std::make_shared<recording_sink>();
    sinks.push_back(sink);
    inbound in;
    in.session_id = env.sess->id();
    in.sink = sink;
    if (line.substr(0, 4) == "GET ") {
      in.verb = inbound_verb::get;
      in.last_event_id = std::string(line.substr(4));
    } else if (line == "DELETE") {
      in.verb = inbound_verb::del;
    } else {
      auto msg = parse_message(line);
      if (!msg) {
        require_wire_json(make_error_response(msg.error().id, msg.error().error), "parse error");
        continue;
      }
      in.msg = std::move(*msg);
    }
    env.sess->handle(std::move(in));
    env.host->advance(20ms);
  }
  // Let timers (progress, slow tools, client-request timeouts) fire before checking.
  env.host->advance(120s);
  env.sess->terminate();
  env.host->run();
  for (const auto& s : sinks)
    check_outputs(*s);
  return 0;
}

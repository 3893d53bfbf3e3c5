// One HTTP connection (Beast's session shape): reads one request at a time, validates it,
// hands it to the session supervisor, then writes whatever the sink asks for (a plain
// response or an SSE stream) before reading the next request on the keep-alive connection.
// Everything below runs on the connection's strand; post_* are the thread-safe entry points.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "protocol/stream_sink.hpp"
#include "protocol/transport/net.hpp"
#include "protocol/transport/routes.hpp"
#include "protocol/transport/server_state.hpp"

namespace tmcp::transport {

class http_sink;

class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(tcp::socket&& socket, std::shared_ptr<server_state> state);
  ~http_session();

  void run();

  // Sink calls, from any thread; stale request numbers are ignored on the strand.
  void post_open(uint64_t seq, stream_open info);
  void post_event(uint64_t seq, std::string event_id, std::string data);
  void post_close(uint64_t seq);
  void post_respond(uint64_t seq, int status, std::string body);
  void post_abandoned(uint64_t seq);
  // A refusal that needs headers beyond status and body (Retry-After).
  void post_rejection(uint64_t seq, rejection r);
  void post_layer_response(uint64_t seq, layer_response r);

  // Server shutdown: ends an SSE stream with its last chunk, closes idle connections.
  void post_shutdown();

  // Request line plus headers, Beast's default for requests; beyond it: 431.
  static constexpr std::uint32_t header_limit = 8 * 1024;

private:
  enum class phase {
    reading,   // waiting for (or reading) a request
    handling,  // forwarded to the supervisor, nothing written yet
    streaming, // SSE headers sent or queued
    finishing, // the complete response is queued; next request once written
    closed,
  };

  struct out_item {
    enum kind { header, chunk, last, full } what;
    std::string data; // chunk payload
  };

  template <class F>
  void post(F f);

  void do_read();
  void on_header(beast::error_code ec, std::size_t n);
  void read_body();
  void on_body(beast::error_code ec, std::size_t n);
  request_view view() const;
  void forward(inbound in);
  void reject_framing(beast::error_code ec);

  // The route layer (http_session_layer.cpp): true when it took or refused the request.
  layer_request layer_view() const;
  bool serve_layer();
  bool refused_by_layer();
  void on_layer_response(uint64_t seq, const layer_response& r);
  void send_layer(const layer_response& r);

  void on_open(uint64_t seq, const stream_open& info);
  void on_event(uint64_t seq, const std::string& event_id, const std::string& data);
  void on_close(uint64_t seq);
  void on_respond(uint64_t seq, int status, const std::string& body);
  void on_rejection(uint64_t seq, const rejection& r);
  void on_shutdown();

  void send_rejection(const rejection& r);
  rejection too_large_body() const;
  void send_full(int status, const std::string& body, bool allow_header = false,
                 const std::string& session_id = {});
  void enqueue(out_item item);
  void do_write();
  void on_write(beast::error_code ec, std::size_t n);
  void on_response_done();

  void start_watch();
  void on_watch(beast::error_code ec, std::size_t n);

  void mark_disconnected();
  void do_linger_close();
  void on_linger(beast::error_code ec, std::size_t n);
  void do_close();

  // Declared first so it is destroyed last: the socket needs the io_context it holds.
  std::shared_ptr<server_state> state_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  phase phase_ = phase::reading;
  uint64_t seq_ = 0;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool shutting_down_ = false;
  // Accepted beyond MCP_MAX_CONNECTIONS: its request is answered "server busy", then it closes.
  bool over_capacity_ = false;
  // A rejected request's body is still on the wire: close gently so the peer reads the
  // response before any reset (see do_linger_close).
  bool body_unread_ = false;
  std::weak_ptr<http_sink> sink_;
  // The current POST accepts only application/json: its first message becomes the whole
  // response, and the stream the session opens is never sent as SSE.
  bool json_only_ = false;
  // Who the route layer admitted the current request as (carried into its inbound).
  std::string principal_, profile_;
  std::string json_session_id_;

  // SSE state of the current response.
  std::chrono::milliseconds retry_{0};
  bool first_event_ = true;
  std::optional<http::response<http::empty_body>> sse_res_;
  std::optional<http::response_serializer<http::empty_body>> sse_sr_;
  std::shared_ptr<http::response<http::string_body>> full_res_;

  // One write at a time; the item in flight stays alive in current_.
  std::deque<out_item> queue_;
  std::size_t queued_bytes_ = 0; // payload waiting in queue_, behind the write in flight
  out_item current_;
  bool writing_ = false;

  // A raw read while a request is handled: notices a peer that goes away mid-stream.
  bool watching_ = false;
  bool resume_after_watch_ = false;
  std::array<char, 512> linger_buf_{};

  // Bounds close_all for a peer that stopped reading mid-write.
  std::optional<net::steady_timer> shutdown_timer_;
};

} // namespace tmcp::transport

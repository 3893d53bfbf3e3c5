// The legacy session's SSE streams: one per request plus the standalone (GET) stream 0, their
// event ids, and the replay buffers a client resumes from with GET + Last-Event-ID.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "protocol/stream_sink.hpp"

namespace tmcp {

struct stream_book_options {
  // Events kept per stream for replay; 0 disables replay (stdio).
  std::size_t replay_events = 256;
  // Streams that ended while their client was away, kept for resumption.
  std::size_t replay_streams = 32;
  // SSE `retry:` hint sent when a stream opens.
  std::chrono::milliseconds retry{1000};
};

class stream_book {
public:
  explicit stream_book(stream_book_options opts) : opts_(opts) {}

  // Opens a request stream on `sink`; `priming` sends the SEP-1699 priming event first.
  uint64_t open(sink_ptr sink, const std::string& session_header, bool priming);
  // Sends (or buffers for replay) one message on a stream; stream 0 is created on demand.
  void emit(uint64_t stream, const std::string& data);
  // The stream's last message was emitted: close it, or keep its buffer for a resuming client.
  void finish(uint64_t stream);
  // Drops the stream's connection without finishing it (SSE polling): the client resumes.
  void detach(uint64_t stream);

  // GET: resumes the stream named by `last_event_id`, or attaches the standalone stream.
  // False when a standalone stream is already connected (the caller answers 409).
  bool attach(const std::string& last_event_id, sink_ptr sink, bool priming);

  bool standalone_connected() const;
  // Closes every connection and forgets every stream.
  void close_all();

private:
  struct stream_state {
    sink_ptr sink;
    std::deque<std::pair<uint64_t, std::string>> events; // seq -> JSON-RPC message
    uint64_t next_seq = 1;
    uint64_t delivered = 0; // last seq handed to a connected sink
    bool finished = false;  // the request's response was emitted
  };

  std::string event_id(uint64_t stream, uint64_t seq) const;
  void prune();

  stream_book_options opts_;
  std::map<uint64_t, stream_state> streams_; // 0 is the standalone (GET) stream
  uint64_t next_stream_ = 1;
};

} // namespace tmcp

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
  // Bytes of events kept for replay across the session's streams: without it, 32 large
  // answers to clients that left stayed per session. The newest ended stream stays even when
  // it alone is larger, so a client can always resume its last answer.
  std::size_t replay_bytes = 256 * 1024;
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
  // Bytes of events held for replay (all streams).
  std::size_t held_bytes() const { return held_bytes_; }
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
  // Drops the oldest ended streams over the count or byte limits; `keep` just ended.
  void prune(uint64_t keep);
  // Forgets a stream and the bytes its events held.
  using stream_map = std::map<uint64_t, stream_state>;
  stream_map::iterator erase(stream_map::iterator it);

  stream_book_options opts_;
  stream_map streams_; // 0 is the standalone (GET) stream
  uint64_t next_stream_ = 1;
  std::size_t held_bytes_ = 0;
};

} // namespace tmcp

#include "protocol/stream_book.hpp"

namespace tmcp {

std::string stream_book::event_id(uint64_t stream, uint64_t seq) const {
  return std::to_string(stream) + "_" + std::to_string(seq);
}

uint64_t stream_book::open(sink_ptr sink, const std::string& session_header, bool priming) {
  auto no = next_stream_++;
  auto& st = streams_[no];
  st.sink = std::move(sink);
  st.sink->open(stream_open{session_header, opts_.retry});
  // Priming event (SEP-1699): gives the client a resumption point before any message.
  if (priming)
    st.sink->event(event_id(no, 0), "");
  return no;
}

void stream_book::emit(uint64_t no, const std::string& data) {
  auto it = streams_.find(no);
  if (it == streams_.end()) {
    if (no != 0)
      return; // the stream was already pruned
    it = streams_.emplace(0, stream_state{}).first;
  }
  auto& st = it->second;
  auto seq = st.next_seq++;
  if (st.sink && st.sink->connected()) {
    st.sink->event(event_id(no, seq), data);
    st.delivered = seq;
  }
  if (opts_.replay_events > 0) {
    st.events.emplace_back(seq, data);
    held_bytes_ += data.size();
    if (st.events.size() > opts_.replay_events) {
      held_bytes_ -= st.events.front().second.size();
      st.events.pop_front();
    }
  }
}

void stream_book::finish(uint64_t no) {
  auto it = streams_.find(no);
  if (it == streams_.end())
    return;
  auto& st = it->second;
  st.finished = true;
  // Delivered to a live connection: nothing left to resume, free it now.
  if (st.sink && st.sink->connected()) {
    st.sink->close();
    erase(it);
    return;
  }
  st.sink = nullptr;
  if (opts_.replay_events == 0) {
    erase(it);
    return;
  }
  prune(no);
}

void stream_book::detach(uint64_t no) {
  auto it = streams_.find(no);
  if (it == streams_.end() || !it->second.sink)
    return;
  it->second.sink->close();
  it->second.sink = nullptr;
}

bool stream_book::attach(const std::string& last_event_id, sink_ptr sink, bool priming) {
  uint64_t stream = 0;
  uint64_t after = 0;
  bool resume = false;
  if (!last_event_id.empty()) {
    auto sep = last_event_id.find('_');
    try {
      if (sep != std::string::npos) {
        stream = std::stoull(last_event_id.substr(0, sep));
        after = std::stoull(last_event_id.substr(sep + 1));
        resume = streams_.count(stream) > 0;
      }
    } catch (...) {
      resume = false;
    }
    if (!resume) {
      stream = 0;
      after = 0;
    }
  }
  auto& st = streams_[stream];
  if (stream == 0 && !resume && st.sink && st.sink->connected())
    return false;
  if (st.sink && st.sink != sink)
    st.sink->close();
  st.sink = std::move(sink);
  st.sink->open(stream_open{{}, opts_.retry});
  if (priming)
    st.sink->event(event_id(stream, after), "");
  // Replay what the client missed: after its Last-Event-ID, or everything undelivered.
  auto from = resume ? after : st.delivered;
  for (const auto& [seq, data] : st.events)
    if (seq > from) {
      st.sink->event(event_id(stream, seq), data);
      st.delivered = seq;
    }
  if (st.finished) {
    st.sink->close();
    erase(streams_.find(stream));
  }
  return true;
}

bool stream_book::standalone_connected() const {
  auto it = streams_.find(0);
  return it != streams_.end() && it->second.sink && it->second.sink->connected();
}

void stream_book::prune(uint64_t keep) {
  std::size_t finished = 0;
  for (auto& [no, st] : streams_)
    finished += st.finished ? 1 : 0;
  // Oldest first (stream numbers grow): over the count, or over the bytes except `keep`.
  for (auto it = streams_.begin();
       it != streams_.end()
       && (finished > opts_.replay_streams || held_bytes_ > opts_.replay_bytes);) {
    bool over_count = finished > opts_.replay_streams;
    if (it->second.finished && (over_count || it->first != keep)) {
      it = erase(it);
      --finished;
    } else {
      ++it;
    }
  }
}

stream_book::stream_map::iterator stream_book::erase(stream_map::iterator it) {
  for (const auto& e : it->second.events)
    held_bytes_ -= e.second.size();
  return streams_.erase(it);
}

void stream_book::close_all() {
  for (auto& [no, st] : streams_)
    if (st.sink)
      st.sink->close();
  streams_.clear();
  held_bytes_ = 0;
}

} // namespace tmcp

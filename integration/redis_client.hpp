// A Redis client on hiredis' async API, driven by its own Asio thread: commands never block
// the caller (answers arrive as callbacks), subscriptions survive reconnects, and a lost
// connection is re-established with backoff while callers get "disconnected" at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/expected.hpp"

namespace tmcp::redis {

// redis://[:password@]host[:port][/db]  (also redis://user:password@host, user ignored)
struct redis_url {
  std::string host;
  uint16_t port = 6379;
  int db = 0;
  std::string password;
};

expected<redis_url, std::string> parse_redis_url(std::string_view text);

struct reply {
  enum class kind { nil, string, integer, array, status, error, disconnected };
  kind type = kind::nil;
  std::string str; // string, status, error text
  long long integer = 0;
  std::vector<reply> elements;

  // An answer from Redis that is not an error.
  bool ok() const { return type != kind::error && type != kind::disconnected; }
};

using reply_fn = std::function<void(reply)>;

struct client_options {
  redis_url url;
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  // A command without an answer by then gets a "disconnected" reply (a hung server).
  std::chrono::milliseconds command_timeout{1000};
};

class client {
public:
  // Starts the I/O thread and the first connection attempt.
  static std::shared_ptr<client> create(client_options options);
  ~client();

  // Sends one command; `done` runs exactly once on the client's thread: Redis' answer, or
  // kind::disconnected when there is no connection (or no answer within the timeout).
  void command(std::vector<std::string> argv, reply_fn done);

  // Delivers every message published on `channel` (on the client's thread), across
  // reconnects.
  void subscribe(std::string channel, std::function<void(std::string)> on_message);

  // Adds a listener, called on the client's thread now and whenever the command connection
  // goes up or down.
  void on_state(std::function<void(bool up)> fn);

  bool up() const;

  // Closes the connections and joins the thread; callbacks never run afterwards.
  void shutdown();

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace tmcp::redis

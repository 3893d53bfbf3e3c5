#include "integration/redis_client.hpp"

#include <map>
#include <optional>
#include <thread>
#include <utility> // Boost 1.74 asio/awaitable.hpp misses it under C++20

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace tmcp::redis {

namespace net = boost::asio;

expected<redis_url, std::string> parse_redis_url(std::string_view text) {
  const std::string_view scheme = "redis://";
  if (text.substr(0, scheme.size()) != scheme)
    return make_unexpected("REDIS_URL must look like redis://[:password@]host[:port][/db], got '"
                           + std::string(text) + "'");
  auto rest = text.substr(scheme.size());
  redis_url u;
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (slash != std::string_view::npos && slash + 1 < rest.size()) {
    auto db = rest.substr(slash + 1);
    int n = 0;
    for (char c : db) {
      if (c < '0' || c > '9' || n > 100000)
        return make_unexpected("REDIS_URL database must be a number, got '" + std::string(db)
                               + "'");
      n = n * 10 + (c - '0');
    }
    u.db = n;
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    auto userinfo = authority.substr(0, at);
    auto colon = userinfo.find(':');
    u.password = std::string(colon == std::string_view::npos ? userinfo
                                                              : userinfo.substr(colon + 1));
    authority = authority.substr(at + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return make_unexpected(std::string("REDIS_URL has an unclosed '[' in its host"));
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos)
      port = authority.substr(colon + 1);
  }
  if (u.host.empty())
    return make_unexpected("REDIS_URL names no host: '" + std::string(text) + "'");
  if (!port.empty()) {
    unsigned long p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || p > 65535)
        return make_unexpected("REDIS_URL port must be 1-65535, got '" + std::string(port) + "'");
      p = p * 10 + static_cast<unsigned long>(c - '0');
    }
    if (p == 0 || p > 65535)
      return make_unexpected("REDIS_URL port must be 1-65535, got '" + std::string(port) + "'");
    u.port = static_cast<uint16_t>(p);
  }
  return u;
}

namespace {

reply convert(const redisReply* r) {
  reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = reply::kind::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = reply::kind::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = reply::kind::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = reply::kind::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = reply::kind::array;
      for (std::size_t i = 0; i < r->elements; ++i)
        out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = reply::kind::nil;
  }
  return out;
}

reply disconnected(const char* why) {
  reply r;
  r.type = reply::kind::disconnected;
  r.str = why;
  return r;
}

struct pending_command {
  explicit pending_command(net::io_context& ioc, reply_fn fn) : done(std::move(fn)), timer(ioc) {}
  reply_fn done;
  net::steady_timer timer;
  bool finished = false;

  void finish(reply r) {
    if (finished)
      return;
    finished = true;
    timer.cancel();
    done(std::move(r));
  }
};

} // namespace

struct connection;

struct client::impl {
  client_options opts;
  net::io_context ioc{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread thread;
  std::unique_ptr<connection> cmd;
  std::unique_ptr<connection> sub;
  std::atomic<bool> is_up{false};
  std::atomic<bool> stopped{false};
  std::vector<std::function<void(bool)>> state_fns;
  // Subscriptions by channel; the entries are the hiredis callbacks' private data.
  struct channel_entry {
    impl* owner;
    std::string name;
    std::function<void(std::string)> fn;
  };
  std::map<std::string, std::unique_ptr<channel_entry>> channels;

  void set_up(bool up) {
    if (is_up.exchange(up) != up)
      for (auto& fn : state_fns)
        fn(up);
  }
  void send(std::vector<std::string> argv, reply_fn done);
  void send_subscribe(channel_entry& e);
};

// One hiredis connection with its Asio descriptor; lives on the client's thread.
struct connection {
  connection(client::impl* o, bool is_subscriber)
    : owner(o), subscriber(is_subscriber), retry(o->ioc), backoff(o->opts.min_backoff) {}

  client::impl* owner;
  bool subscriber;
  redisAsyncContext* ac = nullptr;
  bool connected = false;
  std::unique_ptr<net::posix::stream_descriptor> sd;
  bool want_read = false, want_write = false, reading = false, writing = false;
  uint64_t gen = 0; // bumped when the descriptor goes, so stale waits do nothing
  net::steady_timer retry;
  std::chrono::milliseconds backoff;

  void connect();
  void schedule_retry();
  void drop_descriptor();
  void arm(bool read);

  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
};

void connection::drop_descriptor() {
  if (sd) {
    boost::system::error_code ec;
    sd->cancel(ec);
    sd->release(); // hiredis closes the socket itself
    sd.reset();
  }
  ++gen;
  reading = writing = want_read = want_write = false;
}

void connection::arm(bool read) {
  bool& busy = read ? reading : writing;
  if (busy || !sd)
    return;
  busy = true;
  auto what = read ? net::posix::stream_descriptor::wait_read
                   : net::posix::stream_descriptor::wait_write;
  sd->async_wait(what, [this, read, g = gen](boost::system::error_code ec) {
    if (g != gen)
      return;
    (read ? reading : writing) = false;
    if (ec || !ac)
      return;
    if (read && want_read)
      redisAsyncHandleRead(ac);
    else if (!read && want_write)
      redisAsyncHandleWrite(ac);
    // The handler may have freed the context (and bumped gen).
    if (g == gen && ac && (read ? want_read : want_write))
      arm(read);
  });
}

void connection::schedule_retry() {
  if (owner->stopped)
    return;
  retry.expires_after(backoff);
  backoff = std::min(backoff * 2, owner->opts.max_backoff);
  retry.async_wait([this](boost::system::error_code ec) {
    if (!ec)
      connect();
  });
}

void connection::connect() {
  if (owner->stopped || ac)
    return;
  const auto& url = owner->opts.url;
  ac = redisAsyncConnect(url.host.c_str(), url.port);
  if (!ac || ac->err) {
    if (ac)
      redisAsyncFree(ac);
    ac = nullptr;
    return schedule_retry();
  }
  ac->data = this;
  sd = std::make_unique<net::posix::stream_descriptor>(owner->ioc, ac->c.fd);
  ++gen;
  ac->ev.data = this;
  ac->ev.addRead = [](void* p) {
    auto c = static_cast<connection*>(p);
    c->want_read = true;
    c->arm(true);
  };
  ac->ev.delRead = [](void* p) { static_cast<connection*>(p)->want_read = false; };
  ac->ev.addWrite = [](void* p) {
    auto c = static_cast<connection*>(p);
    c->want_write = true;
    c->arm(false);
  };
  ac->ev.delWrite = [](void* p) { static_cast<connection*>(p)->want_write = false; };
  ac->ev.cleanup = [](void* p) { static_cast<connection*>(p)->drop_descriptor(); };
  redisAsyncSetDisconnectCallback(ac, &connection::on_disconnect);
  // Also waits for writability: that is how a non-blocking connect reports its outcome.
  redisAsyncSetConnectCallback(ac, &connection::on_connect);
  // Queued first, so they run before anything else on this connection.
  if (!url.password.empty())
    redisAsyncCommand(ac, nullptr, nullptr, "AUTH %b", url.password.data(),
                      url.password.size());
  if (url.db != 0)
    redisAsyncCommand(ac, nullptr, nullptr, "SELECT %d", url.db);
}

void connection::on_connect(const redisAsyncContext* ctx, int status) {
  auto c = static_cast<connection*>(ctx->data);
  if (status != REDIS_OK) {
    c->ac = nullptr; // hiredis frees it after this callback
    return c->schedule_retry();
  }
  c->connected = true;
  c->backoff = c->owner->opts.min_backoff;
  if (c->subscriber) {
    for (auto& [name, entry] : c->owner->channels)
      c->owner->send_subscribe(*entry);
  } else {
    c->owner->set_up(true);
  }
}

void connection::on_disconnect(const redisAsyncContext* ctx, int) {
  auto c = static_cast<connection*>(ctx->data);
  c->ac = nullptr;
  c->connected = false;
  if (!c->subscriber)
    c->owner->set_up(false);
  c->schedule_retry();
}

void client::impl::send(std::vector<std::string> argv, reply_fn done) {
  if (stopped || !cmd->ac || !cmd->connected)
    return done(disconnected("redis is not connected"));
  auto pc = std::make_shared<pending_command>(ioc, std::move(done));
  pc->timer.expires_after(opts.command_timeout);
  pc->timer.async_wait([pc](boost::system::error_code ec) {
    if (!ec)
      pc->finish(disconnected("redis did not answer in time"));
  });
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  auto holder = new std::shared_ptr<pending_command>(pc);
  auto on_reply = [](redisAsyncContext*, void* r, void* privdata) {
    std::unique_ptr<std::shared_ptr<pending_command>> h(
      static_cast<std::shared_ptr<pending_command>*>(privdata));
    (*h)->finish(r ? convert(static_cast<redisReply*>(r)) : disconnected("connection lost"));
  };
  if (redisAsyncCommandArgv(cmd->ac, on_reply, holder, static_cast<int>(ptrs.size()),
                            ptrs.data(), lens.data())
      != REDIS_OK) {
    delete holder;
    pc->finish(disconnected("redis refused the command"));
  }
}

void client::impl::send_subscribe(channel_entry& e) {
  if (!sub->ac || !sub->connected)
    return; // sent on (re)connect
  auto on_message = [](redisAsyncContext*, void* r, void* privdata) {
    auto entry = static_cast<channel_entry*>(privdata);
    if (!r || entry->owner->stopped)
      return;
    auto msg = convert(static_cast<redisReply*>(r));
    if (msg.type == reply::kind::array && msg.elements.size() == 3
        && msg.elements[0].str == "message")
      entry->fn(std::move(msg.elements[2].str));
  };
  redisAsyncCommand(sub->ac, on_message, &e, "SUBSCRIBE %b", e.name.data(), e.name.size());
}

std::shared_ptr<client> client::create(client_options options) {
  auto c = std::shared_ptr<client>(new client());
  auto p = std::make_shared<impl>();
  p->opts = std::move(options);
  p->cmd = std::make_unique<connection>(p.get(), false);
  p->sub = std::make_unique<connection>(p.get(), true);
  p->work.emplace(p->ioc.get_executor());
  auto raw = p.get();
  net::post(p->ioc, [raw] {
    raw->cmd->connect();
    raw->sub->connect();
  });
  p->thread = std::thread([raw] { raw->ioc.run(); });
  c->impl_ = std::move(p);
  return c;
}

client::~client() {
  shutdown();
}

void client::command(std::vector<std::string> argv, reply_fn done) {
  auto p = impl_.get();
  if (p->stopped)
    return done(disconnected("redis client stopped"));
  net::post(p->ioc, [p, argv = std::move(argv), done = std::move(done)]() mutable {
    p->send(std::move(argv), std::move(done));
  });
}

void client::subscribe(std::string channel, std::function<void(std::string)> on_message) {
  auto p = impl_.get();
  net::post(p->ioc, [p, channel = std::move(channel), fn = std::move(on_message)]() mutable {
    auto& slot = p->channels[channel];
    if (slot)
      return void(slot->fn = std::move(fn));
    slot = std::make_unique<impl::channel_entry>(impl::channel_entry{p, channel, std::move(fn)});
    p->send_subscribe(*slot);
  });
}

void client::on_state(std::function<void(bool)> fn) {
  auto p = impl_.get();
  net::post(p->ioc, [p, fn = std::move(fn)]() mutable {
    fn(p->is_up);
    p->state_fns.push_back(std::move(fn));
  });
}

bool client::up() const {
  return impl_->is_up;
}

void client::shutdown() {
  auto p = impl_.get();
  if (!p || p->stopped.exchange(true))
    return;
  net::post(p->ioc, [p] {
    for (auto* c : {p->cmd.get(), p->sub.get()}) {
      c->retry.cancel();
      if (auto ac = c->ac) {
        c->ac = nullptr;
        redisAsyncFree(ac); // answers pending commands with "connection lost"
      }
    }
    p->work.reset();
  });
  if (p->thread.joinable())
    p->thread.join();
}

} // namespace tmcp::redis

// The pool side of the HTTP client: admission, the FIFO of waiting requests, reuse, idle
// expiry and shutdown. Per-socket I/O is in http_connection.cpp.
#include "integration/http_client.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "integration/http_pool.hpp"

namespace tmcp::twenty {

namespace detail {

exchange::~exchange() {
  // Reached only when the I/O threads stopped before the request finished.
  finish(make_unexpected(network_error(
    "The HTTP client shut down before Twenty answered; the request may or may not have been "
    "applied.")));
}

void exchange::finish(outcome o) {
  if (finished.exchange(true))
    return;
  auto cb = std::move(done);
  if (cb)
    cb(std::move(o));
}

error network_error(std::string message) {
  return error{errc::network_error, 0, std::move(message), {}};
}

client_core::client_core(client_options o, base_url u)
  : opts(std::move(o)), url(std::move(u)), queue_strand(net::make_strand(ioc)) {
  opts.max_connections = std::max<std::size_t>(1, opts.max_connections);
  opts.io_threads = std::max(1, opts.io_threads);
}

void client_core::start_threads(const std::shared_ptr<client_core>& self, int n) {
  guard.emplace(net::make_work_guard(ioc));
  running = n;
  for (int i = 0; i < n; ++i)
    // Each thread owns a reference, so a shutdown from an I/O thread can detach safely.
    threads.emplace_back([self] {
      self->ioc.run();
      std::lock_guard<std::mutex> lock(self->run_mu);
      --self->running;
      self->run_cv.notify_all();
    });
}

connection_ptr client_core::make_connection_locked() {
  ++open;
  auto id = next_id++;
  auto c = std::make_shared<connection>(*this, id);
  live[id] = c;
  ++opened;
  return c;
}

void client_core::cancel_queue_timer(const exchange_ptr& ex) {
  net::post(queue_strand, [ex] {
    if (ex->queue_timer) {
      ex->queue_timer->cancel();
      ex->queue_timer.reset();
    }
  });
}

void client_core::queue_locked(const exchange_ptr& ex) {
  waiters.push_back(ex);
  std::weak_ptr<exchange> weak = ex;
  net::post(queue_strand, [this, weak] {
    auto ex = weak.lock();
    if (!ex || ex->finished)
      return;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (std::find(waiters.begin(), waiters.end(), ex) == waiters.end())
        return; // already handed to a connection
    }
    ex->queue_timer = std::make_unique<net::steady_timer>(queue_strand, ex->deadline);
    ex->queue_timer->async_wait([this, weak](beast::error_code ec) {
      auto ex = weak.lock();
      if (ec || !ex)
        return;
      {
        std::lock_guard<std::mutex> lock(mu);
        auto it = std::find(waiters.begin(), waiters.end(), ex);
        if (it == waiters.end())
          return;
        waiters.erase(it);
      }
      ++timeouts;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ex->req.deadline).count();
      complete(ex, make_unexpected(network_error(
                     "Twenty did not answer in time (timed out after " + std::to_string(ms)
                     + " ms waiting for a free connection; all "
                     + std::to_string(opts.max_connections)
                     + " are busy). Retry later or send fewer requests at once.")));
    });
  });
}

bool client_core::submit(const exchange_ptr& ex) {
  connection_ptr c;
  bool reuse = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping)
      return false;
    if (!idle.empty()) {
      c = idle.back();
      idle.pop_back();
      ++c->idle_gen;
      reuse = true;
    } else if (open < opts.max_connections) {
      c = make_connection_locked();
    } else {
      queue_locked(ex);
    }
  }
  if (c)
    c->start(ex, reuse);
  return true;
}

void client_core::start_waiter_locked(std::vector<std::pair<connection_ptr, exchange_ptr>>& out,
                                      const connection_ptr& c) {
  auto ex = waiters.front();
  waiters.pop_front();
  cancel_queue_timer(ex);
  out.emplace_back(c, ex);
}

void client_core::release(const connection_ptr& c) {
  std::vector<std::pair<connection_ptr, exchange_ptr>> next;
  uint64_t gen = 0;
  bool close = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping) {
      close = true;
      if (live.erase(c->id()) != 0)
        --open;
    } else if (!waiters.empty()) {
      start_waiter_locked(next, c);
    } else {
      idle.push_back(c);
      gen = ++c->idle_gen;
    }
  }
  if (close)
    c->close_now();
  else if (next.empty())
    c->arm_idle(gen); // on c's strand: a taker's start() is posted there, so it runs after
  for (auto& [conn, ex] : next)
    conn->start(ex, true);
}

void client_core::discard(connection& c) {
  std::vector<std::pair<connection_ptr, exchange_ptr>> next;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (live.erase(c.id()) == 0)
      return;
    --open;
    if (!stopping && !waiters.empty())
      start_waiter_locked(next, make_connection_locked());
  }
  for (auto& [conn, ex] : next)
    conn->start(ex, false);
}

void client_core::retry_fresh(connection& stale, const exchange_ptr& ex, bool after_failure) {
  connection_ptr fresh;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (live.erase(stale.id()) != 0)
      --open;
    if (!stopping)
      fresh = make_connection_locked();
  }
  if (!fresh) {
    complete(ex, make_unexpected(network_error("The HTTP client is shutting down.")));
    return;
  }
  ++(after_failure ? retries : stale_replaced);
  fresh->start(ex, false);
}

void client_core::idle_expired(const connection_ptr& c, uint64_t gen) {
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = std::find(idle.begin(), idle.end(), c);
    if (it == idle.end() || c->idle_gen != gen)
      return;
    idle.erase(it);
    live.erase(c->id());
    --open;
  }
  c->close_now();
}

void client_core::complete(const exchange_ptr& ex, outcome o) {
  if (!o)
    ++network_errors;
  ex->finish(std::move(o));
}

client_stats client_core::stats() const {
  client_stats s;
  s.requests = requests;
  s.connections_opened = opened;
  s.reused = reused;
  s.network_errors = network_errors;
  s.retries = retries;
  s.timeouts = timeouts;
  s.stale_replaced = stale_replaced;
  s.in_flight = in_flight;
  std::lock_guard<std::mutex> lock(mu);
  s.queued = waiters.size();
  s.open_connections = open;
  s.idle_connections = idle.size();
  return s;
}

void client_core::shutdown() {
  std::deque<exchange_ptr> waiting;
  std::vector<connection_ptr> conns;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping && threads.empty())
      return;
    stopping = true;
    waiting.swap(waiters);
    for (auto& [id, weak] : live)
      if (auto c = weak.lock())
        conns.push_back(std::move(c));
    live.clear();
    idle.clear();
    open = 0;
  }
  const std::string reason = "The HTTP client shut down before Twenty answered; the request "
                             "may or may not have been applied.";
  for (auto& ex : waiting) {
    cancel_queue_timer(ex);
    net::post(ioc, [this, ex] {
      complete(ex, make_unexpected(network_error("The HTTP client shut down before the request "
                                                 "was sent.")));
    });
  }
  for (auto& c : conns)
    c->close_async(reason);
  guard.reset();
  if (ioc.get_executor().running_in_this_thread()) {
    // Joining ourselves would deadlock; the threads keep the core alive until they end.
    ioc.stop();
    for (auto& t : threads)
      t.detach();
    threads.clear();
    return;
  }
  {
    // Closing cancels every operation, so run() ends promptly; a stuck resolver must not
    // hold shutdown forever.
    std::unique_lock<std::mutex> lock(run_mu);
    if (!run_cv.wait_for(lock, std::chrono::seconds(3), [this] { return running == 0; }))
      ioc.stop();
  }
  for (auto& t : threads)
    if (t.joinable())
      t.join();
  threads.clear();
}

} // namespace detail

expected<std::shared_ptr<http_client>, std::string> http_client::create(client_options opts) {
  auto url = parse_base_url(opts.base_url);
  if (!url)
    return make_unexpected(url.error());
  auto threads = std::max(1, opts.io_threads);
  auto core = std::make_shared<detail::client_core>(std::move(opts), std::move(*url));
  if (core->url.tls) {
    auto& ctx = core->tls.emplace(detail::ssl::context::tls_client);
    ctx.set_options(detail::ssl::context::default_workarounds | detail::ssl::context::no_sslv2
                    | detail::ssl::context::no_sslv3 | detail::ssl::context::no_tlsv1
                    | detail::ssl::context::no_tlsv1_1);
    if (core->opts.verify_tls) {
      detail::beast::error_code ec;
      ctx.set_verify_mode(detail::ssl::verify_peer);
      ctx.set_default_verify_paths(ec);
      if (!core->opts.ca_file.empty()) {
        ctx.load_verify_file(core->opts.ca_file, ec);
        if (ec)
          return make_unexpected("cannot load the CA file '" + core->opts.ca_file
                                 + "': " + ec.message());
      }
    } else {
      ctx.set_verify_mode(detail::ssl::verify_none);
    }
  }
  core->start_threads(core, threads);
  return std::shared_ptr<http_client>(new http_client(std::move(core)));
}

http_client::http_client(std::shared_ptr<detail::client_core> core) : core_(std::move(core)) {}

http_client::~http_client() {
  shutdown();
}

void http_client::send(const request& req, std::function<void(outcome)> done) {
  auto ex = std::make_shared<detail::exchange>();
  ex->req = req;
  ex->done = std::move(done);
  ex->deadline = detail::steady::now() + req.deadline;
  ++core_->requests;
  if (!core_->submit(ex)) {
    ++core_->network_errors;
    ex->finish(make_unexpected(detail::network_error("The HTTP client is shut down.")));
  }
}

client_stats http_client::get_stats() const {
  return core_->stats();
}

void http_client::shutdown() {
  core_->shutdown();
}

} // namespace tmcp::twenty

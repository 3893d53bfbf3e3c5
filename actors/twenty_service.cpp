#include "actors/twenty_service.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "integration/analytics_dashboard.hpp"

namespace tmcp::actors {

namespace {

using namespace std::chrono_literals;

// Upper bound for a schema refresh, retries included.
constexpr auto refresh_timeout = 180s;

// The record resources a write changed, for the other instances' subscribers.
std::vector<std::string> changed_uris(const std::vector<std::pair<std::string, std::string>>& c) {
  std::vector<std::string> out;
  for (auto& [plural, id] : c) {
    out.push_back("twenty://records/" + plural + "/" + id);
    for (auto& uri : twenty::dashboard_uris_for(plural))
      if (std::find(out.begin(), out.end(), uri) == out.end())
        out.push_back(uri);
  }
  return out;
}

bool cacheable(const twenty::outcome& o) {
  return o && o->status >= 200 && o->status < 300;
}

cache_store::time_point now() {
  return std::chrono::steady_clock::now();
}

// Calls `done` exactly once: with the gateway's outcome, or with an error if the gateway
// dropped the reply (it stopped before answering).
class once_reply {
public:
  explicit once_reply(twenty::twenty_api::done_fn done) : done_(std::move(done)) {}
  once_reply(const once_reply&) = delete;
  once_reply& operator=(const once_reply&) = delete;
  ~once_reply() {
    if (done_)
      done_(make_unexpected(twenty::error{twenty::errc::twenty_api_error, 0,
                                          "The Twenty gateway stopped before answering; retry "
                                          "the call in a moment",
                                          ""}));
  }
  void operator()(twenty::outcome o) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (done)
      done(std::move(o));
  }

private:
  twenty::twenty_api::done_fn done_;
};

// The reply the gateway calls: a 2xx answer is stored under `key` first (L1, and the shared
// L2 when configured).
twenty_reply store_then(shared_cache_ptr store, std::shared_ptr<twenty::l2_cache> l2,
                        std::string key, std::vector<std::string> tags,
                        twenty::twenty_api::done_fn done) {
  auto once = std::make_shared<once_reply>(std::move(done));
  return twenty_reply{[store = std::move(store), l2 = std::move(l2), key = std::move(key),
                       tags = std::move(tags), once](twenty::outcome o) {
    if (cacheable(o)) {
      if (store && store->keeps())
        store->put(key, o->body, tags, now());
      if (l2)
        l2->put(key, o->body, tags);
    }
    (*once)(std::move(o));
  }};
}

twenty::response hit_response(std::string body) {
  twenty::response hit;
  hit.status = 200;
  hit.body = std::move(body);
  return hit;
}

// A cache hit answers at once, on the caller's thread.
bool answer_from_cache(const integration_handles& h, const std::string& key,
                       twenty::twenty_api::done_fn& done) {
  if (!h.store)
    return false;
  auto hit = h.store->get(key, now());
  if (!hit)
    return false;
  done(hit_response(std::move(*hit)));
  return true;
}

} // namespace

twenty_service::twenty_service(caf::actor_system& sys, std::string workspace_key,
                               changed_fn on_changed)
  : sys_(sys), workspace_(std::move(workspace_key)), on_changed_(std::move(on_changed)) {}

void twenty_service::set_handles(integration_handles h) {
  std::lock_guard<std::mutex> guard(mtx_);
  handles_ = std::move(h);
}

integration_handles twenty_service::handles() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return handles_;
}

void twenty_service::set_schema(schema_ptr s) {
  std::lock_guard<std::mutex> guard(mtx_);
  schema_ = std::move(s);
}

schema_ptr twenty_service::schema() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return schema_;
}

std::optional<twenty::error> twenty_service::schema_failure() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return health_.last_failure;
}

void twenty_service::note_schema_outcome(const std::optional<twenty::error>& failure) {
  std::lock_guard<std::mutex> guard(mtx_);
  health_.attempted = true;
  health_.last_failure = failure;
  auto now = std::chrono::system_clock::now();
  if (failure) {
    health_.last_failure_at = now;
  } else {
    health_.loaded = true;
    health_.last_success = now;
  }
}

schema_health twenty_service::health() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return health_;
}

namespace {

// L1 in place, then the shared L2 (when configured); on a miss `send` hands the request to
// the gateway with the reply that stores a 2xx answer in both.
template <class Send>
void cached(const integration_handles& h, std::shared_ptr<twenty::l2_cache> l2, std::string key,
            std::vector<std::string> tags, Send send, twenty::twenty_api::done_fn done) {
  if (answer_from_cache(h, key, done))
    return;
  if (!l2)
    return send(store_then(h.store, nullptr, std::move(key), std::move(tags), std::move(done)));
  // An L2 answer arrives on the Redis client's thread; it only stores and hands on.
  l2->get(key, [h, l2, key, tags, send, done](std::optional<std::string> v) {
    if (!v)
      return send(store_then(h.store, l2, key, tags, done));
    if (h.store && h.store->keeps())
      h.store->put(key, *v, tags, now());
    done(hit_response(std::move(*v)));
  });
}

} // namespace

void twenty_service::read(twenty::request req, std::vector<std::string> tags, done_fn done) {
  auto h = handles();
  auto key = workspace_ + "|q|" + std::to_string(static_cast<int>(req.method)) + "|"
             + req.target + "|" + req.body;
  auto send = [gw = h.gateway, req = std::move(req)](twenty_reply reply) {
    caf::anon_send(gw, atom::fetch_v, req, std::move(reply));
  };
  cached(h, l2(), std::move(key), std::move(tags), std::move(send), std::move(done));
}

void twenty_service::get_record(const std::string& plural, const std::string& id, int depth,
                                const std::string& fairness_key, done_fn done) {
  auto h = handles();
  auto key = workspace_ + "|rec|" + plural + "|" + id + "|d" + std::to_string(depth);
  std::vector<std::string> tags{twenty::object_tag(plural), twenty::record_tag(plural, id)};
  auto send = [gw = h.gateway, plural, id, depth, fairness_key](twenty_reply reply) {
    caf::anon_send(gw, atom::record_v, plural, id, static_cast<int32_t>(depth), fairness_key,
                   std::move(reply));
  };
  cached(h, l2(), std::move(key), std::move(tags), std::move(send), std::move(done));
}

void twenty_service::write(twenty::request req, std::vector<std::string> invalidates,
                           std::vector<std::pair<std::string, std::string>> changed,
                           done_fn done) {
  auto h = handles();
  auto unscoped = invalidates;
  for (auto& tag : invalidates)
    tag = scoped_tag(tag);
  // The other instances (and the shared L2) hear about the write too.
  auto shared = [l2c = l2(), tell = announce(), tags = std::move(unscoped)](
                  std::vector<std::string> uris) {
    if (l2c)
      l2c->invalidate(tags);
    if (tell)
      tell(change_note{tags, std::move(uris), false, "", true});
  };
  auto once = std::make_shared<once_reply>(std::move(done));
  auto reply = [store = h.store, invalidates = std::move(invalidates), changed = std::move(changed),
                on_changed = on_changed_, shared, once](twenty::outcome o) {
    // Invalidate even on failure: a failed write may still have changed something.
    if (store)
      for (auto& tag : invalidates)
        store->invalidate(tag);
    if (o && on_changed)
      for (auto& [plural, id] : changed)
        on_changed(plural, id);
    shared(changed_uris(o ? changed : std::vector<std::pair<std::string, std::string>>{}));
    (*once)(std::move(o));
  };
  caf::anon_send(h.gateway, atom::fetch_v, std::move(req), twenty_reply{std::move(reply)});
}

std::string twenty_service::scoped_tag(const std::string& tag) const {
  // "*" (a GraphQL mutation, a metadata change: anything may have changed) drops this
  // workspace's whole cache.
  return tag == "*" ? workspace_ + "*" : tag;
}

void twenty_service::invalidate(std::vector<std::string> tags, bool shared_too) {
  auto h = handles();
  for (auto& tag : tags) {
    if (h.store)
      h.store->invalidate(scoped_tag(tag));
    else
      caf::anon_send(h.cache, atom::invalidate_v, scoped_tag(tag));
  }
  if (auto l2_cache = l2(); shared_too && l2_cache)
    l2_cache->invalidate(tags);
}

void twenty_service::set_shared(std::shared_ptr<twenty::l2_cache> l2_cache,
                                std::function<void(change_note)> announce) {
  std::lock_guard<std::mutex> guard(mtx_);
  l2_ = std::move(l2_cache);
  announce_ = std::move(announce);
}

std::shared_ptr<twenty::l2_cache> twenty_service::l2() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return l2_;
}

std::function<void(change_note)> twenty_service::announce() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return announce_;
}

void twenty_service::refresh_schema(std::function<void()> done) {
  // Rare (start-up, list_changed): a throwaway requester is fine here.
  auto h = handles();
  sys_.spawn([h, done = std::move(done)](caf::event_based_actor* a) {
    // A schema actor killed mid-refresh never answers: its down message ends the wait.
    auto finished = std::make_shared<bool>(false);
    auto finish = [a, finished, done] {
      if (!std::exchange(*finished, true))
        done();
      a->quit();
    };
    a->monitor(h.schema);
    a->set_down_handler([finish](caf::down_msg&) { finish(); });
    a->request(h.schema, refresh_timeout, atom::refresh_v)
      .then([finish](uint64_t) { finish(); }, [finish](caf::error&) { finish(); });
  });
}

} // namespace tmcp::actors

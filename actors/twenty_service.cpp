#include "actors/twenty_service.hpp"

#include <caf/all.hpp>

namespace tmcp::actors {

namespace {

using namespace std::chrono_literals;

// Upper bound for one gateway answer, retries included; the gateway enforces the real
// per-attempt deadlines.
constexpr auto gateway_timeout = 180s;

// The record resources a write changed, for the other instances' subscribers.
std::vector<std::string> changed_uris(const std::vector<std::pair<std::string, std::string>>& c) {
  std::vector<std::string> out;
  for (auto& [plural, id] : c)
    out.push_back("twenty://records/" + plural + "/" + id);
  return out;
}

twenty::error actor_error(const caf::error& e) {
  return twenty::error{twenty::errc::twenty_api_error, 0,
                       "The Twenty gateway did not answer (" + to_string(e)
                         + "); retry the call in a moment",
                       ""};
}

// Asks `target` and answers exactly once: with its reply, or with an error as soon as the
// target goes down (a killed actor never answers the requests it held).
template <class Reply, class Target, class Ask, class OnReply, class OnError>
void ask_watched(caf::event_based_actor* a, const Target& target, Ask ask, OnReply on_reply,
                 OnError on_error) {
  auto answered = std::make_shared<bool>(false);
  a->monitor(target);
  a->set_down_handler([a, answered, on_error](caf::down_msg& dm) {
    if (std::exchange(*answered, true))
      return;
    caf::error e = dm.reason ? dm.reason : caf::make_error(caf::sec::request_receiver_down);
    on_error(e);
    a->quit();
  });
  ask(a, target).then(
    [a, answered, on_reply](Reply& reply) {
      if (std::exchange(*answered, true))
        return;
      on_reply(reply);
      a->quit();
    },
    [a, answered, on_error](caf::error& e) {
      if (std::exchange(*answered, true))
        return;
      on_error(e);
      a->quit();
    });
}

bool cacheable(const twenty::outcome& o) {
  return o && o->status >= 200 && o->status < 300;
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

twenty::response hit_response(std::string body) {
  twenty::response hit;
  hit.status = 200;
  hit.body = std::move(body);
  return hit;
}

// L1 first, then the shared L2 (when configured); on a miss `ask` sends the upstream request
// and a 2xx answer is stored in both.
template <class Ask>
void cached(caf::actor_system& sys, const integration_handles& h,
            std::shared_ptr<twenty::l2_cache> l2, std::string key, std::vector<std::string> tags,
            Ask ask, twenty::twenty_api::done_fn done) {
  // Its own short-lived actor: an L2 miss calls it from the Redis client's thread.
  auto upstream = [&sys, h, l2, key, tags, ask, done]() {
    sys.spawn([h, l2, key, tags, ask, done](caf::event_based_actor* a) {
      ask_watched<twenty::outcome>(
        a, h.gateway, ask,
        [h, l2, key, tags, done](twenty::outcome& o) {
          if (cacheable(o)) {
            caf::anon_send(h.cache, atom::store_v, key, o->body, tags);
            if (l2)
              l2->put(key, o->body, tags);
          }
          done(std::move(o));
        },
        [done](caf::error& e) { done(make_unexpected(actor_error(e))); });
    });
  };
  sys.spawn([h, l2, key, tags, upstream, done](caf::event_based_actor* a) {
    a->request(h.cache, 5s, atom::lookup_v, key)
      .then(
        [h, l2, key, tags, upstream, done](cache_lookup& l) {
          if (l.hit)
            return done(hit_response(std::move(l.value)));
          if (!l2)
            return upstream();
          l2->get(key, [h, key, tags, upstream, done](std::optional<std::string> v) {
            if (!v)
              return upstream();
            caf::anon_send(h.cache, atom::store_v, key, *v, tags);
            done(hit_response(std::move(*v)));
          });
        },
        // A missing cache only costs an upstream call.
        [upstream](caf::error&) { upstream(); });
  });
}

} // namespace

void twenty_service::read(twenty::request req, std::vector<std::string> tags, done_fn done) {
  auto key = workspace_ + "|q|" + std::to_string(static_cast<int>(req.method)) + "|"
             + req.target + "|" + req.body;
  auto ask = [req = std::move(req)](caf::event_based_actor* a, const twenty_gateway_actor& gw) {
    return a->request(gw, gateway_timeout, atom::fetch_v, req);
  };
  cached(sys_, handles(), l2(), std::move(key), std::move(tags), std::move(ask), std::move(done));
}

void twenty_service::get_record(const std::string& plural, const std::string& id, int depth,
                                const std::string& fairness_key, done_fn done) {
  auto key = workspace_ + "|rec|" + plural + "|" + id + "|d" + std::to_string(depth);
  std::vector<std::string> tags{twenty::object_tag(plural), twenty::record_tag(plural, id)};
  auto ask = [plural, id, depth, fairness_key](caf::event_based_actor* a,
                                               const twenty_gateway_actor& gw) {
    return a->request(gw, gateway_timeout, atom::record_v, plural, id,
                      static_cast<int32_t>(depth), fairness_key);
  };
  cached(sys_, handles(), l2(), std::move(key), std::move(tags), std::move(ask), std::move(done));
}

void twenty_service::write(twenty::request req, std::vector<std::string> invalidates,
                           std::vector<std::pair<std::string, std::string>> changed,
                           done_fn done) {
  auto h = handles();
  auto unscoped = invalidates;
  for (auto& tag : invalidates)
    tag = scoped_tag(tag);
  auto on_changed = on_changed_;
  // The other instances (and the shared L2) hear about the write too.
  auto shared = [l2c = l2(), tell = announce(), tags = unscoped](std::vector<std::string> uris) {
    if (l2c)
      l2c->invalidate(tags);
    if (tell)
      tell(change_note{tags, std::move(uris), false, "", true});
  };
  sys_.spawn([h, req = std::move(req), invalidates = std::move(invalidates),
              changed = std::move(changed), on_changed, shared,
              done = std::move(done)](caf::event_based_actor* a) mutable {
    auto ask = [req](caf::event_based_actor* self, const twenty_gateway_actor& gw) {
      return self->request(gw, gateway_timeout, atom::fetch_v, req);
    };
    ask_watched<twenty::outcome>(
      a, h.gateway, ask,
      [h, invalidates, changed, on_changed, shared, done](twenty::outcome& o) {
        // Invalidate even on failure: a failed write may still have changed something.
        for (auto& tag : invalidates)
          caf::anon_send(h.cache, atom::invalidate_v, tag);
        if (o && on_changed)
          for (auto& [plural, id] : changed)
            on_changed(plural, id);
        shared(changed_uris(o ? changed : std::vector<std::pair<std::string, std::string>>{}));
        done(std::move(o));
      },
      [h, invalidates, shared, done](caf::error& e) {
        for (auto& tag : invalidates)
          caf::anon_send(h.cache, atom::invalidate_v, tag);
        shared({});
        done(make_unexpected(actor_error(e)));
      });
  });
}

std::string twenty_service::scoped_tag(const std::string& tag) const {
  // "*" (a GraphQL mutation, a metadata change: anything may have changed) drops this
  // workspace's whole cache.
  return tag == "*" ? workspace_ + "*" : tag;
}

void twenty_service::invalidate(std::vector<std::string> tags, bool shared_too) {
  auto h = handles();
  for (auto& tag : tags)
    caf::anon_send(h.cache, atom::invalidate_v, scoped_tag(tag));
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
  auto h = handles();
  sys_.spawn([h, done = std::move(done)](caf::event_based_actor* a) {
    auto ask = [](caf::event_based_actor* self, const schema_actor& schema) {
      return self->request(schema, gateway_timeout, atom::refresh_v);
    };
    ask_watched<uint64_t>(a, h.schema, ask, [done](uint64_t) { done(); }, [done](caf::error&) { done(); });
  });
}

} // namespace tmcp::actors

#include "actors/schema_actor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace tmcp::actors {

namespace {

void fetch_page(schema_self self, const std::string& cursor);

// Ends the introspection under way: answers everyone waiting for it.
void finish(schema_self self, const std::optional<twenty::error>& failure) {
  auto& st = self->state;
  st.in_flight = false;
  st.pending.clear();
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  if (st.settings.on_outcome)
    st.settings.on_outcome(failure);
  if (failure) {
    auto text = std::string(twenty::to_string(failure->code)) + ": " + failure->message;
    spdlog::warn("schema introspection failed, keeping schema version {}: {}", st.version(),
                 text);
    for (auto& rp : waiting)
      rp.deliver(caf::make_error(caf::sec::runtime_error, "schema refresh failed: " + text));
    return;
  }
  for (auto& rp : waiting)
    rp.deliver(st.version());
}

void on_answer(schema_self self, const twenty::outcome& answer) {
  auto& st = self->state;
  auto next = st.take_page(answer);
  if (!next)
    return finish(self, next.error());
  if (*next)
    return fetch_page(self, **next);
  if (st.install()) {
    spdlog::info("workspace schema version {}: {} objects (fingerprint {})", st.version(),
                 st.current->objects.size(), st.current->fingerprint);
    if (st.settings.on_change)
      st.settings.on_change(st.current);
  }
  finish(self, std::nullopt);
}

void fetch_page(schema_self self, const std::string& cursor) {
  auto& st = self->state;
  self->request(st.gateway, st.settings.request_timeout, atom::fetch_v, st.page_request(cursor))
    .then([self](twenty::outcome& answer) { on_answer(self, answer); },
          [self](caf::error& err) {
            finish(self, twenty::error{twenty::errc::twenty_api_error, 0,
                                       "The Twenty gateway did not answer (" + to_string(err)
                                         + ")",
                                       ""});
          });
}

// Starts an introspection unless one is under way (its answer serves everyone).
void introspect(schema_self self) {
  if (self->state.in_flight)
    return;
  self->state.start_introspection();
  fetch_page(self, "");
}

} // namespace

twenty::request schema_state::page_request(const std::string& cursor) {
  return twenty::request{twenty::verb::post, "/metadata", twenty::metadata_objects_query(cursor),
                         twenty::api::metadata, true, "schema"};
}

void schema_state::start_introspection() {
  in_flight = true;
  pending.clear();
  pages = 0;
  last_cursor.clear();
}

expected<std::optional<std::string>, twenty::error>
schema_state::take_page(const twenty::outcome& answer) {
  auto garbage = [&](std::string why) {
    return make_unexpected(twenty::error{twenty::errc::twenty_api_error,
                                         answer ? answer->status : 0, std::move(why), ""});
  };
  if (!answer)
    return make_unexpected(answer.error());
  if (answer->status < 200 || answer->status >= 300) {
    auto e = twenty::classify(*answer);
    e.message = "/metadata answered HTTP " + std::to_string(answer->status) + ". " + e.message;
    return make_unexpected(std::move(e));
  }
  auto page = twenty::parse_metadata_page(answer->body);
  if (!page) {
    // GraphQL failures arrive inside a 200: keep their code (e.g. INVALID_API_KEY) and advice.
    if (auto gql = twenty::graphql_error(answer->body)) {
      gql->message = page.error() + ". " + gql->message;
      return make_unexpected(std::move(*gql));
    }
    return garbage(page.error());
  }
  ++pages;
  for (auto& o : page->objects)
    pending.push_back(std::move(o));
  if (!page->has_next_page)
    return std::optional<std::string>{};
  if (page->end_cursor.empty() || page->end_cursor == last_cursor || pages >= max_pages)
    return garbage("/metadata paging does not advance (cursor '" + page->end_cursor + "' after "
                   + std::to_string(pages) + " pages)");
  last_cursor = page->end_cursor;
  return std::optional<std::string>{page->end_cursor};
}

bool schema_state::install() {
  auto next = twenty::make_schema(std::move(pending), current.get());
  pending.clear();
  if (current && next.fingerprint == current->fingerprint)
    return false;
  current = std::make_shared<const twenty::workspace_schema>(std::move(next));
  return true;
}

uint64_t schema_state::version() const {
  return current ? current->version : 0;
}

schema_actor::behavior_type schema_actor_impl(schema_self self, twenty_gateway_actor gateway,
                                              schema_settings settings) {
  self->state.gateway = std::move(gateway);
  self->state.settings = std::move(settings);
  introspect(self);
  if (self->state.settings.refresh_interval.count() > 0)
    self->delayed_send(self, self->state.settings.refresh_interval, atom::tick_v);
  return {
    [self](atom::schema) { return self->state.current; },
    [self](atom::refresh) -> caf::result<uint64_t> {
      auto rp = self->make_response_promise<uint64_t>();
      self->state.waiting.push_back(rp);
      introspect(self);
      return rp;
    },
    [self](atom::tick) {
      introspect(self);
      self->delayed_send(self, self->state.settings.refresh_interval, atom::tick_v);
    },
  };
}

} // namespace tmcp::actors
